from .common import ExpatDeskCase


class TestTracking(ExpatDeskCase):
    def _tracked(self, record, field_name):
        self._flush_tracking()
        return record.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == field_name
        )

    def test_stage_advisor_and_status_tracked(self):
        case = self._create_case(user_id=self.advisor_a.id)
        self._flush_tracking()
        case.with_user(self.advisor_a).write(
            {
                "stage_id": self.stage_in_progress.id,
                "user_id": self.manager.id,
                "residence_status": "blue_card",
                "shared_company_ids": [self.org_b.id],
            }
        )
        stage = self._tracked(case, "stage_id")
        self.assertEqual(stage.old_value_char, "New")
        self.assertEqual(stage.new_value_char, "In Progress")
        advisor = self._tracked(case, "user_id")
        self.assertEqual(advisor.new_value_char, "Desk Manager")
        status = self._tracked(case, "residence_status")
        self.assertEqual(status.new_value_char, "EU Blue Card")
        self.assertTrue(self._tracked(case, "shared_company_ids"))

    def test_untracked_fields_post_nothing(self):
        case = self._create_case()
        self._flush_tracking()
        before = len(case.message_ids)
        case.occupation = "Data Scientist"
        self._flush_tracking()
        self.assertEqual(len(case.message_ids), before)

    def test_company_contact_stage_tracked(self):
        contact = self._create_company_contact()
        self._flush_tracking()
        contact.stage_id = self.stage_waiting
        self.assertEqual(self._tracked(contact, "stage_id").new_value_char, "Waiting")
