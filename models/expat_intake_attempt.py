from datetime import timedelta

from odoo import api, fields, models

RATE_LIMIT = 5  # posts per address ...
RATE_WINDOW = timedelta(minutes=10)  # ... within this time


class ExpatIntakeAttempt(models.Model):
    """Posts of the public request form per client address, kept for ten
    minutes to enforce the rate limit (the addresses are personal data and
    are purged as soon as they no longer count)."""

    _name = "expat.intake.attempt"
    _description = "Request Form Post"
    _log_access = False

    ip = fields.Char(required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _register_post(self, ip):
        """Count a post from ``ip``; True while it stays within the limit."""
        attempts = self.sudo()
        now = fields.Datetime.now()
        attempts.search([("date", "<", now - RATE_WINDOW)]).unlink()
        attempts.create({"ip": ip, "date": now})
        return attempts.search_count([("ip", "=", ip)]) <= RATE_LIMIT
