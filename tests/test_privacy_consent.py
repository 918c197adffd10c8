from datetime import date, datetime
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user

from odoo.addons.base.models.ir_cron import IrCron

from ..models.res_partner import ResPartner
from .common_privacy import ExpatPrivacyCase


class TestConsent(ExpatPrivacyCase):
    def test_consent_needs_a_date(self):
        with self.assertRaises(ValidationError):
            self.case.legal_basis = "consent"
        self.case.write({"legal_basis": "consent", "consent_date": date(2026, 1, 5)})
        with self.assertRaises(ValidationError):
            self.case.consent_date = False

    def test_withdrawal_is_recorded_and_offers_anonymisation(self):
        self.case.write({"legal_basis": "consent", "consent_date": date(2026, 1, 5)})
        action = self.case.with_user(self.advisor_a).action_expat_consent_withdrawn()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.advisor_a)
            .with_context(**action["context"])
        ).save()
        wizard.action_confirm()
        self.assertEqual(
            self.case.consent_withdrawn_date, fields.Date.context_today(self.case)
        )
        self.assertIn("withdrew", self.case.message_ids[0].body)
        self.assertFalse(self.person.expat_anonymized)
        # An advisor cannot anonymise; a manager can, from the same wizard.
        other_case = self._create_case(
            legal_basis="consent",
            consent_date=date(2026, 1, 6),
            person_id=self.other.id,
        )
        wizard = (
            self.env["expat.consent.withdrawal"]
            .with_user(self.advisor_a)
            .create({"case_id": other_case.id, "anonymize": True})
        )
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        wizard = (
            self.env["expat.consent.withdrawal"]
            .with_user(self.manager)
            .create({"case_id": other_case.id, "anonymize": True})
        )
        wizard.action_confirm()
        self.assertTrue(self.other.expat_anonymized)


class TestRetention(ExpatPrivacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.old = datetime.now().date() - relativedelta(months=40)
        cls.recent = datetime.now().date() - relativedelta(months=6)
        cls.due = Partner.create(
            [
                {"name": f"Former client {i}", "email": f"former{i}@example.com"}
                for i in range(5)
            ]
        )
        for partner in cls.due:
            cls._closed_case(partner, cls.old)
        # Archived cases count as well.
        archived = cls._closed_case(cls.due[0], cls.old)
        archived.action_archive()
        cls.recently_closed = Partner.create({"name": "Recently closed"})
        cls._closed_case(cls.recently_closed, cls.recent)
        cls.still_open = Partner.create({"name": "Still open"})
        cls._closed_case(cls.still_open, cls.old)
        cls._create_case(person_id=cls.still_open.id)

    @classmethod
    def _closed_case(cls, partner, closed_on):
        case = cls._create_case(person_id=partner.id)
        case.stage_id = cls.stage_closed
        case.sudo().closed_date = closed_on
        return case

    def _due(self):
        """Those of this test's persons who are due (a database with demo
        data may hold others)."""
        ours = self.due | self.recently_closed | self.still_open
        return (
            self.env["res.partner"]
            .with_user(self.manager)
            .search([("expat_retention_due", "=", True), ("id", "in", ours.ids)])
        )

    def test_who_is_due(self):
        self.assertEqual(self._due(), self.due)
        self.env["ir.config_parameter"].set_param(
            "expat_service_desk.retention_months", 3
        )
        self.assertEqual(self._due(), self.due | self.recently_closed)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.advisor_a).search(
                [("expat_retention_due", "=", True)]
            )

    def test_cron_is_scheduled_daily(self):
        cron = self.env.ref("expat_service_desk.ir_cron_expat_retention")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertIn("_cron_anonymize_expired", cron.code)

    def _run_cron(self, fail_on=None, stop_after=None):
        """Run the retention job with ``_commit_progress`` committing the
        way a cron does, emulated by savepoints; an exception rolls back to
        the last commit, as a crash of the worker would."""
        cr = self.env.cr
        commits = []

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            cron.env.flush_all()
            name = f"expat_cron_commit_{len(commits)}"
            cr.execute(f"SAVEPOINT {name}")
            commits.append(processed)
            if stop_after is not None and len(commits) > stop_after:
                return 0  # the cron's time is up
            return 60.0

        original = ResPartner._expat_anonymize
        seen = []

        def anonymize(partners):
            seen.extend(partners)
            if fail_on is not None and len(seen) >= fail_on:
                raise RuntimeError("worker killed")
            return original(partners)

        with (
            patch.object(IrCron, "_commit_progress", commit_progress),
            patch.object(ResPartner, "_expat_anonymize", anonymize),
        ):
            try:
                self.env["expat.case"]._cron_anonymize_expired(batch_size=2)
            except RuntimeError:
                cr.execute(
                    f"ROLLBACK TO SAVEPOINT expat_cron_commit_{len(commits) - 1}"
                )
                self.env.invalidate_all()
        return commits

    def test_cron_resumes_after_an_interruption(self):
        all_due = self.env["res.partner"]._expat_retention_due_ids()
        self.assertEqual(all_due, self.due.ids, "nobody else is due")
        # Killed on the fourth person, in the middle of the second batch.
        self._run_cron(fail_on=4)
        anonymized = self.due.filtered("expat_anonymized")
        self.assertEqual(anonymized, self.due[:2], "the first batch was committed")
        self.assertFalse(self.due[2].expat_anonymized, "the second batch was not")
        self.assertFalse(
            self.env["expat.privacy.log"].search([("partner_id", "=", self.due[2].id)])
        )
        self._run_cron()
        self.assertTrue(all(self.due.mapped("expat_anonymized")))
        self.assertFalse(
            self.recently_closed.expat_anonymized or self.still_open.expat_anonymized
        )
        for partner in self.due:
            logs = self.env["expat.privacy.log"].search(
                [("partner_id", "=", partner.id)]
            )
            self.assertEqual(len(logs), 1, partner.name)
        runs = self.env["expat.privacy.log"].search([("action", "=", "retention")])
        self.assertEqual(len(runs), 1)  # the interrupted run never finished
        self.assertIn("3 of 3", runs.note)
        self.assertFalse(self._due())

    def test_one_failing_person_does_not_hold_up_the_others(self):
        blocked = self.due[0]
        original = ResPartner._expat_anonymize

        def anonymize(partners):
            if blocked in partners:
                blocked.name = "half done"  # must be undone
                raise UserError(partners.env._("cannot be anonymised"))
            return original(partners)

        with patch.object(ResPartner, "_expat_anonymize", anonymize):
            self._run_cron()
        self.assertEqual(self.due.filtered("expat_anonymized"), self.due - blocked)
        self.assertEqual(blocked.name, "Former client 0")
        run = self.env["expat.privacy.log"].search([("action", "=", "retention")])
        self.assertIn("4 of 5", run.note)
        self.assertIn(str(blocked.id), run.note)

    def test_persons_with_a_user_account_are_left_to_a_manager(self):
        portal = new_test_user(
            self.env, login="esd_portal_former", groups="base.group_portal"
        )
        self._closed_case(portal.partner_id, self.old)
        self.assertNotIn(portal.partner_id, self._due_all())
        with self.assertRaises(UserError):
            portal.partner_id.with_user(self.manager).action_expat_anonymize()
        self.assertFalse(portal.partner_id.expat_anonymized)

    def _due_all(self):
        return self.env["res.partner"].browse(
            self.env["res.partner"]._expat_retention_due_ids()
        )

    def test_cron_stops_when_its_time_is_up_and_goes_on_next_time(self):
        self._run_cron(stop_after=1)
        self.assertEqual(len(self.due.filtered("expat_anonymized")), 2)
        self._run_cron()
        self.assertTrue(all(self.due.mapped("expat_anonymized")))
