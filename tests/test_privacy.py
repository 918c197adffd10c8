import base64
import json
from datetime import date, datetime
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user

from odoo.addons.base.models.ir_cron import IrCron

from ..models.res_partner import ResPartner
from .common import MANAGER, ExpatDeskCase

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
)


class ExpatPrivacyCase(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.person.write(
            {
                "phone": "+49 2102 555 0101",
                "street": "Lintorfer Straße 7",
                "zip": "40878",
                "city": "Ratingen",
                "comment": "<p>Prefers appointments in English</p>",
                "vat": "DE123456789",
                "website": "https://priya.example.com",
                "image_1920": PNG,
            }
        )
        cls.other = env["res.partner"].create(
            {"name": "Kenji Sato", "email": "kenji.sato@example.com"}
        )
        cls.contact = cls._create_company_contact(contact_person_id=cls.person.id)
        cls.case = cls._create_case(
            employer_id=cls.employer.id,
            nationality_id=env.ref("base.in").id,
            residence_status="blue_card",
            occupation="Robotics engineer at Rheinblick",
            description="<p>Priya's husband starts in June</p>",
            topic_ids=[cls.topic_blue_card.id],
        )
        cls.other_case = cls._create_case(person_id=cls.other.id)
        Consultation = env["expat.consultation"]
        cls.consultation = Consultation.create(
            {
                "case_id": cls.case.id,
                "date": date(2026, 2, 3),
                "duration": 1.5,
                "note": "<p>Priya asked about the Blue Card salary threshold</p>",
            }
        )
        Consultation.create(
            {"case_id": cls.other_case.id, "date": date(2026, 2, 4), "duration": 1.0}
        )
        Consultation.create(
            {"company_contact_id": cls.contact.id, "date": date(2026, 2, 5)}
        )
        cls.referral = env["expat.referral"].create(
            {
                "case_id": cls.case.id,
                "reason": "Recognition of Priya's degree",
                "note": "<p>Call Priya back</p>",
            }
        )
        cls.event = env["event.event"].create(
            {
                "name": "Blue Card Workshop",
                "is_expat_desk": True,
                "date_begin": datetime(2026, 2, 10, 17, 0),
                "date_end": datetime(2026, 2, 10, 19, 0),
                "company_id": cls.org_a.id,
            }
        )
        cls.registration = env["event.registration"].create(
            {
                "event_id": cls.event.id,
                "name": "Priya Raman",
                "email": "priya.raman@example.com",
                "phone": "+49 2102 555 0101",
                "expat_case_id": cls.case.id,
            }
        )
        cls.registration.action_set_done()
        # A registration for another event, typed in with her address but
        # never linked to her contact.
        cls.loose_registration = env["event.registration"].create(
            {
                "event_id": env["event.event"]
                .create(
                    {
                        "name": "Chamber New Year Reception",
                        "date_begin": datetime(2026, 1, 15, 17, 0),
                        "date_end": datetime(2026, 1, 15, 20, 0),
                    }
                )
                .id,
                "name": "Priya Raman",
                "email": "PRIYA.RAMAN@example.com",
            }
        )
        cls.case.message_post(
            body="Priya sent her contract",
            attachment_ids=[
                env["ir.attachment"]
                .create(
                    {
                        "name": "contract_priya.pdf",
                        "raw": b"%PDF-1.4 Priya",
                        "res_model": "expat.case",
                        "res_id": cls.case.id,
                    }
                )
                .id
            ],
        )
        cls.case.message_subscribe(partner_ids=cls.person.ids)
        cls.person.message_post(body="Priya called about her appointment")

    def _make_changes_tracked(self):
        """Tracking values are only written at commit for records changed
        after their creation; produce some on the case."""
        self._flush_tracking()
        self.case.write(
            {"stage_id": self.stage_in_progress.id, "occupation": "Priya the engineer"}
        )
        self._flush_tracking()

    def _close(self, *cases):
        for case in cases:
            case.stage_id = self.stage_closed

    def _threads_sql(self):
        return (
            ("expat.case", self.case.id),
            ("expat.referral", self.referral.id),
            ("event.registration", self.registration.id),
            ("res.partner", self.person.id),
        )


class TestAnonymize(ExpatPrivacyCase):
    def test_personal_data_is_gone_statistics_stay(self):
        self._make_changes_tracked()
        self._close(self.case)
        self.env.flush_all()
        message_ids = []
        for model, res_id in self._threads_sql():
            self.env.cr.execute(
                "SELECT id FROM mail_message WHERE model = %s AND res_id = %s",
                (model, res_id),
            )
            message_ids += [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            "SELECT count(*) FROM mail_tracking_value WHERE mail_message_id = ANY(%s)"
            " AND (old_value_char IS NOT NULL OR new_value_char IS NOT NULL)",
            (message_ids,),
        )
        self.assertTrue(self.env.cr.fetchone()[0], "the test needs tracked text")

        self.person.with_user(self.manager).action_expat_anonymize()
        self.env.flush_all()
        self.env.invalidate_all()

        person = self.person.with_context(active_test=False)
        self.assertTrue(person.expat_anonymized)
        self.assertNotIn("Priya", person.name)
        for fname in (
            "email",
            "phone",
            "street",
            "zip",
            "city",
            "website",
            "vat",
            "comment",
            "image_1920",
            "parent_id",
        ):
            self.assertFalse(person[fname], fname)
        self.assertFalse(person.active)
        case = self.case.with_context(active_test=False)
        self.assertTrue(case.anonymized)
        self.assertFalse(case.description)
        self.assertFalse(case.occupation)
        self.assertFalse(self.consultation.note)
        self.assertNotIn("Priya", self.referral.reason)
        self.assertFalse(self.referral.note)
        self.assertNotIn("Priya", self.registration.name)
        self.assertFalse(self.registration.email or self.registration.phone)
        self.assertNotIn("Priya", self.loose_registration.name)
        self.assertFalse(self.loose_registration.email)
        # Statistics stay.
        self.assertEqual(case.person_id, self.person)
        self.assertEqual(case.nationality_id, self.env.ref("base.in"))
        self.assertEqual(case.residence_status, "blue_card")
        self.assertEqual(case.employer_id, self.employer)
        self.assertEqual(case.topic_ids, self.topic_blue_card)
        self.assertEqual(self.consultation.duration, 1.5)
        self.assertEqual(self.registration.state, "done")
        self.assertEqual(self.contact.contact_person_id, self.person)
        # Checked in the database, not through the ORM.
        cr = self.env.cr
        for model, res_id in self._threads_sql():
            cr.execute(
                "SELECT count(*) FROM mail_message WHERE model = %s AND res_id = %s"
                " AND (body::text ILIKE %s OR subject ILIKE %s OR email_from ILIKE %s)",
                (model, res_id, "%priya%", "%priya%", "%priya%"),
            )
            self.assertEqual(cr.fetchone()[0], 0, model)
            cr.execute(
                "SELECT count(*) FROM ir_attachment"
                " WHERE res_model = %s AND res_id = %s",
                (model, res_id),
            )
            self.assertEqual(cr.fetchone()[0], 0, model)
        cr.execute(
            "SELECT count(*) FROM ir_attachment WHERE name = %s",
            ("contract_priya.pdf",),
        )
        self.assertEqual(cr.fetchone()[0], 0)
        cr.execute(
            "SELECT count(*) FROM mail_tracking_value WHERE mail_message_id = ANY(%s)"
            " AND (old_value_char IS NOT NULL OR new_value_char IS NOT NULL"
            " OR old_value_text IS NOT NULL OR new_value_text IS NOT NULL)",
            (message_ids,),
        )
        self.assertEqual(cr.fetchone()[0], 0)
        cr.execute(
            "SELECT count(*) FROM mail_followers WHERE partner_id = %s",
            (self.person.id,),
        )
        self.assertEqual(cr.fetchone()[0], 0)
        cr.execute(
            "SELECT count(*) FROM res_partner"
            " WHERE id = %s AND (name ILIKE %s OR email IS NOT NULL)",
            (self.person.id, "%priya%"),
        )
        self.assertEqual(cr.fetchone()[0], 0)
        # Nobody else is touched.
        self.assertEqual(self.other.name, "Kenji Sato")
        self.assertEqual(self.other.email, "kenji.sato@example.com")
        self.assertFalse(self.other_case.anonymized)
        log = self.env["expat.privacy.log"].search(
            [("partner_id", "=", self.person.id)]
        )
        self.assertEqual(log.action, "anonymize")
        self.assertEqual(log.user_id, self.manager)

    def test_kpis_identical_before_and_after(self):
        self._close(self.case)
        Report = self.env["expat.desk.report"].with_user(self.manager)
        periods = [
            (date(2026, 1, 1), date(2026, 12, 31)),
            (date(2026, 2, 3), date(2026, 2, 3)),
        ]
        groupbys = [
            "nationality_id",
            "residence_status",
            "municipality_id",
            "topic_ids",
            "company_size",
            "activity_type",
        ]
        aggregates = [
            "__count",
            "person_key:count_distinct",
            "organisation_id:count_distinct",
            "duration:sum",
        ]

        def figures():
            self.env.flush_all()
            return (
                [
                    Report.get_kpis(*period, [self.org_a.id, self.org_b.id])
                    for period in periods
                ],
                [Report._read_group([], [groupby], aggregates) for groupby in groupbys],
            )

        before = figures()
        self.assertEqual(before[0][0]["individuals_advised"], 2)
        self.assertEqual(before[0][0]["event_participants"], 1)
        self.person.with_user(self.manager).action_expat_anonymize()
        self.assertEqual(figures(), before)

    def test_open_case_needs_confirmation(self):
        with self.assertRaises(UserError) as caught:
            self.person.with_user(self.manager).action_expat_anonymize()
        self.assertIn(self.case.name, str(caught.exception))
        self.assertFalse(self.person.expat_anonymized)
        wizard_form = Form(
            self.env["expat.anonymize.wizard"]
            .with_user(self.manager)
            .with_context(default_partner_ids=self.person.ids)
        )
        self.assertEqual(wizard_form.open_case_ids[:], self.case)
        wizard = wizard_form.save()
        with self.assertRaises(UserError):
            wizard.action_anonymize()
        wizard.confirm_open_cases = True
        wizard.action_anonymize()
        self.assertTrue(self.person.expat_anonymized)
        self.assertTrue(self.case.anonymized)
        self.assertFalse(self.case.is_closed)

    def test_idempotent(self):
        self._close(self.case)
        self.person.with_user(self.manager).action_expat_anonymize()
        self.env.flush_all()
        state = (
            self.person.with_context(active_test=False).read(
                ["name", "email", "active"]
            ),
            self.case.description,
        )
        self.person.with_user(self.manager).action_expat_anonymize()
        self.env.flush_all()
        self.assertEqual(
            (
                self.person.with_context(active_test=False).read(
                    ["name", "email", "active"]
                ),
                self.case.description,
            ),
            state,
        )
        logs = self.env["expat.privacy.log"].search(
            [("partner_id", "=", self.person.id)]
        )
        self.assertEqual(len(logs), 2)

    def test_only_managers_who_see_every_case(self):
        self._close(self.case)
        for user in (self.advisor_a, self.reporting):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.person.with_user(user).action_expat_anonymize()
        manager_b = new_test_user(
            self.env,
            login="esd_manager_b",
            groups=MANAGER,
            company_id=self.org_b.id,
            company_ids=[self.org_b.id],
        )
        with self.assertRaises(AccessError):
            self.person.with_user(manager_b).action_expat_anonymize()
        self.assertFalse(self.person.expat_anonymized)


class TestExport(ExpatPrivacyCase):
    def test_export_holds_everything_and_is_logged(self):
        action = self.person.with_user(self.manager).action_expat_data_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.person.id),
                ("res_field", "=", "expat_data_export"),
                ("mimetype", "=", "application/json"),
            ]
        )
        self.assertEqual(len(attachment), 1)
        self.assertIn(f"/web/content/{attachment.id}", action["url"])
        self.assertEqual(attachment.mimetype, "application/json")
        document = json.loads(attachment.raw)
        self.assertEqual(document["person"]["name"], "Priya Raman")
        self.assertEqual(document["person"]["email"], "priya.raman@example.com")
        self.assertEqual(document["person"]["city"], "Ratingen")
        records = document["records"]
        cases = records["expat.case"]
        self.assertEqual([c["name"] for c in cases], [self.case.name])
        self.assertEqual(cases[0]["residence_status"], "EU Blue Card")
        self.assertEqual(cases[0]["occupation"], "Robotics engineer at Rheinblick")
        self.assertIn("salary threshold", records["expat.consultation"][0]["note"])
        self.assertEqual(
            records["expat.referral"][0]["reason"], "Recognition of Priya's degree"
        )
        self.assertEqual(
            sorted(r["event_id"] for r in records["event.registration"]),
            ["Blue Card Workshop", "Chamber New Year Reception"],
        )
        bodies = [message["body"] for message in document["messages"]]
        self.assertIn("Priya sent her contract", bodies)
        self.assertIn("Priya called about her appointment", bodies)
        self.assertIn(
            "contract_priya.pdf", [a["name"] for a in document["attachments"]]
        )
        self.assertNotIn("Kenji", json.dumps(document))
        log = self.env["expat.privacy.log"].search(
            [("partner_id", "=", self.person.id)]
        )
        self.assertEqual(log.action, "export")

    def test_export_lists_what_the_anonymisation_clears(self):
        """Both read one inventory: every record it finds is exported with
        every personal field, and afterwards every such field is empty or
        holds the fixed replacement."""
        inventory = self.env["expat.personal.data"]
        records = inventory._personal_records(self.person)
        self.assertEqual(
            set(records),
            {
                "res.partner",
                "expat.case",
                "expat.consultation",
                "expat.referral",
                "event.registration",
            },
        )
        self.person.with_user(self.manager).action_expat_data_export()
        document = self.env["expat.data.export"]._document(self.person)
        for model, recordset in records.items():
            if model == "res.partner":
                rows = [document["person"]]
            else:
                rows = document["records"][model]
            self.assertEqual(
                sorted(row["id"] for row in rows), sorted(recordset.ids), model
            )
            for row in rows:
                self.assertLessEqual(
                    set(recordset._expat_personal_fields()), set(row), model
                )
        self.assertEqual(document["person"]["vat"], "DE123456789")
        self._close(self.case)
        self.person.with_user(self.manager).action_expat_anonymize()
        self.env.invalidate_all()
        for model, recordset in records.items():
            replacement = inventory._anonymized_values(recordset)
            for record in recordset:
                for fname in record._expat_personal_fields():
                    with self.subTest(model=model, field=fname):
                        if isinstance(replacement[fname], str):
                            self.assertEqual(record[fname], replacement[fname])
                        else:
                            self.assertFalse(record[fname])

    def test_export_is_for_managers(self):
        for user in (self.advisor_a, self.reporting):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.person.with_user(user).action_expat_data_export()


class TestPrivacyLog(ExpatPrivacyCase):
    def test_log_is_read_only_for_everybody(self):
        entry = self.env["expat.privacy.log"]._log("export", self.person, "test")
        self.assertEqual(
            entry.with_user(self.manager).read(["action"])[0]["action"], "export"
        )
        for user in (self.advisor_a, self.reporting):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                entry.with_user(user).read(["action"])
        with self.assertRaises(AccessError):
            entry.with_user(self.manager).write({"note": "changed"})
        with self.assertRaises(AccessError):
            entry.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.env["expat.privacy.log"].with_user(self.manager).create(
                {"action": "export"}
            )
        # Not even the superuser changes it.
        with self.assertRaises(UserError):
            entry.write({"note": "changed"})
        with self.assertRaises(UserError):
            entry.unlink()
        self.assertEqual(entry.note, "test")


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
