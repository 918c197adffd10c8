from odoo import api, fields, models

from .expat_case import PERMIT_REMINDER_DEFAULT, PERMIT_REMINDER_PARAM
from .expat_case_intake import INTAKE_COMPANY_PARAM, INTAKE_USER_PARAM
from .expat_retention import RETENTION_DEFAULT, RETENTION_PARAM


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
    expat_intake_company_id = fields.Many2one(
        "res.company",
        string="Organisation Receiving Requests",
        config_parameter=INTAKE_COMPANY_PARAM,
        help="Owner of the cases opened by e-mail to the desk's alias and by "
        "the public request form.",
    )
    expat_intake_user_id = fields.Many2one(
        "res.users",
        string="Responsible for New Requests",
        config_parameter=INTAKE_USER_PARAM,
        domain="[('share', '=', False)]",
        help="Gets a to-do for every request that arrives by e-mail or web form.",
    )
    expat_desk_name = fields.Char(
        string="Desk Name on Public Pages",
        config_parameter="expat_service_desk.desk_name",
        default="Expat Service Desk",
        help="Shown with the receiving organisation's logo on the request form "
        "and the privacy notice.",
    )
    expat_legal_notice_url = fields.Char(
        string="Legal Notice (Impressum) URL",
        config_parameter="expat_service_desk.legal_notice_url",
        help="Linked from the request form and the privacy notice (§ 5 DDG "
        "requires a legal notice on every public page).",
    )
    expat_alias_name = fields.Char(
        string="Desk E-mail Alias",
        help="E-mails to this address (at the alias domain) open cases.",
    )
    expat_alias_domain = fields.Char(
        string="Desk Alias Domain", compute="_compute_expat_alias_domain"
    )

    def _expat_alias(self):
        return self.env.ref(
            "expat_service_desk.mail_alias_expat_desk", raise_if_not_found=False
        )

    @api.depends("expat_alias_name")
    def _compute_expat_alias_domain(self):
        alias = self._expat_alias()
        for settings in self:
            settings.expat_alias_domain = alias.sudo().alias_domain if alias else False

    @api.model
    def get_values(self):
        res = super().get_values()
        alias = self._expat_alias()
        res["expat_alias_name"] = alias.sudo().alias_name if alias else False
        return res

    def set_values(self):
        res = super().set_values()
        alias = self._expat_alias()
        if (
            alias
            and self.expat_alias_name
            and alias.alias_name != self.expat_alias_name
        ):
            alias.sudo().alias_name = self.expat_alias_name
        return res
