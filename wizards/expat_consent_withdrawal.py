from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.expat_activity import reader_env


class ExpatConsentWithdrawal(models.TransientModel):
    _name = "expat.consent.withdrawal"
    _description = "Record a withdrawal of consent"

    case_id = fields.Many2one("expat.case", required=True, ondelete="cascade")
    date = fields.Date(
        string="Withdrawn on", required=True, default=fields.Date.context_today
    )
    open_case_count = fields.Integer(compute="_compute_open_case_count")
    anonymize = fields.Boolean(
        string="Anonymise the person now",
        help="Irreversible: replaces the person's personal data in all their "
        "cases, keeping only the statistics. Managers only.",
    )

    @api.constrains("case_id")
    def _check_case_visible(self):
        """Only a case the user may see (AccessError otherwise: the dialog
        would show its person's name)."""
        self.case_id._expat_check_visible()

    @api.depends("case_id")
    def _compute_open_case_count(self):
        for wizard in self:
            wizard.open_case_count = self.env["expat.case"].search_count(
                [
                    ("person_id", "=", wizard.case_id.person_id.id),
                    *self.env["expat.case"]._expat_open_domain(),
                ]
            )

    def action_confirm(self):
        self.ensure_one()
        case = self.case_id
        if case.legal_basis != "consent":
            raise UserError(
                self.env._("Case %(case)s is not based on consent.", case=case.name)
            )
        if self.date > fields.Date.context_today(self):
            raise UserError(self.env._("A withdrawal cannot be dated in the future."))
        case.consent_withdrawn_date = self.date
        # Read by the case's advisor: in their language and date format.
        env = reader_env(self.env, case.user_id)
        case.message_post(
            body=env._(
                "The person withdrew their consent on %(date)s.",
                date=format_date(env, self.date),
            ),
            subtype_xmlid="mail.mt_note",
        )
        if self.anonymize:
            case.person_id.with_context(
                expat_anonymize_open_cases=True
            ).action_expat_anonymize()
        return {"type": "ir.actions.act_window_close"}
