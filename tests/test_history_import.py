import base64
import csv
import io
import zipfile
from datetime import date

from openpyxl import Workbook

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form
from odoo.tools.misc import file_open

from ..wizards.expat_history_import import MAX_ROWS
from .common import ExpatDeskCase

EN = [
    "date",
    "kind",
    "name",
    "email",
    "phone",
    "nationality",
    "employer",
    "municipality",
    "topics",
    "duration",
    "channel",
    "organisation",
    "status",
]
DE = [
    "Datum",
    "Art",
    "Name",
    "E-Mail",
    "Telefon",
    "Staatsangehörigkeit",
    "Arbeitgeber",
    "Kommune",
    "Themen",
    "Dauer",
    "Kanal",
    "Organisation",
    "Status",
]
# The same five consultations of 2024 in both notations (rows 2-6).
ROWS_EN = [
    [
        "2024-01-10",
        "company",
        "Neanderhaus Logistik AG",
        "hr@neanderhaus.example",
        "",
        "",
        "",
        "Mettmann",
        "recruiting",
        "2",
        "in_person",
        "",
        "",
    ],
    [
        "2024-02-05",
        "individual",
        "Tomasz Nowak",
        "tomasz.nowak@example.com",
        "+49 151 5550111",
        "PL",
        "Neanderhaus Logistik AG",
        "Mettmann",
        "residence;housing",
        "1.5",
        "phone",
        "",
        "",
    ],
    [
        "2024-03-12",
        "individual",
        "Tomasz Nowak",
        "Tomasz.Nowak@example.com",
        "",
        "PL",
        "Neanderhaus Logistik AG",
        "",
        "schools",
        "0.5",
        "email",
        "",
        "closed",
    ],
    [
        "2024-04-02",
        "individual",
        "Priya Raman",
        "priya.raman@example.com",
        "",
        "IN",
        "Rheinblick Robotics GmbH",
        "Ratingen",
        "blue_card",
        "1",
        "video",
        "",
        "",
    ],
    [
        "2024-05-20",
        "company",
        "rheinblick  robotics gmbh",
        "",
        "",
        "",
        "",
        "Ratingen",
        "onboarding, recruiting",
        "1",
        "in_person",
        "",
        "",
    ],
]
GERMAN_KIND = {"company": "Unternehmen", "individual": "Person"}
GERMAN_CHANNEL = {
    "in_person": "Persönlich",
    "phone": "Telefon",
    "email": "E-Mail",
    "video": "Videoanruf",
}


def german(row):
    row = list(row)
    year, month, day = row[0].split("-")
    row[0] = f"{day}.{month}.{year}"
    row[1] = GERMAN_KIND[row[1]]
    row[9] = row[9].replace(".", ",")
    row[10] = GERMAN_CHANNEL[row[10]]
    row[12] = {"closed": "abgeschlossen", "": ""}[row[12]]
    return row


def csv_bytes(header, rows, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(header, rows, extra_sheets=0):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Beratungen"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for index in range(extra_sheets):
        workbook.create_sheet(f"Notizen {index}")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class TestHistoryImport(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))

    def _wizard(self, data, file_name="history.csv", user=None, companies=None, **vals):
        user = user or self.manager
        # As the web client does: the companies selected in the switcher.
        companies = companies or user.company_id
        env = self.env(user=user)
        env = env(context=dict(env.context, allowed_company_ids=companies.ids))
        return env["expat.history.import"].create(
            {
                "file": base64.b64encode(data),
                "file_name": file_name,
                **vals,
            }
        )

    def _import(self, data, dry_run=False, **kwargs):
        wizard = self._wizard(data, dry_run=dry_run, **kwargs)
        wizard.action_import()
        return wizard

    def _counts(self, wizard):
        return (
            wizard.created_person_count,
            wizard.created_company_count,
            wizard.created_case_count,
            wizard.created_company_contact_count,
            wizard.created_consultation_count,
            wizard.skipped_count,
            wizard.error_count,
        )

    def _totals(self):
        env = self.env(context={"active_test": False})
        return tuple(
            env[model].search_count([])
            for model in (
                "res.partner",
                "expat.case",
                "expat.company.contact",
                "expat.consultation",
            )
        )

    def _imported(self):
        return self.env["expat.consultation"].search(
            [("import_origin", "!=", False)], order="date"
        )

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

    # ------------------------------------------------------------------
    # Bad rows
    # ------------------------------------------------------------------

    def test_bad_rows_are_refused_with_number_and_reason(self):
        good = ROWS_EN[1]

        def bad(**changes):
            row = list(good)
            for column, value in changes.items():
                row[EN.index(column)] = value
            return row

        rows = [
            good,
            bad(topics="residence, astrology"),
            bad(date="31.02.2024"),
            bad(date="2024/02/05"),
            bad(date="01.01.2999"),
            bad(nationality="Polen"),
            bad(municipality="Gotham"),
            bad(duration="90"),
            bad(duration="1h"),
            bad(kind="Freelancer"),
            bad(name=""),
            bad(email="not an address"),
            bad(channel="fax"),
            bad(organisation="Test Org B"),
            bad(organisation="Nowhere GmbH"),
            bad(status="maybe"),
            [],  # an empty line is skipped, not refused
            bad(date="06.02.2024", duration="2,25"),
        ]
        before = self._totals()
        wizard = self._import(csv_bytes(EN, rows))
        self.assertEqual(wizard.error_count, 15)
        self.assertEqual(wizard.created_consultation_count, 2)
        self.assertEqual(self._totals()[3], before[3] + 2)
        lines = wizard.log.splitlines()
        self.assertEqual(len(lines), 15)
        expected = {
            3: "astrology",
            4: "31.02.2024",
            5: "2024/02/05",
            6: "future",
            7: "Polen",
            8: "Gotham",
            9: "between 0 and 24",
            10: "1h",
            11: "Freelancer",
            12: "name is missing",
            13: "not an address",
            14: "fax",
            15: "company switcher",
            16: "not one you work for",
            17: "maybe",
        }
        for line, (number, fragment) in zip(lines, expected.items(), strict=True):
            self.assertTrue(line.startswith(f"Row {number}: "), line)
            self.assertIn(fragment, line)
        durations = sorted(self._imported().mapped("duration"))
        self.assertEqual(durations, [1.5, 2.25])

    def test_formula_without_value_refuses_its_row(self):
        rows = [german(row) for row in ROWS_EN[:2]]
        rows[1][9] = "=1+0.5"  # openpyxl saves formulas without a value
        wizard = self._import(xlsx_bytes(DE, rows), file_name="x.xlsx")
        self.assertEqual(wizard.error_count, 1)
        self.assertIn("Row 3: cell J3 holds a formula", wizard.log)
        self.assertEqual(wizard.created_consultation_count, 1)

    def test_formula_counts_with_its_saved_value(self):
        rows = [german(row) for row in ROWS_EN[:2]]
        rows[1][9] = "=1+0.5"
        data = xlsx_bytes(DE, rows)
        # Save the value with the formula, as a spreadsheet program does.
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    content = content.replace(
                        b"<f>1+0.5</f><v></v>", b"<f>1+0.5</f><v>1.75</v>"
                    )
                    self.assertIn(b"<v>1.75</v>", content)
                target.writestr(item, content)
        wizard = self._import(out.getvalue(), file_name="x.xlsx")
        self.assertEqual(wizard.error_count, 0, wizard.log)
        self.assertEqual(sorted(self._imported().mapped("duration")), [1.75, 2.0])

    def test_xlsx_with_dates_numbers_and_several_sheets(self):
        rows = [german(row) for row in ROWS_EN]
        rows[0][0] = date(2024, 1, 10)  # a real date cell
        rows[1][9] = 1.5  # a number cell
        rows[1][4] = 4915155501110  # a phone number typed as a number
        wizard = self._import(
            xlsx_bytes(DE, rows, extra_sheets=2), file_name="history.xlsx"
        )
        self.assertEqual(self._counts(wizard), (1, 1, 2, 2, 5, 0, 0))
        self.assertIn(
            '3 sheets; only the first one, "Beratungen", was read', wizard.summary
        )
        tomasz = self.env["res.partner"].search([("name", "=", "Tomasz Nowak")])
        self.assertEqual(tomasz.phone, "4915155501110")
        self.assertEqual(
            sorted(self._imported().mapped("duration")), [0.5, 1.0, 1.0, 1.5, 2.0]
        )

    def test_templates_import_cleanly_and_are_the_same_rows(self):
        results = []
        for name in (
            "expat_history_import_en.csv",
            "expat_history_import_de.xlsx",
            "expat_history_import_de.csv",
            "expat_history_import_en.xlsx",
        ):
            with file_open(f"expat_service_desk/static/templates/{name}", "rb") as f:
                wizard = self._import(f.read(), file_name=name)
            results.append((wizard.error_count, wizard.created_consultation_count))
        self.assertEqual(results, [(0, 3), (0, 0), (0, 0), (0, 0)])

    # ------------------------------------------------------------------
    # Bad files: a clear message, nothing written
    # ------------------------------------------------------------------

    def test_file_level_errors(self):
        header_only = ",".join(EN).encode()
        latin1 = "Datum;Art;Name\n05.02.2024;Person;Jürgen Groß\n".encode("latin-1")
        cases = {
            "empty": (b"", "empty"),
            "blank": (b"\xef\xbb\xbf\n \n", "empty"),
            "latin-1": (latin1, "not in UTF-8 (line 2)"),
            "no header": (
                b"2024-02-05,individual,Tomasz Nowak\n",
                "not a header",
            ),
            "unknown columns": (
                b"date,kind,name,Advisor,Notiz\n2024-02-05,individual,Tom,x,y\n",
                'Unknown columns: "Advisor", "Notiz"',
            ),
            "missing column": (b"name,email\nTom,tom@example.com\n", "kind"),
            "duplicate column": (b"date,kind,name,Datum\n", "appears twice"),
            "header only": (header_only + b"\n", "no rows below"),
            "nameless column": (
                b"date,kind,name,\n2024-02-05,individual,Tom,oops\n",
                "no name in the header",
            ),
            "old excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, ".xls"),
            "broken xlsx": (b"PK\x03\x04broken", "cannot be read as an Excel"),
        }
        before = self._totals()
        for label, (data, message) in cases.items():
            with self.subTest(label):
                with self.assertRaises(UserError) as caught:
                    self._import(data)
                self.assertIn(message, str(caught.exception))
        self.assertEqual(before, self._totals())

    def test_too_many_rows_are_refused_as_a_whole(self):
        rows = [ROWS_EN[1]] * (MAX_ROWS + 1)
        with self.assertRaises(UserError) as caught:
            self._import(csv_bytes(EN, rows))
        self.assertIn("more than 20,000 rows", str(caught.exception))
        self.assertFalse(self._imported())

    # ------------------------------------------------------------------
    # Closing, access, figures, privacy
    # ------------------------------------------------------------------

    def test_option_closes_dossiers_whose_last_consultation_is_past(self):
        rows = [list(row) for row in ROWS_EN]
        rows[2][12] = "open"  # Tomasz stays open whatever the option says
        wizard = self._import(
            csv_bytes(EN, rows), close_dossiers=True, close_before=date(2024, 5, 1)
        )
        self.assertEqual(wizard.closed_dossier_count, 2)
        imported = self._imported()
        dossiers = {
            dossier.display_name.split(" · ")[1]: dossier
            for dossier in [*imported.case_id, *imported.company_contact_id]
        }
        self.assertFalse(dossiers["Tomasz Nowak"].is_closed)
        self.assertEqual(dossiers["Priya Raman"].closed_date, date(2024, 4, 2))
        self.assertEqual(
            dossiers["Neanderhaus Logistik AG"].closed_date, date(2024, 1, 10)
        )
        self.assertFalse(dossiers["Rheinblick Robotics GmbH"].is_closed, "May 20")

    def test_only_managers_import_and_only_for_their_organisations(self):
        with self.assertRaises(AccessError):
            self._wizard(csv_bytes(EN, ROWS_EN), user=self.advisor_a)
        with self.assertRaises(UserError):
            self._wizard(csv_bytes(EN, ROWS_EN), user=self.manager).write(
                {"company_id": self.env.ref("base.main_company").id}
            )
        rows = [list(row) for row in ROWS_EN]
        for row in rows:
            row[11] = "test org b"
        wizard = self._import(
            csv_bytes(EN, rows), companies=self.org_a | self.org_b, file_name="b.csv"
        )
        self.assertEqual(wizard.error_count, 0)
        self.assertEqual(self._imported().company_id, self.org_b)
        # Advisor A sees none of it, Advisor B all of it.
        consultations = self.env["expat.consultation"]
        self.assertFalse(
            consultations.with_user(self.advisor_a).search(
                [("import_origin", "=", "b.csv")]
            )
        )
        self.assertEqual(
            consultations.with_user(self.advisor_b).search_count(
                [("import_origin", "=", "b.csv")]
            ),
            5,
        )

    def test_figures_of_the_imported_year(self):
        rows = [list(row) for row in ROWS_EN]
        rows[4][11] = "Test Org B"  # Rheinblick's consultation for B
        self._import(csv_bytes(EN, rows), companies=self.org_a | self.org_b)
        report = self.env["expat.desk.report"].with_user(self.manager)
        kpis_a = report.get_kpis("2024-01-01", "2024-12-31", company_ids=self.org_a.ids)
        self.assertEqual(kpis_a["consultations"], 4)
        self.assertEqual(kpis_a["hours"], 5.0)
        self.assertEqual(kpis_a["individuals_advised"], 2)
        self.assertEqual(kpis_a["companies_advised"], 1)
        kpis_b = report.get_kpis("2024-01-01", "2024-12-31", company_ids=self.org_b.ids)
        self.assertEqual(
            (kpis_b["consultations"], kpis_b["companies_advised"], kpis_b["hours"]),
            (1, 1, 1.0),
        )
        spring = report.get_kpis("2024-03-01", "2024-04-30", company_ids=self.org_a.ids)
        self.assertEqual(
            (spring["consultations"], spring["individuals_advised"]), (2, 2)
        )

    def test_imported_data_is_exported_and_anonymised(self):
        self._import(csv_bytes(EN, ROWS_EN), file_name="Beratungen-2024.csv")
        tomasz = self.env["res.partner"].search([("name", "=", "Tomasz Nowak")])
        consultations = tomasz.expat_case_ids.consultation_ids
        self.assertTrue(all(consultations.mapped("import_key")))
        tomasz.with_user(self.manager).action_expat_data_export()
        export = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", tomasz.id),
                ("res_field", "=", "expat_data_export"),
                ("mimetype", "=", "application/json"),
            ]
        )
        self.assertIn(
            '"import_origin": "Beratungen-2024.csv"', export.raw.decode(), "Art. 15"
        )
        kpis = self.env["expat.desk.report"].get_kpis(
            "2024-01-01", "2024-12-31", company_ids=self.org_a.ids
        )
        tomasz.with_user(self.manager).action_expat_anonymize()
        self.assertTrue(tomasz.expat_anonymized)
        self.assertFalse(any(consultations.mapped("import_key")))
        self.assertEqual(
            kpis,
            self.env["expat.desk.report"].get_kpis(
                "2024-01-01", "2024-12-31", company_ids=self.org_a.ids
            ),
        )
