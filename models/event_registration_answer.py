from odoo import api, models


class EventRegistrationAnswer(models.Model):
    _inherit = "event.registration.answer"

    # Inventory of personal data (see models/expat_personal_data.py)

    def _expat_personal_fields(self):
        """What the attendee typed into the event's questions."""
        return ["value_text_box"]

    def _expat_personal_kept_fields(self):
        return ["question_id"]

    def _expat_anonymized_values(self):
        # A text answer must keep a text (a constraint of the event app).
        return {"value_text_box": self.env._("Anonymised")}

    @api.model
    def _expat_personal_records(self, partners):
        """The text answers given with the persons' registrations (a choice
        among the event's suggested answers says nothing the event does
        not)."""
        registrations = self.env["event.registration"]._expat_personal_records(partners)
        return self.search(
            [
                ("registration_id", "in", registrations.ids),
                ("value_text_box", "!=", False),
            ]
        )
