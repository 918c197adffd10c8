from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"].search(
            [("name", "=", "expat_service_desk"), ("demo", "=", True)]
        ):
            self.skipTest("database installed without demo data")

    def test_demo_data_is_coherent(self):
        Case = self.env["expat.case"].with_context(active_test=False)
        Consultation = self.env["expat.consultation"]
        Contact = self.env["expat.company.contact"].with_context(active_test=False)
        self.assertGreaterEqual(Case.search_count([]), 40)
        self.assertGreaterEqual(Contact.search_count([]), 10)
        self.assertGreaterEqual(Consultation.search_count([]), 100)
        self.assertGreaterEqual(self.env["expat.referral"].search_count([]), 10)
        stages = {stage for (stage,) in Case._read_group([], ["stage_id"])}
        self.assertEqual(stages, set(self.env["expat.stage"].search([])))
        # Every consultation has one dossier, none in the future, one first per dossier.
        self.assertFalse(
            Consultation.search_count(
                [("case_id", "!=", False), ("company_contact_id", "!=", False)]
            )
        )
        self.env.cr.execute(
            """SELECT COALESCE(case_id, 0), COALESCE(company_contact_id, 0),
                      count(*) FILTER (WHERE is_first)
                 FROM expat_consultation
                GROUP BY 1, 2 HAVING count(*) FILTER (WHERE is_first) != 1"""
        )
        self.assertEqual(self.env.cr.fetchall(), [])
        self.env.cr.execute(
            "SELECT count(*) FROM expat_consultation WHERE date > CURRENT_DATE"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        closed = Case.search([("stage_id.is_closed", "=", True)])
        self.assertTrue(closed)
        self.assertTrue(all(closed.mapped("closed_date")))
