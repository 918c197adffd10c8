from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Persons made from e-mail before 19.0.1.1.0 kept the whole
    ``"Name" <address>`` in ``email``: store the bare address."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._expat_clean_person_emails()
