from odoo import api, models


class EventRegistrationAnswer(models.Model):
    _inherit = "event.registration.answer"

    # Inventory of personal data (see models/expat_personal_data.py)

    def _expat_personal_fields(self):
        """What the attendee typed into the event's questions."""
        return ["value_text_box"]

    def _expat_personal_kept_fields(self):
        return ["question_id", "value_answer_id"]

    @api.model
    def _expat_personal_records(self, partners):
        """The answers given with the persons' registrations."""
        registrations = self.env["event.registration"]._expat_personal_records(partners)
        return self.search([("registration_id", "in", registrations.ids)])
