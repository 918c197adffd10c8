from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user

from .common import ExpatDeskCase


class TestAssignment(ExpatDeskCase):
    """Isolation of assignments, as real users of two organisations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._create_case(
            permit_expiry_date=fields.Date.today() + timedelta(days=200)
        ).with_env(cls.env)
        cls.portal = new_test_user(
            cls.env, login="esd_portal", groups="base.group_portal"
        )

    def _notices_to(self, user):
        """Messages and mails about the case that reached ``user``."""
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "expat.case"),
                ("res_id", "=", self.case.id),
                ("partner_ids", "in", user.partner_id.ids),
            ]
        )
        mails = self.env["mail.mail"].search(
            [("recipient_ids", "in", user.partner_id.ids)]
        )
        return messages, mails

    def _activities_of(self, user, record=None):
        record = record or self.case
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("user_id", "=", user.id),
            ]
        )

    def test_advisor_of_another_organisation_is_refused(self):
        """Failing input 4: B is not shared, B's advisor cannot be assigned,
        gets no notice, follows nothing and holds no reminder."""
        self._flush_tracking()
        case = self.case.with_user(self.advisor_a)
        with self.assertRaises(ValidationError) as caught:
            case.user_id = self.advisor_b
        self.assertIn("Advisor B", str(caught.exception))
        self.assertIn("Test Org A", str(caught.exception))
        self._flush_tracking()
        self.assertEqual(self.case.user_id, self.advisor_a)
        self.assertNotIn(self.advisor_b.partner_id, self.case.message_partner_ids)
        self.assertEqual(
            self._notices_to(self.advisor_b),
            (self.env["mail.message"], self.env["mail.mail"]),
        )
        self.assertFalse(self._activities_of(self.advisor_b))
        for user in (self.portal, self.advisor_b):
            with self.subTest(user=user.login), self.assertRaises(ValidationError):
                self._create_case(user_id=user.id)

    def test_consultation_advisor_of_another_organisation_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env["expat.consultation"].with_user(self.advisor_a).create(
                {
                    "case_id": self.case.id,
                    "date": date(2026, 3, 2),
                    "user_id": self.advisor_b.id,
                }
            )
        consultation = (
            self.env["expat.consultation"]
            .with_user(self.advisor_a)
            .create({"case_id": self.case.id, "date": date(2026, 3, 2)})
        )
        self.assertEqual(consultation.user_id, self.advisor_a)
        with self.assertRaises(ValidationError):
            consultation.user_id = self.advisor_b

    def test_consultation_on_a_case_the_user_cannot_see(self):
        """Advisor B logging on A's case gets an access error that names
        neither the case nor its organisations."""
        with self.assertRaises(AccessError) as caught:
            self.env["expat.consultation"].with_user(self.advisor_b).create(
                {"case_id": self.case.id, "date": date(2026, 3, 2)}
            )
        self.assertNotIn(self.case.name, str(caught.exception))
        self.assertNotIn(self.org_a.name, str(caught.exception))

    def test_shared_organisation_advisor_is_accepted(self):
        case = self.case.with_user(self.advisor_a)
        case.shared_company_ids = self.org_b
        self._flush_tracking()
        case.user_id = self.advisor_b
        self._flush_tracking()
        self.assertIn(self.advisor_b.partner_id, self.case.message_partner_ids)
        self.assertTrue(self._notices_to(self.advisor_b)[0], "assignment notice")
        self.assertTrue(self._activities_of(self.advisor_b), "permit reminder")
        self.assertEqual(
            self.case.with_user(self.advisor_b)
            .with_context(allowed_company_ids=self.org_b.ids)
            .person_id,
            self.person,
        )

    def test_sharing_ends(self):
        """Failing input 5: B leaves the sharing; B's advisor stops
        following, stops being the advisor, and the activities pass on."""
        case = self.case.with_user(self.advisor_a)
        case.shared_company_ids = self.org_b
        case.user_id = self.advisor_b
        referral = self.env["expat.referral"].create(
            {
                "case_id": self.case.id,
                "reason": "Recognition",
                "follow_up_date": fields.Date.today() + timedelta(days=7),
            }
        )
        referral.message_subscribe(partner_ids=self.advisor_b.partner_id.ids)
        self.case.message_subscribe(partner_ids=self.manager.partner_id.ids)
        self.assertTrue(self._activities_of(self.advisor_b))
        self.assertTrue(self._activities_of(self.advisor_b, referral))

        case.shared_company_ids = False

        self.assertFalse(self.case.user_id)
        for record in (self.case, referral):
            self.assertNotIn(self.advisor_b.partner_id, record.message_partner_ids)
            self.assertFalse(self._activities_of(self.advisor_b, record))
            self.assertTrue(self._activities_of(self.advisor_a, record), record._name)
        # The manager works for A as well: still following.
        self.assertIn(self.manager.partner_id, self.case.message_partner_ids)

    def test_sharing_ends_activities_pass_to_the_advisor(self):
        case = self.case.with_user(self.advisor_a)
        case.shared_company_ids = self.org_b
        self.case.message_subscribe(partner_ids=self.advisor_b.partner_id.ids)
        todo = self.case.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.advisor_b.id
        )
        self.case.with_user(self.manager).with_context(
            allowed_company_ids=[self.org_a.id, self.org_b.id]
        ).shared_company_ids = False
        self.assertEqual(self.case.user_id, self.advisor_a)
        self.assertEqual(todo.user_id, self.advisor_a)
        self.assertNotIn(self.advisor_b.partner_id, self.case.message_partner_ids)

    def test_moving_the_dossier_to_another_organisation(self):
        self.case.with_user(self.manager).with_context(
            allowed_company_ids=[self.org_a.id, self.org_b.id]
        ).company_id = self.org_b
        self.assertFalse(self.case.user_id)
        self.assertNotIn(self.advisor_a.partner_id, self.case.message_partner_ids)
        self.assertFalse(self._activities_of(self.advisor_a))
        self.assertTrue(self._activities_of(self.manager), "reminder to the manager")
