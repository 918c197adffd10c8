import base64
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError

from .common_procedure import ExpatProcedureCase


class TestProcedureFigures(ExpatProcedureCase):
    def test_report_for_reporting_users(self):
        with freeze_time("2026-01-05"):
            first = self._start(start_date=date(2026, 1, 5))
        with freeze_time("2026-01-15"):
            first.step_ids.with_user(self.advisor_a).action_done()  # 10 days
            second = self._start(start_date=date(2026, 1, 5))
        with freeze_time("2026-02-04"):
            second.step_ids.with_user(self.advisor_a).action_done()  # 30 days
            running = self._start(start_date=date(2026, 2, 1))
            case_b = self._create_case(user=self.advisor_b)
            self._start(case=case_b, user=self.advisor_b, start_date=date(2026, 2, 1))
        Report = self.env["expat.procedure.report"].with_user(self.reporting)
        groups = Report.formatted_read_group(
            [("type_id", "=", self.test_type.id)],
            ["company_id", "state"],
            ["duration_days:avg", "__count"],
        )
        by_state = {g["state"]: g for g in groups}
        # Only the Reporting user's organisation, no case and no person.
        self.assertEqual({g["company_id"][0] for g in groups}, {self.org_a.id})
        self.assertEqual(by_state["done"]["__count"], 2)
        self.assertEqual(by_state["done"]["duration_days:avg"], 20.0)
        self.assertEqual(by_state["running"]["__count"], 1)
        self.assertFalse(by_state["running"]["duration_days:avg"])
        self.assertNotIn("case_id", Report._fields)
        self.assertNotIn("person_id", Report._fields)
        self.assertTrue(running)
        with self.assertRaises(AccessError):
            self.env["expat.procedure"].with_user(self.reporting).search([])


class TestProcedurePersonalData(ExpatProcedureCase):
    def test_inventory_methods(self):
        procedure = self._start(note="<p>Priya's file number 4711</p>")
        person = self.case_a.person_id
        for model in (
            "expat.procedure",
            "expat.procedure.step",
            "expat.procedure.document",
        ):
            with self.subTest(model=model):
                Model = self.env[model]
                fnames = Model._expat_personal_fields()
                self.assertTrue(fnames)
                self.assertTrue(set(fnames) <= set(Model._fields))
                records = Model._expat_personal_records(person)
                self.assertTrue(records)
                self.assertEqual(
                    records.mapped("procedure_id")
                    if model != "expat.procedure"
                    else records,
                    procedure,
                )
                self.assertFalse(Model._expat_personal_records(self.employer))

    def test_export_and_anonymisation_cover_procedures(self):
        person = self.case_a.person_id
        name = person.name
        procedure = self._start(note=f"<p>{name}: file number 4711</p>")
        step = procedure.step_ids.sorted("sequence")[0]
        step.with_user(self.advisor_a).note = f"Called {name}"
        document = step.document_ids[0].with_user(self.advisor_a)
        document.write(
            {
                "name": f"Passport of {name}",
                "file": base64.b64encode(b"%PDF-1.4 passport"),
                "file_name": "priya-raman-passport.pdf",
            }
        )
        self.assertTrue(document.received)
        procedure.with_user(self.advisor_a).message_post(body=f"Spoke to {name}")
        # The Art. 15 export lists them.
        exported = self.env["expat.data.export"]._document(person)
        rows = exported["records"]
        self.assertEqual(
            [row["name"] for row in rows["expat.procedure.document"]][:1],
            [f"Passport of {name}"],
        )
        self.assertIn("file number 4711", rows["expat.procedure"][0]["note"])
        self.assertIn(
            f"Called {name}", [r["note"] for r in rows["expat.procedure.step"]]
        )

        person.with_user(self.manager).with_context(
            expat_anonymize_open_cases=True
        ).action_expat_anonymize()
        self.env.flush_all()
        self.assertFalse(procedure.note)
        self.assertFalse(step.note)
        self.assertFalse(document.name)
        self.assertFalse(document.file_name)
        self.assertFalse(document.file)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "expat.procedure.document"),
                    ("res_id", "in", procedure.document_ids.ids),
                ]
            )
        )
        # No column of the procedure tables, their messages or activities
        # still holds the name; the statistics stay.
        self.env.cr.execute(
            """
            SELECT 'procedure' FROM expat_procedure
             WHERE id = %(id)s AND note::text ILIKE %(name)s
            UNION ALL
            SELECT 'step' FROM expat_procedure_step
             WHERE procedure_id = %(id)s AND note ILIKE %(name)s
            UNION ALL
            SELECT 'document' FROM expat_procedure_document
             WHERE procedure_id = %(id)s
               AND (name ILIKE %(name)s OR file_name ILIKE %(file)s)
            UNION ALL
            SELECT 'message' FROM mail_message
             WHERE model = 'expat.procedure' AND res_id = %(id)s
               AND body::text ILIKE %(name)s
            UNION ALL
            SELECT 'activity' FROM mail_activity
             WHERE res_model = 'expat.procedure' AND res_id = %(id)s
               AND (res_name ILIKE %(name)s OR summary ILIKE %(name)s)
            """,
            {"id": procedure.id, "name": f"%{name}%", "file": "%priya%"},
        )
        self.assertEqual(self.env.cr.fetchall(), [])
        self.assertEqual(procedure.type_id, self.test_type)
        self.assertEqual(procedure.state, "running")
        self.assertEqual(len(procedure.step_ids), 3)
        self.assertTrue(document.received)
