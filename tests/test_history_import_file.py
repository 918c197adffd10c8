from odoo.exceptions import UserError

from ..wizards.history_import.common import MAX_ROWS
from .common_history_import import EN, ROWS_EN, ExpatHistoryImportCase, csv_bytes


class TestHistoryImportFile(ExpatHistoryImportCase):
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
