from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .expat_groups import ADVISOR_GROUP, REPORTING_GROUP


class EventEvent(models.Model):
    _inherit = "event.event"

    is_expat_desk = fields.Boolean(
        string="Expat Service Desk Event",
        index=True,
        tracking=True,
        help="Organised by the Expat Service Desk: it appears under Expat "
        "Service Desk > Events and counts in the desk's figures.",
    )
    expat_topic_ids = fields.Many2many(
        "expat.topic",
        "event_event_expat_topic_rel",
        "event_id",
        "topic_id",
        string="Desk Topics",
        groups=REPORTING_GROUP,
    )
    target_group = fields.Selection(
        [
            ("companies", "Companies"),
            ("individuals", "Individuals"),
            ("both", "Companies and individuals"),
        ],
    )
    co_organizer_company_ids = fields.Many2many(
        "res.company",
        "event_event_co_organizer_company_rel",
        "event_id",
        "company_id",
        string="Co-organisers",
        tracking=True,
        help="Partner organisations running this event together with the "
        "organising one: their users see the event and its registrations. "
        "The figures count the event once, for the organiser.",
    )
    expat_case_count = fields.Integer(
        compute="_compute_expat_dossier_counts", string="Cases", groups=ADVISOR_GROUP
    )
    expat_company_contact_count = fields.Integer(
        compute="_compute_expat_dossier_counts",
        string="Company Contacts",
        groups=ADVISOR_GROUP,
    )

    @api.constrains("company_id", "co_organizer_company_ids")
    def _check_co_organizer_company_ids(self):
        for event in self:
            if event.company_id and event.company_id in event.co_organizer_company_ids:
                raise ValidationError(
                    self.env._(
                        "%(organisation)s organises the event %(event)s and "
                        "cannot also be one of its co-organisers.",
                        organisation=event.company_id.name,
                        event=event.name,
                    )
                )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_expat_dossier_counts(self):
        """Distinct dossiers linked to the events' registrations that the
        current user may see: two reads and one search per model."""
        registrations = self.env["event.registration"]
        for field, model, count_field in (
            ("expat_case_id", "expat.case", "expat_case_count"),
            (
                "company_contact_id",
                "expat.company.contact",
                "expat_company_contact_count",
            ),
        ):
            pairs = registrations._read_group(
                [("event_id", "in", self.ids), (field, "!=", False)],
                ["event_id", field],
            )
            visible = set(
                self.env[model].search([("id", "in", [d.id for _e, d in pairs])]).ids
            )
            counts = {}
            for event, dossier in pairs:
                if dossier.id in visible:
                    counts[event] = counts.get(event, 0) + 1
            for event in self:
                event[count_field] = counts.get(event, 0)

    def _expat_dossier_action(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("event_registration_ids.event_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_expat_cases(self):
        return self._expat_dossier_action("expat_service_desk.expat_case_action")

    def action_view_expat_company_contacts(self):
        return self._expat_dossier_action(
            "expat_service_desk.expat_company_contact_action"
        )

    def action_expat_follow_up(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expat_service_desk.expat_event_follow_up_action"
        )
        action["context"] = {"default_event_id": self.id}
        return action
