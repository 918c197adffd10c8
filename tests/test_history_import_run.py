import base64
from datetime import date

from odoo.tests import Form

from .common_history_import import (
    DE,
    EN,
    ROWS_EN,
    ExpatHistoryImportCase,
    csv_bytes,
    german,
    xlsx_bytes,
)


class TestHistoryImportRun(ExpatHistoryImportCase):
    # ------------------------------------------------------------------
    # Dry run, real run, re-import
    # ------------------------------------------------------------------

    def test_dry_run_writes_nothing_and_reports_what_the_import_creates(self):
        data = csv_bytes(EN, ROWS_EN)
        before = self._totals()
        dry = self._import(data, dry_run=True)
        self.assertEqual(before, self._totals(), "a dry run writes nothing")
        self.assertEqual(dry.state, "checked")
        # Tomasz (new), Priya (known by e-mail); Neanderhaus (new), Rheinblick
        # (known, by its name in another case and spacing).
        self.assertEqual(self._counts(dry), (1, 1, 2, 2, 5, 0, 0))
        real = self._import(data)
        self.assertEqual(real.state, "done")
        self.assertEqual(self._counts(real), self._counts(dry))
        partners, cases, contacts, consultations = self._totals()
        self.assertEqual(
            (partners, cases, contacts, consultations),
            (before[0] + 2, before[1] + 2, before[2] + 2, before[3] + 5),
        )

    def test_another_file_after_the_dry_run_needs_a_new_one(self):
        wizard = self._import(csv_bytes(EN, ROWS_EN[:2]), dry_run=True)
        self.assertEqual(wizard.state, "checked")
        with Form(wizard) as form:
            form.file = base64.b64encode(csv_bytes(EN, ROWS_EN))
            self.assertEqual(form.state, "draft")
            self.assertTrue(form.dry_run)

    def test_import_builds_dossiers_with_identity_rules(self):
        self._import(csv_bytes(EN, ROWS_EN), file_name="Beratungen 2024.csv")
        imported = self._imported()
        self.assertEqual(len(imported), 5)
        self.assertEqual(set(imported.mapped("import_origin")), {"Beratungen 2024.csv"})
        tomasz = self.env["res.partner"].search([("name", "=", "Tomasz Nowak")])
        self.assertEqual(len(tomasz), 1, "one person per e-mail address and name")
        self.assertEqual(tomasz.email, "tomasz.nowak@example.com")
        self.assertFalse(tomasz.is_company)
        case = self.env["expat.case"].search([("person_id", "=", tomasz.id)])
        self.assertEqual(len(case), 1, "one case per person and organisation")
        self.assertEqual(case.company_id, self.org_a, "the wizard's organisation")
        self.assertEqual(case.nationality_id, self.env.ref("base.pl"))
        self.assertEqual(case.opened_date, date(2024, 2, 5))
        self.assertEqual(case.channel, "phone")
        self.assertFalse(case.user_id, "the history names no advisor")
        neanderhaus = case.employer_id
        self.assertEqual(neanderhaus.name, "Neanderhaus Logistik AG")
        self.assertTrue(neanderhaus.is_company)
        self.assertEqual(
            case.company_contact_id.partner_id,
            neanderhaus,
            "linked to the company contact the file opens",
        )
        self.assertEqual(
            set(case.topic_ids.mapped("code")), {"residence", "housing", "schools"}
        )
        first, second = case.consultation_ids.sorted("date")
        self.assertEqual((first.date, first.duration), (date(2024, 2, 5), 1.5))
        self.assertEqual(first.channel, "phone")
        self.assertTrue(first.is_first)
        self.assertEqual(second.channel, "email")
        # The status of the last row closes the case on that row's date.
        self.assertTrue(case.stage_id.is_closed)
        self.assertEqual(case.closed_date, date(2024, 3, 12))
        # Priya exists: found by e-mail, not created; Rheinblick: one per name.
        priya_case = self.env["expat.case"].search([("person_id", "=", self.person.id)])
        self.assertEqual(priya_case.employer_id, self.employer)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("name", "=ilike", "rheinblick robotics gmbh")]
            ),
            1,
        )
        contact = self.env["expat.company.contact"].search(
            [("partner_id", "=", self.employer.id)]
        )
        self.assertEqual(
            set(contact.topic_ids.mapped("code")), {"recruiting", "onboarding"}
        )
        self.assertFalse(contact.stage_id.is_closed)
        # Marked on the chatter with the file name.
        self.assertIn("Beratungen 2024.csv", str(case.message_ids.mapped("body")))
        self.assertIn("Beratungen 2024.csv", str(tomasz.message_ids.mapped("body")))

    def test_reimport_creates_nothing_and_an_extended_file_adds_only_new_rows(self):
        self._import(csv_bytes(EN, ROWS_EN))
        before = self._totals()
        again = self._import(csv_bytes(EN, ROWS_EN))
        self.assertEqual(self._counts(again), (0, 0, 0, 0, 0, 5, 0))
        self.assertEqual(before, self._totals())
        # The same rows in German, as a workbook: the same consultations.
        german_again = self._import(
            xlsx_bytes(DE, [german(row) for row in ROWS_EN]), file_name="de.xlsx"
        )
        self.assertEqual(self._counts(german_again), (0, 0, 0, 0, 0, 5, 0))
        # Two more rows, one of them the twin of an earlier row (a second
        # session the same day): both are new consultations.
        extended = [
            *ROWS_EN,
            [
                "2024-06-03",
                "individual",
                "Priya Raman",
                "priya.raman@example.com",
                "",
                "IN",
                "",
                "",
                "recognition",
                "1",
                "in_person",
                "",
                "",
            ],
            ROWS_EN[3],
        ]
        more = self._import(csv_bytes(EN, extended, delimiter=";"))
        self.assertEqual(self._counts(more), (0, 0, 0, 0, 2, 5, 0))
        self.assertEqual(self._totals()[3], before[3] + 2)
        priya_cases = self.env["expat.case"].search(
            [("person_id", "=", self.person.id)]
        )
        self.assertEqual(len(priya_cases), 1, "the open case is reused")
        self.assertEqual(len(priya_cases.consultation_ids), 3)

    def test_existing_open_case_is_reused_and_closed_one_is_not(self):
        open_case = self._create_case(user=self.advisor_a)
        closed = self._create_case(
            user=self.advisor_a,
            person_id=self.env["res.partner"]
            .create({"name": "Chen Wei", "email": "chen.wei@example.org"})
            .id,
        )
        closed.stage_id = self.stage_closed
        rows = [
            ROWS_EN[3],
            [
                "2024-04-03",
                "individual",
                "Chen Wei",
                "chen.wei@example.org",
                "",
                "CN",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ]
        wizard = self._import(csv_bytes(EN, rows))
        self.assertEqual(self._counts(wizard), (0, 0, 1, 0, 2, 0, 0))
        self.assertEqual(len(open_case.consultation_ids), 1)
        self.assertFalse(closed.consultation_ids)
        chen_cases = self.env["expat.case"].search(
            [("person_id", "=", closed.person_id.id)]
        )
        self.assertEqual(len(chen_cases), 2, "a new case beside the closed one")
        new = chen_cases - closed
        self.assertEqual(new.consultation_ids.channel, "other", "empty: other")
        self.assertEqual(new.consultation_ids.duration, 0.0)

    def test_shared_mailbox_makes_two_persons(self):
        rows = [
            [
                "2024-01-05",
                "individual",
                "Kavya Mehta",
                "family.mehta@example.com",
                "",
                "IN",
                "",
                "",
                "",
                "1",
                "phone",
                "",
                "",
            ],
            [
                "2024-01-06",
                "individual",
                "Arjun Mehta",
                "family.mehta@example.com",
                "",
                "IN",
                "",
                "",
                "",
                "1",
                "phone",
                "",
                "",
            ],
            [
                "2024-01-07",
                "Person",
                "K. Mehta",
                "family.mehta@example.com",
                "",
                "IN",
                "",
                "",
                "",
                "1",
                "phone",
                "",
                "",
            ],
        ]
        dry = self._import(csv_bytes(EN, rows), dry_run=True)
        self.assertEqual(dry.created_person_count, 2)
        real = self._import(csv_bytes(EN, rows))
        self.assertEqual(self._counts(real), self._counts(dry))
        mehtas = self.env["res.partner"].search(
            [("email", "=", "family.mehta@example.com")]
        )
        self.assertEqual(sorted(mehtas.mapped("name")), ["Arjun Mehta", "Kavya Mehta"])
        kavya = mehtas.filtered(lambda p: p.name == "Kavya Mehta")
        self.assertEqual(len(kavya.expat_case_ids.consultation_ids), 2)
