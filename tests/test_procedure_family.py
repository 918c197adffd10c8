from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .common_procedure import ExpatProcedureCase


class TestProcedureBadInput(ExpatProcedureCase):
    @freeze_time("2026-03-02")
    def test_steps_not_before_start_nor_in_future(self):
        future = self._start(start_date=date(2026, 3, 10))
        # The date in the reader's format (the advisor works in English).
        with self._assertRaisesText(UserError, "only starts on 03/10/2026"):
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

    def test_principal_of_another_organisation_is_refused(self):
        """A case of another organisation (not shared) cannot be named as the
        principal's case, by the wizard or by hand: the link would show its
        person's name to the advisor."""
        principal_b = self.env["res.partner"].create({"name": "Giulia Romano"})
        case_b = self._create_case(user=self.advisor_b, person_id=principal_b.id)
        Wizard = self.env["expat.family.member.wizard"].with_user(self.advisor_a)
        with self.assertRaises(AccessError):
            Wizard.create(
                {"main_case_id": case_b.id, "name": "X", "family_role": "child"}
            )
        with self.assertRaises(AccessError):
            self.case_a.with_user(self.advisor_a).write(
                {"main_case_id": case_b.id, "family_role": "child"}
            )
        with self.assertRaises(AccessError):
            self.env["expat.consent.withdrawal"].with_user(self.advisor_a).create(
                {"case_id": case_b.id}
            )
        self.assertFalse(self.case_a.main_case_id)
        # Shared with A, the same link is allowed.
        case_b.shared_company_ids = self.org_a
        self.case_a.with_user(self.advisor_a).write(
            {"main_case_id": case_b.id, "family_role": "child"}
        )
        self.assertEqual(self.case_a.main_case_id, case_b)

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
