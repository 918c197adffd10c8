from datetime import date

from .common import ExpatDeskCase

FOLLOW_UP = "expat_service_desk.mail_activity_type_referral_follow_up"


class TestReferral(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Ausländerbehörde Test",
                "is_company": True,
                "category_id": [
                    cls.env.ref(
                        "expat_service_desk.res_partner_category_referral_agency"
                    ).id
                ],
            }
        )
        cls.case = cls._create_case(user_id=cls.advisor_a.id)

    def _refer(self, **vals):
        values = {
            "case_id": self.case.id,
            "agency_id": self.agency.id,
            "reason": "Appointment for the Blue Card",
        }
        values.update(vals)
        return self.env["expat.referral"].with_user(self.advisor_a).create(values)

    def test_follow_up_schedules_activity_for_advisor(self):
        referral = self._refer(follow_up_date=date(2027, 2, 1))
        activity = self._activities(referral, FOLLOW_UP)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.advisor_a)
        self.assertEqual(activity.date_deadline, date(2027, 2, 1))
        referral.follow_up_date = date(2027, 3, 1)
        self.assertEqual(self._activities(referral, FOLLOW_UP), activity)
        self.assertEqual(activity.date_deadline, date(2027, 3, 1))
        referral.follow_up_date = False
        self.assertFalse(self._activities(referral, FOLLOW_UP))

    def test_no_activity_without_follow_up_date(self):
        self.assertFalse(self._activities(self._refer(), FOLLOW_UP))

    def test_outcome_tracked_and_closes_follow_up(self):
        referral = self._refer(follow_up_date=date(2027, 2, 1))
        self._flush_tracking()
        referral.outcome = "successful"
        self.assertFalse(self._activities(referral, FOLLOW_UP))
        self._flush_tracking()
        tracking = referral.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "outcome"
        )
        self.assertEqual(tracking.old_value_char, "Pending")
        self.assertEqual(tracking.new_value_char, "Successful")
        done = referral.message_ids.filtered(
            lambda message: "Outcome: Successful" in (message.body or "")
        )
        self.assertTrue(done, "the follow-up activity was not marked done")

    def test_company_follows_case_and_agency_category_seeded(self):
        referral = self._refer()
        self.assertEqual(referral.company_id, self.org_a)
        self.assertEqual(self.case.referral_count, 1)
        action = self.case.action_view_referrals()
        self.assertEqual(action["domain"], [("case_id", "=", self.case.id)])
        category = self.env.ref(
            "expat_service_desk.res_partner_category_referral_agency"
        )
        self.assertEqual(category.name, "Referral agency")
        agency = (
            self.env["res.partner"]
            .with_context(expat_referral_agency=True)
            .create({"name": "New agency", "is_company": True})
        )
        self.assertIn(category, agency.category_id)
