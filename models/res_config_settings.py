from odoo import fields, models

from .expat_case import PERMIT_REMINDER_DEFAULT, PERMIT_REMINDER_PARAM
from .res_partner_privacy import RETENTION_DEFAULT, RETENTION_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    expat_permit_reminder_days = fields.Integer(
        string="Permit Reminder (days before expiry)",
        config_parameter=PERMIT_REMINDER_PARAM,
        default=PERMIT_REMINDER_DEFAULT,
        help="How many days before a residence permit expires the advisor "
        "gets a reminder activity.",
    )
    expat_retention_months = fields.Integer(
        string="Retention Period (months)",
        config_parameter=RETENTION_PARAM,
        default=RETENTION_DEFAULT,
        help="Persons whose cases are all closed for longer than this are "
        "anonymised by the daily retention job.",
    )
