from odoo import fields, models

from .expat_case import PERMIT_REMINDER_DEFAULT, PERMIT_REMINDER_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    expat_permit_reminder_days = fields.Integer(
        string="Permit Reminder (days before expiry)",
        config_parameter=PERMIT_REMINDER_PARAM,
        default=PERMIT_REMINDER_DEFAULT,
        help="How many days before a residence permit expires the advisor "
        "gets a reminder activity.",
    )
