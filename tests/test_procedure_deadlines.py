from datetime import date

from freezegun import freeze_time

from odoo.tests import Form

from .common_procedure import ExpatProcedureCase


class TestProcedureDeadlines(ExpatProcedureCase):
    def test_seeded_types(self):
        codes = {
            "fast_track": "§ 81a AufenthG",
            "blue_card": "§ 18g AufenthG",
            "family_reunification": "§§ 27 ff. AufenthG",
            "recognition": "BQFG",
            "opportunity_card": "§ 20a AufenthG",
        }
        for code, reference in codes.items():
            procedure_type = self.env.ref(
                f"expat_service_desk.expat_procedure_type_{code}"
            )
            self.assertEqual(procedure_type.code, code)
            self.assertIn(reference, procedure_type.legal_reference)
            self.assertGreaterEqual(len(procedure_type.step_ids), 3, code)

    @freeze_time("2026-03-02")
    def test_due_dates_follow_the_steps(self):
        procedure = self._start(start_date=date(2026, 3, 2))
        steps = procedure.step_ids.sorted("sequence")
        self.assertEqual(steps.mapped("name"), ["Collect", "File", "Decide"])
        self.assertEqual(
            steps.mapped("due_date"),
            [date(2026, 3, 12), date(2026, 3, 17), date(2026, 4, 6)],
        )
        self.assertEqual(procedure.next_due_date, date(2026, 3, 12))
        self.assertEqual(procedure.state, "running")
        # The checklist of the first step comes from the type.
        self.assertEqual(steps[0].document_ids.mapped("name"), ["Passport", "Contract"])
        self.assertEqual(steps[0].document_missing_count, 2)

        with freeze_time("2026-03-09"):
            steps[0].with_user(self.advisor_a).action_done()
        self.assertEqual(steps[0].done_date, date(2026, 3, 9))
        # The next step is due its 5 days after today, the last 20 after it.
        self.assertEqual(steps[1].due_date, date(2026, 3, 14))
        self.assertEqual(steps[2].due_date, date(2026, 4, 3))
        self.assertEqual(procedure.next_due_date, date(2026, 3, 14))

        with freeze_time("2026-03-20"):
            steps[1].with_user(self.advisor_a).action_skip()
        self.assertEqual(steps[1].state, "skipped")
        self.assertEqual(steps[2].due_date, date(2026, 4, 9))

        with freeze_time("2026-04-01"):
            steps[2].with_user(self.advisor_a).action_done()
        self.assertEqual(procedure.state, "done")
        self.assertFalse(procedure.next_due_date)
        self.assertEqual(procedure.done_date, date(2026, 4, 1))
        self.assertEqual(procedure.duration_days, 30)

    @freeze_time("2026-03-02")
    def test_fast_track_statutory_deadlines(self):
        """§ 81a: two months for the recognition, three weeks to the visa
        appointment after the pre-approval and three weeks to the decision."""
        fast_track = self.env.ref("expat_service_desk.expat_procedure_type_fast_track")
        procedure = self._start(type_=fast_track, start_date=date(2026, 3, 2))
        steps = procedure.step_ids.sorted("sequence")
        by_days = dict(zip(steps.mapped("name"), steps.mapped("days"), strict=True))
        self.assertEqual(by_days["Recognition decision"], 60)
        self.assertEqual(by_days["Visa appointment at the German mission"], 21)
        self.assertEqual(by_days["Visa decision"], 21)
        pre_approval = steps.filtered(
            lambda s: s.name == "Pre-approval of the immigration office"
        )
        with freeze_time("2026-03-30"):
            (steps.filtered(lambda s: s.sequence < pre_approval.sequence)).with_user(
                self.advisor_a
            ).action_done()
        with freeze_time("2026-04-10"):
            pre_approval.with_user(self.advisor_a).action_done()
        appointment, decision = steps.filtered(
            lambda s: s.sequence > pre_approval.sequence
        )[:2]
        self.assertEqual(appointment.due_date, date(2026, 5, 1))
        self.assertEqual(decision.due_date, date(2026, 5, 22))

    def test_procedure_form(self):
        """Started from the case's button, a document added on the form."""
        action = self.case_a.with_user(self.advisor_a).action_start_procedure()
        form = Form(
            self.env["expat.procedure"]
            .with_user(self.advisor_a)
            .with_context(**action["context"])
        )
        form.type_id = self.test_type
        procedure = form.save()
        self.assertEqual(procedure.case_id, self.case_a)
        self.assertEqual(len(procedure.step_ids), 3)
        step = procedure.step_ids.sorted("sequence")[1]
        with Form(procedure.with_user(self.advisor_a)) as form:
            with form.document_ids.new() as line:
                line.step_id = step
                line.name = "Residence certificate"
                line.received = True
        document = procedure.document_ids.filtered(
            lambda d: d.name == "Residence certificate"
        )
        self.assertEqual(document.step_id, step)
        self.assertTrue(document.received_date)
        self.assertEqual(self.case_a.procedure_count, 1)

    @freeze_time("2026-03-02")
    def test_start_date_moves_open_deadlines(self):
        procedure = self._start(start_date=date(2026, 3, 2))
        procedure.with_user(self.advisor_a).start_date = date(2026, 2, 20)
        self.assertEqual(procedure.next_due_date, date(2026, 3, 2))

    def test_blue_card_thresholds_by_valid_from(self):
        values = self.env["expat.statutory.value"]
        self.assertEqual(
            values._get_value("blue_card_salary_general", date(2025, 6, 1)).amount,
            48300.0,
        )
        self.assertEqual(
            values._get_value("blue_card_salary_reduced", date(2025, 6, 1)).amount,
            43759.80,
        )
        self.assertEqual(
            values._get_value("blue_card_salary_general", date(2026, 6, 1)).amount,
            50700.0,
        )
        self.assertFalse(
            values._get_value("blue_card_salary_general", date(2020, 1, 1))
        )


class TestProcedureActivity(ExpatProcedureCase):
    @freeze_time("2026-03-02")
    def test_one_activity_follows_the_next_step(self):
        procedure = self._start(start_date=date(2026, 3, 2))
        activity = self._activities(procedure)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.advisor_a)
        self.assertEqual(activity.date_deadline, date(2026, 3, 12))
        self.assertIn("Collect", activity.summary)

        steps = procedure.step_ids.sorted("sequence")
        with freeze_time("2026-03-05"):
            steps[0].with_user(self.advisor_a).action_done()
        activity = self._activities(procedure)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 10))
        self.assertIn("File", activity.summary)

        # A new advisor on the case takes the activity over.
        other = self.advisor_a.copy({"login": "esd_advisor_a2", "name": "A2"})
        self.case_a.user_id = other
        self.assertEqual(self._activities(procedure).user_id, other)

        # Cancelled: no activity; followed again: back.
        procedure.with_user(self.advisor_a).action_cancel()
        self.assertEqual(procedure.state, "cancelled")
        self.assertFalse(self._activities(procedure))
        self.assertFalse(procedure.next_due_date)
        procedure.with_user(self.advisor_a).action_reopen()
        self.assertEqual(len(self._activities(procedure)), 1)

        with freeze_time("2026-03-06"):
            steps[1:].with_user(self.advisor_a).action_done()
        self.assertEqual(procedure.state, "done")
        self.assertFalse(self._activities(procedure))


class TestProcedureOverdue(ExpatProcedureCase):
    def test_overdue_and_due_this_week(self):
        with freeze_time("2026-03-02"):  # a Monday
            late = self._start(start_date=date(2026, 2, 1))  # due 11 Feb
            soon = self._start(start_date=date(2026, 2, 26))  # due 8 Mar (Sunday)
            later = self._start(start_date=date(2026, 3, 2))  # due 12 Mar
            finished = self._start(start_date=date(2026, 2, 1))
            finished.step_ids.with_user(self.advisor_a).action_done()
            cases = self.env["expat.case"]
            other_case = self._create_case()
            self._start(case=other_case, start_date=date(2026, 3, 2))
            Procedure = self.env["expat.procedure"].with_user(self.advisor_a)
            ours = [("id", "in", (late | soon | later | finished).ids)]
            self.assertEqual(Procedure.search(ours + [("is_overdue", "=", True)]), late)
            self.assertEqual(
                Procedure.search(ours + [("is_overdue", "=", False)]),
                soon | later | finished,
            )
            self.assertEqual(
                Procedure.search(ours + [("is_due_this_week", "=", True)]), soon
            )
            self.assertTrue(late.is_overdue)
            self.assertFalse(finished.is_overdue)
            # The case's kanban card: one stored date, compared with today.
            cases = cases.with_user(self.advisor_a)
            self.assertEqual(
                cases.search([("procedure_overdue", "=", True)]), self.case_a
            )
            self.assertTrue(self.case_a.procedure_overdue)
            self.assertFalse(other_case.procedure_overdue)
            steps = self.env["expat.procedure.step"].with_user(self.advisor_a)
            self.assertEqual(
                steps.search([("is_overdue", "=", True)]).procedure_id, late
            )
        with freeze_time("2026-03-13"):
            self.case_a.invalidate_recordset(["procedure_overdue"])
            self.assertEqual(
                Procedure.search(ours + [("is_overdue", "=", True)]),
                late | soon | later,
            )

    def test_kanban_badge_costs_no_query_per_case(self):
        cases = self.case_a | self._create_case() | self._create_case()
        for case in cases:
            self._start(case=case)
        cases.invalidate_recordset()
        cases = cases.with_user(self.advisor_a)
        cases.mapped("name")  # the record rule check and the row
        with self.assertQueryCount(0):
            cases.mapped("procedure_overdue")
