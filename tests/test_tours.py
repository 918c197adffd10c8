from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ExpatDeskCase


@tagged("post_install", "-at_install")
class TestExpatTours(HttpCase, ExpatDeskCase):
    """The web client as the desk's people use it, in Chromium (web_tour).
    The tours live in static/tests/tours/expat_desk_tours.js; each one waits
    for what the person sees, and the tests check what was written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        agency_tag = env.ref("expat_service_desk.res_partner_category_referral_agency")
        cls.agency = env["res.partner"].create(
            {
                "name": "Ausländerbehörde Ratingen",
                "is_company": True,
                "category_id": [(4, agency_tag.id)],
            }
        )

    def test_advisor_takes_request_and_closes_case(self):
        lena = self.env["res.partner"].create(
            {"name": "Lena Fischer", "email": "lena.fischer@example.org"}
        )
        # As the web form leaves it: unassigned, in stage New.
        case = self.env["expat.case"].create(
            {
                "person_id": lena.id,
                "company_id": self.org_a.id,
                "user_id": False,
                "channel": "web_form",
                "legal_basis": "consent",
                "consent_date": fields.Date.today(),
                "topic_ids": [(6, 0, self.topic_blue_card.ids)],
            }
        )
        self.start_tour(
            "/odoo/expat-cases", "expat_desk_advisor_tour", login=self.advisor_a.login
        )
        self.assertEqual(case.user_id, self.advisor_a)
        self.assertEqual(case.stage_id, self.stage_closed)
        self.assertEqual(case.closed_date, fields.Date.today())
        self.assertEqual(len(case.consultation_ids), 1)
        consultation = case.consultation_ids
        self.assertEqual(consultation.duration, 1.5)
        self.assertTrue(consultation.is_first)
        self.assertEqual(consultation.user_id, self.advisor_a)
        self.assertIn("salary threshold", str(consultation.note))
        self.assertEqual(case.referral_ids.agency_id, self.agency)
        self.assertEqual(case.referral_ids.reason, "Appointment for the Blue Card")

    def test_event_check_in_and_follow_up(self):
        start = datetime.now().replace(microsecond=0) - timedelta(hours=1)
        event = self.env["event.event"].create(
            {
                "name": "Blue Card Evening",
                "is_expat_desk": True,
                "target_group": "individuals",
                "date_begin": start,
                "date_end": start + timedelta(hours=3),
                "date_tz": "Europe/Berlin",
                "company_id": self.org_a.id,
                "expat_topic_ids": [(6, 0, self.topic_blue_card.ids)],
            }
        )
        registration = self.env["event.registration"].create(
            {
                "event_id": event.id,
                "name": "Ivan Petrov",
                "email": "ivan.petrov@example.org",
                "expat_wants_advice": True,
            }
        )
        self.env["event.registration"].create(
            {"event_id": event.id, "name": "Mia Costa", "email": "mia@example.org"}
        )
        self.start_tour(
            f"/odoo/expat-events/{event.id}",
            "expat_desk_event_tour",
            login=self.advisor_a.login,
        )
        self.assertEqual(registration.state, "done")
        case = registration.expat_case_id
        self.assertTrue(case, "the attendee who asked for advice has a case")
        self.assertEqual(case.person_id.name, "Ivan Petrov")
        self.assertEqual(case.company_id, self.org_a)
        self.assertEqual(case.user_id, self.advisor_a)

    def test_manager_anonymizes_person_from_contact(self):
        olga = self.env["res.partner"].create(
            {"name": "Olga Ivanova", "email": "olga.ivanova@example.org"}
        )
        case = self.env["expat.case"].create(
            {
                "person_id": olga.id,
                "company_id": self.org_a.id,
                "stage_id": self.stage_closed.id,
            }
        )
        self.start_tour(
            f"/odoo/contacts/{olga.id}",
            "expat_desk_anonymize_tour",
            login=self.manager.login,
        )
        self.assertTrue(olga.expat_anonymized)
        self.assertNotIn("Olga", olga.name)
        self.assertFalse(olga.email)
        self.assertTrue(case.anonymized)

    def test_reporting_user_opens_dashboard_and_pivot(self):
        case = self._create_case()
        today = fields.Date.today()
        self.env["expat.consultation"].create(
            [
                {"case_id": case.id, "date": today, "duration": 1.0},
                {"case_id": case.id, "date": today, "duration": 0.5},
            ]
        )
        self.start_tour(
            "/odoo/action-expat_service_desk.expat_dashboard_action",
            "expat_desk_reporting_tour",
            login=self.reporting.login,
        )
