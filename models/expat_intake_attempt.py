import hashlib
import hmac
import ipaddress
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import config, email_normalize

_logger = logging.getLogger(__name__)

RATE_LIMIT = 5  # posts per client address, and per e-mail address ...
RATE_WINDOW = timedelta(minutes=10)  # ... within this time
# Posts per address when the address is surely a proxy's (proxy_mode on, a
# loopback or private address): everybody shares it, so only this wider
# bound applies to it, and the limit per e-mail address does the work.
SHARED_ADDRESS_LIMIT = 10 * RATE_LIMIT


class ExpatIntakeAttempt(models.Model):
    """Posts of the public request form, kept for ten minutes to enforce the
    rate limits per client address and per e-mail address. The client
    address is kept as Odoo sees it, the e-mail address only as a keyed hash;
    both are purged as soon as they no longer count."""

    _name = "expat.intake.attempt"
    _description = "Request Form Post"
    _log_access = False

    ip = fields.Char(required=True, index=True)
    email_key = fields.Char(
        index="btree_not_null",
        help="Keyed hash of the normalised e-mail address given (not the address).",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _email_key(self, email):
        """A keyed hash (HMAC-SHA256 with the database secret) of the
        normalised address, or False when ``email`` holds no address."""
        address = email_normalize(email or "")
        if not address:
            return False
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            (secret or "").encode(), address.encode(), hashlib.sha256
        ).hexdigest()

    @api.model
    def _is_proxy_address(self, ip):
        """Whether ``ip`` is a loopback or private address while Odoo runs
        with ``proxy_mode``: then it is the proxy's own address, because the
        proxy's ``X-Forwarded-*`` headers were not applied."""
        if not config.get("proxy_mode"):
            return False
        try:
            address = ipaddress.ip_address(ip or "")
        except ValueError:
            return False
        return address.is_loopback or address.is_private

    @api.model
    def _register_post(self, ip, email=None):
        """Count a post of the request form (every post counts, valid or not).

        :param str ip: the client address as Odoo sees it
            (``request.httprequest.remote_addr``)
        :param str email: the e-mail address typed in, if any
        :return: ``""`` while within the limits, else which limit the post
            exceeds: ``"address"`` (more than 5 posts from the address in 10
            minutes) or ``"email"`` (more than 5 with the address typed in)
        Logs a warning when ``proxy_mode`` is on but posts keep arriving
        from one loopback or private address (the proxy's headers are not
        applied, so all visitors share the proxy's address).
        """
        attempts = self.sudo()
        now = fields.Datetime.now()
        attempts.search([("date", "<", now - RATE_WINDOW)]).unlink()
        key = self._email_key(email)
        attempts.create({"ip": ip, "email_key": key, "date": now})
        from_address = attempts.search_count([("ip", "=", ip)])
        if self._is_proxy_address(ip):
            if from_address == RATE_LIMIT + 1:
                _logger.warning(
                    "Expat desk request form: %s posts in %s minutes from %s, a "
                    "loopback or private address, although proxy_mode is on. The "
                    "reverse proxy's headers are not applied (Odoo needs "
                    "X-Forwarded-For and X-Forwarded-Host), so every visitor "
                    "shares the proxy's address; only the limit per e-mail "
                    "address protects the form.",
                    from_address,
                    int(RATE_WINDOW.total_seconds() // 60),
                    ip,
                )
            if from_address > SHARED_ADDRESS_LIMIT:
                return "address"
        elif from_address > RATE_LIMIT:
            return "address"
        if key and attempts.search_count([("email_key", "=", key)]) > RATE_LIMIT:
            return "email"
        return ""
