from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common_procedure import ExpatProcedureCase


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
