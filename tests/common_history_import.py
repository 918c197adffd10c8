"""Shared set-up of the history import tests (``test_history_import_*.py``):
the five consultations of 2024 in English and German notation, files made
from them, and a wizard run as a Manager."""

import base64
import csv
import io

from openpyxl import Workbook

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


class ExpatHistoryImportCase(ExpatDeskCase):
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
