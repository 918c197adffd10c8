import io
import zipfile
from datetime import date

from odoo.tools.misc import file_open

from .common_history_import import (
    DE,
    EN,
    ROWS_EN,
    ExpatHistoryImportCase,
    csv_bytes,
    german,
    xlsx_bytes,
)


class TestHistoryImportRows(ExpatHistoryImportCase):
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
