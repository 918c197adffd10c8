from odoo import api, fields, models


class ExpatAnonymizeWizard(models.TransientModel):
    _name = "expat.anonymize.wizard"
    _description = "Anonymise persons"

    partner_ids = fields.Many2many("res.partner", string="Persons", required=True)
    open_case_ids = fields.Many2many(
        "expat.case", compute="_compute_open_case_ids", string="Open Cases"
    )
    confirm_open_cases = fields.Boolean(
        string="Anonymise although cases are open",
        help="The open cases stay open, without any personal data.",
    )

    @api.depends("partner_ids")
    def _compute_open_case_ids(self):
        for wizard in self:
            wizard.open_case_ids = self.env["expat.case"].search(
                [
                    ("person_id", "in", wizard.partner_ids.ids),
                    *self.env["expat.case"]._expat_open_domain(),
                ]
            )

    def action_anonymize(self):
        self.ensure_one()
        self.partner_ids.with_context(
            expat_anonymize_open_cases=self.confirm_open_cases
        ).action_expat_anonymize()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Anonymised"),
                "message": self.env._(
                    "%(count)s persons anonymised.", count=len(self.partner_ids)
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
