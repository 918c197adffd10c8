from datetime import date

from .common import ExpatDeskCase

PERMIT = "expat_service_desk.mail_activity_type_permit_expiry"


class TestPermitActivity(ExpatDeskCase):
    def test_set_move_clear(self):
        case = self._create_case(user_id=self.advisor_a.id)
        self.assertFalse(self._activities(case, PERMIT))
        case.permit_expiry_date = date(2027, 6, 30)
        activity = self._activities(case, PERMIT)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2027, 4, 1))  # 90 days before
        self.assertEqual(activity.user_id, self.advisor_a)
        self.assertIn("06/30/2027", activity.summary)  # the advisor reads en_US
        # Changing the date moves the same activity.
        case.permit_expiry_date = date(2027, 9, 30)
        moved = self._activities(case, PERMIT)
        self.assertEqual(moved, activity)
        self.assertEqual(moved.date_deadline, date(2027, 7, 2))
        # Clearing it removes it.
        case.permit_expiry_date = False
        self.assertFalse(self._activities(case, PERMIT))

    def test_set_on_create_and_days_from_settings(self):
        settings = self.env["res.config.settings"].create(
            {"expat_permit_reminder_days": 30}
        )
        settings.execute()
        case = self._create_case(permit_expiry_date=date(2027, 6, 30))
        self.assertEqual(
            self._activities(case, PERMIT).date_deadline, date(2027, 5, 31)
        )

    def test_follows_advisor_and_closing(self):
        case = self._create_case(
            user_id=self.advisor_a.id, permit_expiry_date=date(2027, 6, 30)
        )
        other = self.env["res.users"].create(
            {
                "name": "Second Advisor",
                "login": "esd_second_advisor",
                "company_id": self.org_a.id,
                "company_ids": [self.org_a.id],
                "group_ids": [
                    self.env.ref("expat_service_desk.group_expat_desk_user").id
                ],
            }
        )
        case.user_id = other
        self.assertEqual(self._activities(case, PERMIT).user_id, other)
        case.stage_id = self.stage_closed
        self.assertFalse(self._activities(case, PERMIT))

    def test_reminder_for_advisor_without_access_to_the_date(self):
        """The reminder also works when the date is written by an advisor."""
        case = self._create_case()
        case.with_user(self.advisor_a).permit_expiry_date = date(2027, 1, 31)
        self.assertEqual(
            self._activities(case, PERMIT).date_deadline, date(2026, 11, 2)
        )
