import base64
from contextlib import contextmanager
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user

from .common import ExpatDeskCase

ACTIVITY = "expat_service_desk.mail_activity_type_procedure_step"


class ExpatProcedureCase(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_a = cls._create_case(user_id=cls.advisor_a.id)
        # A small type with known deadlines: 10, 5 and 20 days.
        cls.test_type = cls.env["expat.procedure.type"].create(
            {
                "name": "Test procedure",
                "code": "test_procedure",
                "step_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Collect",
                            "sequence": 1,
                            "days": 10,
                            "responsible": "person",
                            "document_names": "Passport\nContract\n\n",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "File",
                            "sequence": 2,
                            "days": 5,
                            "responsible": "desk",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Decide",
                            "sequence": 3,
                            "days": 20,
                            "responsible": "authority",
                        },
                    ),
                ],
            }
        )

    def _start(self, case=None, user=None, type_=None, **vals):
        user = user or self.advisor_a
        values = {
            "case_id": (case or self.case_a).id,
            "type_id": (type_ or self.test_type).id,
        }
        values.update(vals)
        return self.env["expat.procedure"].with_user(user).create(values)

    @contextmanager
    def _assertRaisesText(self, exception, text):
        """Odoo's ``assertRaises`` (rolls back to a savepoint), checking the
        message too."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))

    def _activities(self, procedure):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "expat.procedure"),
                ("res_id", "=", procedure.id),
                ("activity_type_id", "=", self.env.ref(ACTIVITY).id),
            ]
        )


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


class TestProcedureBadInput(ExpatProcedureCase):
    @freeze_time("2026-03-02")
    def test_steps_not_before_start_nor_in_future(self):
        future = self._start(start_date=date(2026, 3, 10))
        with self._assertRaisesText(UserError, "only starts on 10.03.2026"):
            future.step_ids[0].with_user(self.advisor_a).action_done()
        self.assertEqual(future.step_ids[0].state, "open")
        procedure = self._start(start_date=date(2026, 2, 1))
        step = procedure.step_ids.sorted("sequence")[0].with_user(self.advisor_a)
        with self._assertRaisesText(ValidationError, "before the procedure started"):
            step.write({"state": "done", "done_date": date(2026, 1, 20)})
        with self._assertRaisesText(ValidationError, "in the future"):
            step.write({"state": "done", "done_date": date(2026, 3, 3)})
        step.action_done()
        with self._assertRaisesText(ValidationError, "before the procedure started"):
            procedure.with_user(self.advisor_a).start_date = date(2026, 3, 5)
        with self._assertRaisesText(UserError, "already closed"):
            step.action_done()

    def test_type_without_steps_or_archived(self):
        empty = self.env["expat.procedure.type"].create(
            {"name": "Empty", "code": "empty"}
        )
        count = self.env["expat.procedure"].search_count([])
        with self._assertRaisesText(UserError, "has no steps"):
            self._start(type_=empty)
        self.test_type.active = False
        with self._assertRaisesText(UserError, "archived"):
            self._start()
        self.assertEqual(self.env["expat.procedure"].search_count([]), count)

    def test_type_cannot_change(self):
        procedure = self._start()
        with self._assertRaisesText(UserError, "cannot be changed"):
            procedure.with_user(self.advisor_a).type_id = self.env.ref(
                "expat_service_desk.expat_procedure_type_blue_card"
            )

    def test_negative_days_refused(self):
        with self._assertRaisesText(ValidationError, "cannot be negative"):
            self.test_type.step_ids[0].days = -1

    def test_messages_are_translated(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env.ref("base.module_expat_service_desk")._update_translations(["de_DE"])
        empty = self.env["expat.procedure.type"].create(
            {"name": "Leer", "code": "leer"}
        )
        with self._assertRaisesText(UserError, "keine Schritte"):
            self.env["expat.procedure"].with_user(self.advisor_a).with_context(
                lang="de_DE"
            ).create({"case_id": self.case_a.id, "type_id": empty.id})


class TestFamily(ExpatProcedureCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_a.write(
            {
                "employer_id": cls.employer.id,
                "municipality_id": cls.ratingen.id,
                "nationality_id": cls.env.ref("base.in").id,
            }
        )

    def _add_member(self, main, user=None, **vals):
        user = user or self.advisor_a
        values = {"name": "Lakshmi Raman", "family_role": "spouse"}
        values.update(vals)
        wizard = (
            self.env["expat.family.member.wizard"]
            .with_user(user)
            .with_context(default_main_case_id=main.id)
            .create(values)
        )
        wizard.action_confirm()
        return main.family_case_ids.filtered(
            lambda c: c.person_id.name == values["name"]
        )

    def test_add_family_member(self):
        member = self._add_member(self.case_a, email="lakshmi@example.com")
        self.assertEqual(len(member), 1)
        self.assertEqual(member.main_case_id, self.case_a)
        self.assertEqual(member.family_role, "spouse")
        self.assertEqual(member.company_id, self.org_a)
        self.assertEqual(member.employer_id, self.employer)
        self.assertEqual(member.municipality_id, self.ratingen)
        self.assertEqual(member.user_id, self.advisor_a)
        self.assertEqual(member.nationality_id, self.env.ref("base.in"))
        self.assertEqual(member.person_id.email, "lakshmi@example.com")
        self.assertFalse(member.person_id.is_company)
        self.assertEqual(self.case_a.family_case_ids, member)
        self.assertEqual(self.case_a.family_count, 1)
        action = self.case_a.with_user(self.advisor_a).action_view_family()
        shown = (
            self.env["expat.case"].with_user(self.advisor_a).search(action["domain"])
        )
        self.assertEqual(shown, self.case_a | member)
        # A member's case is no principal: members are added to the principal.
        with self._assertRaisesText(UserError, "principal's case"):
            self._add_member(member, name="Someone Else")

    def test_family_loops_refused(self):
        member = self._add_member(self.case_a)
        with self._assertRaisesText(ValidationError, "its own principal"):
            member.with_user(self.advisor_a).main_case_id = member
        with self._assertRaisesText(ValidationError, "loop"):
            self.case_a.with_user(self.advisor_a).write(
                {"main_case_id": member.id, "family_role": "spouse"}
            )
        other_case_same_person = self._create_case()
        with self._assertRaisesText(ValidationError, "same person"):
            other_case_same_person.with_user(self.advisor_a).write(
                {"main_case_id": self.case_a.id, "family_role": "child"}
            )
        with self._assertRaisesText(ValidationError, "family role"):
            member.with_user(self.advisor_a).family_role = False
        # Detaching a member clears the role.
        member.with_user(self.advisor_a).main_case_id = False
        self.assertFalse(member.family_role)

    def test_reunification_names_its_members(self):
        member = self._add_member(self.case_a)
        stranger = self._add_member(
            self._create_case(
                person_id=self.env["res.partner"].create({"name": "Other Principal"}).id
            ),
            name="Other Child",
            family_role="child",
        )
        reunification = self.env.ref(
            "expat_service_desk.expat_procedure_type_family_reunification"
        )
        procedure = self._start(
            type_=reunification, family_case_ids=[(6, 0, member.ids)]
        )
        self.assertEqual(procedure.family_case_ids, member)
        with self._assertRaisesText(ValidationError, "not family members"):
            procedure.with_user(self.advisor_a).family_case_ids = stranger
        with self._assertRaisesText(ValidationError, "Only a family reunification"):
            self._start(family_case_ids=[(6, 0, member.ids)])

    def test_form_of_the_family_member(self):
        member = self._add_member(self.case_a)
        with Form(member.with_user(self.advisor_a)) as form:
            self.assertEqual(form.main_case_id, self.case_a)
            self.assertEqual(form.family_role, "spouse")


class TestProcedureAccess(ExpatProcedureCase):
    def test_access_matrix(self):
        """model -> role -> allowed operations."""
        employee = new_test_user(
            self.env,
            login="esd_employee_procedures",
            groups="base.group_user",
            company_id=self.org_a.id,
            company_ids=[self.org_a.id],
        )
        config = {"reporting": "read", "advisor": "read", "manager": "all"}
        dossier = {"reporting": "", "advisor": "read create write", "manager": "all"}
        expected = {
            "expat.procedure.type": config,
            "expat.procedure.type.step": config,
            "expat.statutory.value": config,
            "expat.procedure": dossier,
            "expat.procedure.step": dossier,
            "expat.procedure.document": {
                "reporting": "",
                "advisor": "all",
                "manager": "all",
            },
            "expat.procedure.report": {
                "reporting": "read",
                "advisor": "read",
                "manager": "read",
            },
            "expat.family.member.wizard": {
                "reporting": "",
                "advisor": "all",
                "manager": "all",
            },
        }
        users = {
            "employee": employee,
            "reporting": self.reporting,
            "advisor": self.advisor_a,
            "manager": self.manager,
        }
        operations = ("read", "create", "write", "unlink")
        for model, by_role in expected.items():
            for role, user in users.items():
                allowed = by_role.get(role, "")
                allowed = operations if allowed == "all" else allowed.split()
                for operation in operations:
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(
                            self.env[model].with_user(user).has_access(operation),
                            operation in allowed,
                        )

    def test_procedures_follow_their_case(self):
        procedure = self._start()
        steps = procedure.step_ids
        documents = procedure.document_ids
        self.assertTrue(documents)
        for records in (procedure, steps, documents):
            with self.subTest(model=records._name):
                Model = self.env[records._name]
                domain = [("id", "in", records.ids)]
                self.assertEqual(
                    Model.with_user(self.advisor_a).search(domain), records
                )
                self.assertFalse(Model.with_user(self.advisor_b).search(domain))
                with self.assertRaises(AccessError):
                    records.with_user(self.advisor_b).read(["display_name"])
        with self.assertRaises(AccessError):
            steps[0].with_user(self.advisor_b).action_done()
        with self.assertRaises(AccessError):
            self._start(user=self.advisor_b)
        # Shared with B: B sees and works on them.
        self.case_a.shared_company_ids = self.org_b
        for records in (procedure, steps, documents):
            with self.subTest(model=records._name, shared=True):
                Model = self.env[records._name].with_user(self.advisor_b)
                self.assertEqual(Model.search([("id", "in", records.ids)]), records)
        steps.sorted("sequence")[0].with_user(self.advisor_b).action_done()
        documents[0].with_user(self.advisor_b).received = True
        self._start(user=self.advisor_b)
        self.case_a.shared_company_ids = False
        self.assertFalse(
            self.env["expat.procedure"]
            .with_user(self.advisor_b)
            .search([("case_id", "=", self.case_a.id)])
        )

    def test_types_are_managed_by_managers(self):
        self.assertTrue(
            self.env["expat.procedure.type"].with_user(self.reporting).search([])
        )
        with self.assertRaises(AccessError):
            self.test_type.with_user(self.advisor_a).name = "Changed"
        with self.assertRaises(AccessError):
            self.env["expat.statutory.value"].with_user(self.advisor_a).create(
                {"code": "x", "name": "X", "valid_from": date(2027, 1, 1)}
            )
        self.env["expat.statutory.value"].with_user(self.manager).create(
            {
                "code": "blue_card_salary_general",
                "name": "Blue Card 2027",
                "valid_from": date(2027, 1, 1),
                "amount": 52000,
            }
        )
        self.assertEqual(
            self.env["expat.statutory.value"]
            ._get_value("blue_card_salary_general", date(2027, 3, 1))
            .amount,
            52000,
        )

    def test_family_wizard_needs_access_to_the_principal(self):
        with self.assertRaises(AccessError):
            self.env["expat.family.member.wizard"].with_user(self.advisor_b).create(
                {"main_case_id": self.case_a.id, "name": "X", "family_role": "child"}
            ).action_confirm()


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
