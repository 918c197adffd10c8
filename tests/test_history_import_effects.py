from datetime import date

from odoo.exceptions import AccessError, UserError

from .common_history_import import EN, ROWS_EN, ExpatHistoryImportCase, csv_bytes


class TestHistoryImportEffects(ExpatHistoryImportCase):
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
        # Advice given years ago: closing it by import asks nobody to rate it.
        priya_case = dossiers["Priya Raman"]
        self.assertFalse(
            self.env["rating.rating"].search(
                [("res_model", "=", "expat.case"), ("res_id", "=", priya_case.id)]
            )
        )
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "expat.case"), ("res_id", "=", priya_case.id)]
            )
        )

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
