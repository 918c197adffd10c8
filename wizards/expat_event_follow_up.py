from odoo import api, fields, models
from odoo.exceptions import UserError


class ExpatEventFollowUp(models.TransientModel):
    _name = "expat.event.follow.up"
    _description = "Follow up the attendees of a desk event"

    event_id = fields.Many2one("event.event", required=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company",
        string="Organisation",
        required=True,
        default=lambda self: self._default_company_id(),
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="The organisation that owns the new company contacts and cases.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Advisor",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="The advisor of the new company contacts and cases.",
    )
    attendee_count = fields.Integer(compute="_compute_counts", string="Attendees")
    employer_count = fields.Integer(
        compute="_compute_counts", string="Attendees from Companies"
    )
    advice_count = fields.Integer(
        compute="_compute_counts", string="Attendees Asking for Advice"
    )
    linked_count = fields.Integer(
        compute="_compute_counts", string="Already Followed Up"
    )

    @api.model
    def _default_company_id(self):
        event = self.env["event.event"].browse(self.env.context.get("default_event_id"))
        if event.exists() and event.company_id in self.env.companies:
            return event.company_id
        return self.env.company

    def _attendees(self):
        return self.event_id.registration_ids.filtered(lambda r: r.state == "done")

    @api.depends("event_id")
    def _compute_counts(self):
        for wizard in self:
            attendees = wizard._attendees()
            pending_employer = attendees.filtered(
                lambda r: (r.employer_id or r.company_name) and not r.company_contact_id
            )
            pending_advice = attendees.filtered(
                lambda r: r.expat_wants_advice and not r.expat_case_id
            )
            wizard.attendee_count = len(attendees)
            wizard.employer_count = len(pending_employer)
            wizard.advice_count = len(pending_advice)
            wizard.linked_count = len(
                attendees.filtered(lambda r: r.company_contact_id or r.expat_case_id)
            )

    def action_follow_up(self):
        self.ensure_one()
        if not self.event_id.is_expat_desk:
            raise UserError(
                self.env._(
                    "%(event)s is not an Expat Service Desk event.",
                    event=self.event_id.name,
                )
            )
        result = self._attendees()._expat_follow_up(self.company_id, self.user_id)
        message = self.env._(
            "Company contacts: %(contacts_created)s created, %(contacts_reused)s "
            "existing linked. Cases: %(cases_created)s created, %(cases_reused)s "
            "existing linked.",
            **{key: len(records) for key, records in result.items()},
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Attendees followed up"),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
