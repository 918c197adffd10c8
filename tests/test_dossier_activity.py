from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ExpatDeskCase
from .web_specification import view_specification

ACTIVITY_FIELDS = [
    "activity_state",
    "activity_exception_decoration",
    "activity_exception_icon",
    "activity_summary",
    "activity_type_icon",
    "activity_type_id",
]


@tagged("post_install", "-at_install")
class TestDossierActivityFields(ExpatDeskCase):
    """The activity fields of the list and kanban are computed for a whole
    page at once: dossiers without activities get empty values without
    mail's per-record computes, the others exactly mail's values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        today = fields.Date.context_today(env.user)
        cls.todo = env.ref("mail.mail_activity_data_todo")
        cls.warning_type = env["mail.activity.type"].create(
            {
                "name": "Missing document",
                "decoration_type": "warning",
                "icon": "fa-exclamation",
                "res_model": False,
            }
        )
        cls.idle, cls.overdue, cls.planned, cls.warned = (
            cls._create_case() for _i in range(4)
        )
        cls.overdue.activity_schedule(
            activity_type_id=cls.todo.id,
            summary="Call back",
            date_deadline=today - timedelta(days=2),
            user_id=cls.advisor_a.id,
        )
        cls.planned.activity_schedule(
            activity_type_id=cls.todo.id,
            summary="Send checklist",
            date_deadline=today + timedelta(days=5),
            user_id=cls.advisor_a.id,
        )
        cls.warned.activity_schedule(
            activity_type_id=cls.warning_type.id,
            summary="Ask for the diploma",
            date_deadline=today,
            user_id=cls.advisor_a.id,
        )
        cls.contact_idle = cls._create_company_contact()
        cls.contact_busy = cls._create_company_contact()
        cls.contact_busy.activity_schedule(
            activity_type_id=cls.todo.id,
            summary="Visit",
            date_deadline=today,
            user_id=cls.advisor_a.id,
        )

    def _page(self, records):
        """The activity fields as the list reads them: one batch, as the
        advisor, with an empty record cache."""
        self.env.invalidate_all()
        batch = records.with_user(self.advisor_a)
        return {
            values["id"]: {name: values[name] for name in ACTIVITY_FIELDS}
            for values in batch.read(ACTIVITY_FIELDS, load=None)
        }

    def test_page_of_cases(self):
        page = self._page(self.idle | self.overdue | self.planned | self.warned)
        self.assertEqual(
            page[self.idle.id],
            dict.fromkeys(ACTIVITY_FIELDS, False),
        )
        self.assertEqual(
            page[self.overdue.id],
            {
                "activity_state": "overdue",
                "activity_exception_decoration": False,
                "activity_exception_icon": False,
                "activity_summary": "Call back",
                "activity_type_icon": self.todo.icon,
                "activity_type_id": self.todo.id,
            },
        )
        self.assertEqual(page[self.planned.id]["activity_state"], "planned")
        self.assertEqual(page[self.planned.id]["activity_summary"], "Send checklist")
        self.assertEqual(
            page[self.warned.id],
            {
                "activity_state": "today",
                "activity_exception_decoration": "warning",
                "activity_exception_icon": "fa-exclamation",
                "activity_summary": "Ask for the diploma",
                "activity_type_icon": "fa-exclamation",
                "activity_type_id": self.warning_type.id,
            },
        )

    def test_page_of_company_contacts(self):
        page = self._page(self.contact_idle | self.contact_busy)
        self.assertEqual(page[self.contact_idle.id]["activity_state"], False)
        self.assertEqual(page[self.contact_idle.id]["activity_type_id"], False)
        self.assertEqual(page[self.contact_busy.id]["activity_state"], "today")
        self.assertEqual(page[self.contact_busy.id]["activity_summary"], "Visit")

    def test_page_read_equals_the_read_of_each_record(self):
        """``web_read`` of a page (the activity fields filled in one pass)
        gives what the ORM gives for each record read alone."""
        for records in (
            self.idle | self.overdue | self.planned | self.warned,
            self.contact_idle | self.contact_busy,
        ):
            batch = records.with_user(self.advisor_a)
            for view_type in ("list", "kanban"):
                spec = view_specification(batch, view_type)
                self.assertIn("activity_type_id", spec)
                self.env.invalidate_all()
                page = batch.web_read(spec)
                self.env.invalidate_all()
                one_by_one = [record.web_read(spec)[0] for record in batch]
                self.assertEqual(page, one_by_one)
        self.assertEqual(
            [values["activity_summary"] for values in page],
            [False, "Visit"],
        )

    def test_page_read_checks_the_access_first(self):
        """Whoever may not read the dossiers learns nothing from the page's
        activity fields, not even which dossiers have activities."""
        # Without activities: nothing would be read for them but the ids.
        cases = self.idle | self._create_case()
        for user in (self.advisor_b, self.reporting):
            for spec in (
                {"activity_state": {}},
                {"id": {}, "activity_state": {}},
                {"name": {}, "activity_state": {}, "activity_summary": {}},
            ):
                with self.assertRaises(AccessError, msg=f"{user.login} {spec}"):
                    cases.with_user(user).web_read(spec)
        page = (
            (self.idle | self.overdue)
            .with_user(self.advisor_a)
            .web_read({"activity_state": {}})
        )
        self.assertEqual(
            [values["activity_state"] for values in page], [False, "overdue"]
        )

    def test_values_follow_the_activities(self):
        """Done and new activities show at once, in the same transaction."""
        case = self.overdue.with_user(self.advisor_a)
        self.assertEqual(case.activity_state, "overdue")
        case.activity_ids.action_feedback(feedback="Reached her")
        self.assertFalse(case.activity_state)
        self.assertFalse(case.activity_summary)
        case.activity_schedule(
            activity_type_id=self.warning_type.id,
            date_deadline=fields.Date.context_today(case),
        )
        self.assertEqual(case.activity_state, "today")
        self.assertEqual(case.activity_exception_decoration, "warning")

    def test_new_record_in_the_form(self):
        """A case being created (onchange, no id yet) has no activities."""
        case = (
            self.env["expat.case"]
            .with_user(self.advisor_a)
            .new({"person_id": self.person.id})
        )
        self.assertFalse(case.activity_state)
        self.assertFalse(case.activity_exception_decoration)
        self.assertFalse(case.activity_type_id)

    def test_only_internal_users_read_dossiers(self):
        """The dossiers' activity fields carry no group of their own: mail
        restricts them to internal users for documents that portal users
        may read, and no one but an internal user reads a dossier at all.
        If a group outside internal users is ever granted a dossier, this
        fails, and the restriction must come back."""
        internal = self.env.ref("base.group_user")
        portal = self.env["res.users"].create(
            {
                "name": "Portal Pia",
                "login": "portal_pia",
                "group_ids": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        for model in ("expat.case", "expat.company.contact"):
            Dossier = self.env[model]
            for name in ("activity_ids", *ACTIVITY_FIELDS):
                self.assertFalse(Dossier._fields[name].groups, f"{model}.{name}")
            readers = self.env["ir.model.access"].search(
                [("model_id.model", "=", model), ("perm_read", "=", True)]
            )
            self.assertTrue(readers)
            for access in readers:
                self.assertIn(internal, access.group_id.all_implied_ids, access.name)
            self.assertFalse(Dossier.with_user(portal).has_access("read"))
        page = self._page(self.overdue | self.idle)
        self.assertEqual(page[self.overdue.id]["activity_state"], "overdue")
