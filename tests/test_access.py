import json
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ADVISOR, ExpatDeskCase

CONFIG = ("expat.topic", "expat.stage", "expat.municipality")
DOSSIERS = (
    "expat.case",
    "expat.company.contact",
    "expat.consultation",
    "expat.referral",
)
OPERATIONS = ("read", "create", "write", "unlink")

# model -> role -> allowed operations ("" = none)
EXPECTED = {
    **{
        model: {
            "employee": "",
            "reporting": "read",
            "advisor": "read",
            "manager": "all",
        }
        for model in CONFIG
    },
    **{
        model: {
            "employee": "",
            "reporting": "",
            "advisor": "read create write",
            "manager": "all",
        }
        for model in DOSSIERS
    },
    "expat.desk.report": {
        "employee": "",
        "reporting": "read",
        "advisor": "read",
        "manager": "read",
    },
    "expat.privacy.log": {
        "employee": "",
        "reporting": "",
        "advisor": "",
        "manager": "read",
    },
    "expat.anonymize.wizard": {
        "employee": "",
        "reporting": "",
        "advisor": "",
        "manager": "all",
    },
    "expat.history.import": {
        "employee": "",
        "reporting": "",
        "advisor": "",
        "manager": "all",
    },
    "expat.annual.report.wizard": {
        "employee": "",
        "reporting": "all",
        "advisor": "all",
        "manager": "all",
    },
    "expat.event.follow.up": {
        "employee": "",
        "reporting": "",
        "advisor": "all",
        "manager": "all",
    },
}


class TestAccessMatrix(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(
            cls.env,
            login="esd_employee",
            groups="base.group_user",
            company_id=cls.org_a.id,
            company_ids=[cls.org_a.id],
        )

    def test_matrix(self):
        users = {
            "employee": self.employee,
            "reporting": self.reporting,
            "advisor": self.advisor_a,
            "manager": self.manager,
        }
        for model, by_role in EXPECTED.items():
            for role, allowed in by_role.items():
                allowed = OPERATIONS if allowed == "all" else allowed.split()
                for operation in OPERATIONS:
                    with self.subTest(model=model, role=role, operation=operation):
                        has_access = (
                            self.env[model].with_user(users[role]).has_access(operation)
                        )
                        self.assertEqual(has_access, operation in allowed)

    def test_advisor_cannot_delete_but_manager_can(self):
        case = self._create_case()
        with self.assertRaises(AccessError):
            case.with_user(self.advisor_a).unlink()
        case.with_user(self.manager).unlink()
        self.assertFalse(case.exists())

    def test_sensitive_fields_only_for_advisors(self):
        case_fields = self.env["expat.case"]._fields
        for fname in (
            "residence_status",
            "permit_expiry_date",
            "recognition_status",
            "nationality_id",
            "family_member_count",
            "qualification_level",
        ):
            self.assertEqual(
                case_fields[fname].groups,
                "expat_service_desk.group_expat_desk_user",
                fname,
            )


class TestOrganisationIsolation(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Exporting needs Odoo's own export right; the record rules must
        # still hold for a user who has it.
        cls.advisor_b.group_ids += cls.env.ref("base.group_allow_export")
        cls.case_a = cls._create_case(
            residence_status="blue_card", nationality_id=cls.env.ref("base.in").id
        )
        cls.contact_a = cls._create_company_contact()
        cls.consultation_a = (
            cls.env["expat.consultation"]
            .with_user(cls.advisor_a)
            .create({"case_id": cls.case_a.id, "date": date(2026, 1, 5)})
        )
        cls.contact_consultation_a = (
            cls.env["expat.consultation"]
            .with_user(cls.advisor_a)
            .create({"company_contact_id": cls.contact_a.id, "date": date(2026, 1, 6)})
        )
        cls.referral_a = (
            cls.env["expat.referral"]
            .with_user(cls.advisor_a)
            .create({"case_id": cls.case_a.id, "reason": "Recognition"})
        )
        cls.records_a = {
            "expat.case": cls.case_a,
            "expat.company.contact": cls.contact_a,
            "expat.consultation": cls.consultation_a | cls.contact_consultation_a,
            "expat.referral": cls.referral_a,
        }

    def _visible(self, user, model, records):
        Model = self.env[model].with_user(user)
        domain = [("id", "in", records.ids)]
        found = Model.search(domain)
        count = Model.search_count(domain)
        grouped = sum(n for (n,) in Model._read_group(domain, [], ["__count"]))
        self.assertEqual(len(found), count)
        self.assertEqual(count, grouped)
        return found

    def test_other_organisation_sees_nothing(self):
        for model, records in self.records_a.items():
            with self.subTest(model=model):
                self.assertEqual(self._visible(self.advisor_a, model, records), records)
                self.assertFalse(self._visible(self.advisor_b, model, records))
                foreign = records.with_user(self.advisor_b)
                with self.assertRaises(AccessError):
                    foreign.read(["display_name"])
                with self.assertRaises(AccessError):
                    foreign.export_data(["id", "display_name"])
                with self.assertRaises(AccessError):
                    foreign.write({"company_id": self.org_b.id})

    def test_sharing_opens_the_dossier_and_what_hangs_off_it(self):
        self.case_a.shared_company_ids = self.org_b
        self.contact_a.shared_company_ids = self.org_b
        for model, records in self.records_a.items():
            with self.subTest(model=model):
                self.assertEqual(self._visible(self.advisor_b, model, records), records)
                exported = records.with_user(self.advisor_b).export_data(["id"])
                self.assertEqual(len(exported["datas"]), len(records))
        case_b = self.case_a.with_user(self.advisor_b)
        self.assertEqual(case_b.residence_status, "blue_card")
        case_b.stage_id = self.stage_in_progress
        self.assertTrue(case_b.is_shared)
        # Unsharing closes it again.
        self.case_a.shared_company_ids = False
        self.assertFalse(self._visible(self.advisor_b, "expat.case", self.case_a))
        self.assertFalse(
            self._visible(self.advisor_b, "expat.referral", self.referral_a)
        )

    def test_advisor_reads_all_organisation_names_to_share(self):
        names = (
            self.env["res.company"].with_user(self.advisor_a).search([]).mapped("name")
        )
        self.assertIn("Test Org B", names)
        self.case_a.with_user(self.advisor_a).shared_company_ids = self.org_b
        self.assertEqual(self.case_a.shared_company_ids, self.org_b)

    def test_internal_user_sees_contacts_but_no_dossier(self):
        employee = new_test_user(
            self.env,
            login="esd_plain_employee",
            groups="base.group_user",
            company_id=self.org_a.id,
            company_ids=[self.org_a.id],
        )
        Partner = self.env["res.partner"].with_user(employee)
        self.assertEqual(Partner.search([("id", "=", self.person.id)]), self.person)
        self.assertEqual(self.person.with_user(employee).name, "Priya Raman")
        for model, records in self.records_a.items():
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(employee).search([])
                with self.assertRaises(AccessError):
                    records.with_user(employee).read(["display_name"])


@tagged("post_install", "-at_install")
class TestJsonRpcIsolation(HttpCase):
    def _call(self, login, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    self.uids[login],
                    login,
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
        }
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_other_organisation_over_jsonrpc(self):
        org_a = self.env["res.company"].create({"name": "RPC Org A"})
        org_b = self.env["res.company"].create({"name": "RPC Org B"})
        users = {}
        for login, org in (("rpc_advisor_a", org_a), ("rpc_advisor_b", org_b)):
            users[login] = new_test_user(
                self.env,
                login=login,
                groups=ADVISOR,
                company_id=org.id,
                company_ids=[org.id],
            )
        self.uids = {login: user.id for login, user in users.items()}
        person = self.env["res.partner"].create({"name": "RPC Person"})
        case = (
            self.env["expat.case"]
            .with_user(users["rpc_advisor_a"])
            .create({"person_id": person.id, "company_id": org_a.id})
        )
        domain = [["id", "=", case.id]]
        own = self._call(
            "rpc_advisor_a", "expat.case", "search_read", domain, fields=["name"]
        )
        self.assertEqual([row["id"] for row in own["result"]], [case.id])

        other = self._call(
            "rpc_advisor_b", "expat.case", "search_read", domain, fields=["name"]
        )
        self.assertEqual(other["result"], [])
        count = self._call("rpc_advisor_b", "expat.case", "search_count", domain)
        self.assertEqual(count["result"], 0)
        read = self._call("rpc_advisor_b", "expat.case", "read", [case.id], ["name"])
        self.assertIn("error", read)
        self.assertEqual(read["error"]["data"]["name"], "odoo.exceptions.AccessError")
        grouped = self._call(
            "rpc_advisor_b", "expat.case", "formatted_read_group", [], [], ["__count"]
        )
        self.assertEqual(grouped["result"][0]["__count"], 0)
