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

    def test_demo_desk_events(self):
        events = self.env["event.event"].search([("is_expat_desk", "=", True)])
        now = self.env.cr.now()
        past = events.filtered(lambda e: e.date_end < now)
        self.assertGreaterEqual(len(past), 6)
        self.assertEqual(
            set(past.mapped("target_group")), {"companies", "individuals", "both"}
        )
        self.assertTrue(past.filtered("co_organizer_company_ids"))
        for event in past:
            with self.subTest(event=event.name):
                self.assertGreaterEqual(event.seats_used, 20)
                self.assertLess(event.seats_used, event.seats_taken)
                self.assertTrue(event.expat_topic_ids)
        # One event is still ahead, with registrations to check in.
        upcoming = events - past
        self.assertTrue(upcoming.registration_ids)
        self.assertFalse(upcoming.seats_used)
        # Some attendees asked for advice and some were followed up already,
        # so the follow-up wizard has work left on the most recent past event.
        registrations = past.registration_ids
        self.assertTrue(registrations.filtered("expat_wants_advice"))
        self.assertTrue(registrations.filtered("company_contact_id"))
        latest = past.sorted("date_begin")[-1]
        self.assertFalse(latest.registration_ids.company_contact_id)

    def test_demo_ratings(self):
        """Closing the demo cases asked for ratings; some were given."""
        ratings = self.env["rating.rating"].search([("expat_case_id", "!=", False)])
        given = ratings.filtered("consumed")
        self.assertGreaterEqual(len(given), 7)
        self.assertTrue(ratings - given, "some requests are not answered")
        for rating in given:
            # Answered a few days after the case was closed.
            self.assertGreaterEqual(
                rating.rated_on.date(), rating.expat_case_id.closed_date
            )
