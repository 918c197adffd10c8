from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from .common import ExpatDeskCase


class TestConsultation(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._create_case()
        cls.contact = cls._create_company_contact()
        cls.Consultation = cls.env["expat.consultation"].with_user(cls.advisor_a)

    def _log(self, **vals):
        values = {"case_id": self.case.id, "date": date(2026, 3, 10), "duration": 1.0}
        values.update(vals)
        return self.Consultation.create(values)

    def test_is_first_with_out_of_order_dates(self):
        second = self._log(date=date(2026, 3, 10))
        self.assertTrue(second.is_first)
        first = self._log(date=date(2026, 2, 1))
        self.assertTrue(first.is_first)
        self.assertFalse(second.is_first)
        third = self._log(date=date(2026, 4, 1))
        self.assertFalse(third.is_first)
        # Moving the earliest one later hands "first" to the next earliest.
        first.date = date(2026, 5, 1)
        self.assertTrue(second.is_first)
        self.assertFalse(first.is_first)
        # Deleting it (as a manager) keeps exactly one first consultation.
        second.with_user(self.manager).unlink()
        self.assertTrue(third.is_first)
        self.assertEqual(self.case.consultation_ids.filtered("is_first"), third)

    def test_is_first_same_day_is_the_earlier_record(self):
        one = self._log(date=date(2026, 1, 5))
        two = self._log(date=date(2026, 1, 5))
        self.assertTrue(one.is_first)
        self.assertFalse(two.is_first)

    def test_is_first_per_dossier(self):
        on_case = self._log(date=date(2026, 1, 5))
        on_contact = self._log(
            case_id=False, company_contact_id=self.contact.id, date=date(2026, 2, 5)
        )
        self.assertTrue(on_case.is_first)
        self.assertTrue(on_contact.is_first)

    def test_is_first_is_stored(self):
        consultation = self._log()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT is_first FROM expat_consultation WHERE id = %s", [consultation.id]
        )
        self.assertTrue(self.env.cr.fetchone()[0])

    def test_company_follows_dossier(self):
        consultation = self._log()
        self.assertEqual(consultation.company_id, self.org_a)
        on_contact = self._log(case_id=False, company_contact_id=self.contact.id)
        self.assertEqual(on_contact.company_id, self.org_a)

    def test_needs_exactly_one_dossier(self):
        count = self.env["expat.consultation"].search_count([])
        with self.assertRaisesRegex(ValidationError, "exactly one dossier"):
            self._log(company_contact_id=self.contact.id)
        with self.assertRaisesRegex(ValidationError, "exactly one dossier"):
            self.Consultation.create({"date": date(2026, 3, 10), "duration": 1})
        consultation = self._log()
        with self.assertRaisesRegex(ValidationError, "exactly one dossier"):
            consultation.write({"company_contact_id": self.contact.id})
        self.assertEqual(self.env["expat.consultation"].search_count([]), count + 1)

    def test_duration_between_0_and_24_hours(self):
        for bad in (-0.5, 24.5):
            with self.assertRaisesRegex(ValidationError, "between 0 and 24 hours"):
                self._log(duration=bad)
        self.assertEqual(self._log(duration=24).duration, 24)
        self.assertEqual(self._log(duration=0).duration, 0)

    def test_no_future_dates(self):
        tomorrow = fields.Date.context_today(self.case) + timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "cannot be dated in the future"):
            self._log(date=tomorrow)
        today = fields.Date.context_today(self.case)
        self.assertEqual(self._log(date=today).date, today)

    def test_closed_dossier_refuses_until_reopened(self):
        self._log()
        self.case.stage_id = self.stage_closed
        with self.assertRaisesRegex(UserError, "is closed. Reopen it"):
            self._log()
        with self.assertRaisesRegex(UserError, "is closed"):
            self.case.with_user(self.advisor_a).action_log_consultation()
        self.case.stage_id = self.stage_in_progress
        self.assertTrue(self._log().exists())

    def test_log_consultation_action_opens_dialog(self):
        action = self.case.with_user(self.advisor_a).action_log_consultation()
        self.assertEqual(action["res_model"], "expat.consultation")
        self.assertEqual(action["target"], "new")
        self.assertEqual(action["context"]["default_case_id"], self.case.id)
        dialog = self.env.ref("expat_service_desk.expat_consultation_view_form_dialog")
        self.assertEqual(action["views"], [(dialog.id, "form")])
        action = self.contact.with_user(self.advisor_a).action_log_consultation()
        self.assertEqual(
            action["context"]["default_company_contact_id"], self.contact.id
        )

    def test_log_consultation_through_dialog_form(self):
        from odoo.tests import Form

        action = self.case.with_user(self.advisor_a).action_log_consultation()
        dialog = self.env.ref("expat_service_desk.expat_consultation_view_form_dialog")
        Consultation = self.Consultation.with_context(**action["context"])
        with Form(Consultation, view=dialog) as form:
            form.date = date(2026, 3, 1)
            form.duration = 1.5
            form.channel = "video"
        consultation = form.record
        self.assertEqual(consultation.case_id, self.case)
        self.assertEqual(consultation.channel, "video")
        self.assertEqual(consultation.user_id, self.advisor_a)
        self.assertEqual(self.case.consultation_count, 1)
        self.assertEqual(self.case.consultation_hours, 1.5)
