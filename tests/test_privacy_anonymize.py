from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from .common import MANAGER
from .common_privacy import ExpatPrivacyCase


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
