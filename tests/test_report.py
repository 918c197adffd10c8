import re
from datetime import date

from odoo.exceptions import AccessError, UserError

from .common_report import Q1, ExpatReportCase

FIGURES_A = {
    "companies_advised": 2,  # the first employer twice, the second shared with B
    "individuals_advised": 2,  # one person with two cases counts once
    "consultations": 6,
    "hours": 6.25,
    "events": 2,  # Infoabend and New Year
    "event_participants": 3,
    "ratings": 0,  # see test_rating
    "satisfaction": 0.0,
}
FIGURES_B = {
    "companies_advised": 0,
    "individuals_advised": 1,
    "consultations": 1,
    "hours": 1.0,
    "events": 1,
    "event_participants": 3,
    "ratings": 0,
    "satisfaction": 0.0,
}


class TestKpis(ExpatReportCase):
    def test_figures_per_organisation(self):
        self.assertEqual(self._kpis(self.manager, [self.org_a.id]), FIGURES_A)
        self.assertEqual(self._kpis(self.manager, [self.org_b.id]), FIGURES_B)

    def test_both_organisations_count_shared_dossiers_once(self):
        both = self._kpis(self.manager, [self.org_a.id, self.org_b.id])
        self.assertEqual(
            both,
            {
                "companies_advised": 2,
                "individuals_advised": 3,
                "consultations": 7,
                "hours": 7.25,
                "events": 3,
                "event_participants": 6,
                "ratings": 0,
                "satisfaction": 0.0,
            },
        )

    def test_default_is_the_callers_current_organisations(self):
        self.assertEqual(self._kpis(self.advisor_a), FIGURES_A)
        self.assertEqual(self._kpis(self.advisor_b), FIGURES_B)

    def test_both_ends_of_the_interval(self):
        inner = self._kpis(
            self.manager, [self.org_a.id], (date(2026, 1, 2), date(2026, 3, 30))
        )
        self.assertEqual(inner["consultations"], 4)
        self.assertEqual(inner["hours"], 4.75)
        self.assertEqual(inner["events"], 1)
        self.assertEqual(inner["event_participants"], 2)
        one_day = self._kpis(
            self.manager, [self.org_a.id], (date(2026, 1, 1), date(2026, 1, 1))
        )
        self.assertEqual(one_day["consultations"], 1)
        self.assertEqual(one_day["companies_advised"], 1)
        self.assertEqual(one_day["events"], 1)

    def test_bad_period_is_refused(self):
        with self.assertRaises(UserError):
            self._kpis(self.manager, None, (date(2026, 3, 1), date(2026, 1, 1)))

    def test_reporting_user(self):
        self.assertEqual(self._kpis(self.reporting), FIGURES_A)
        with self.assertRaises(AccessError):
            self._kpis(self.reporting, [self.org_b.id])
        with self.assertRaises(AccessError):
            self._kpis(self.reporting, [self.org_a.id, self.org_b.id])
        # Figures only: no access to the dossiers themselves.
        with self.assertRaises(AccessError):
            self.env["expat.consultation"].with_user(self.reporting).search([])

    def test_employee_without_desk_group_gets_nothing(self):
        employee = self.env["res.users"].create(
            {
                "name": "Plain Employee",
                "login": "esd_report_plain",
                "company_id": self.org_a.id,
                "company_ids": [self.org_a.id],
            }
        )
        with self.assertRaises(AccessError):
            self._kpis(employee)

    def test_answered_by_a_fixed_number_of_queries(self):
        self._kpis(self.reporting)
        with self.assertQueryCount(2):
            self._kpis(self.reporting)


class TestReportRows(ExpatReportCase):
    def _report(self, user):
        return (
            self.env["expat.desk.report"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
        )

    def _q1(self):
        return [("date", ">=", Q1[0]), ("date", "<=", Q1[1])]

    def test_rows_match_the_kpis(self):
        report = self._report(self.reporting)
        groups = dict(
            (activity, rest)
            for activity, *rest in report._read_group(
                self._q1(),
                ["activity_type"],
                [
                    "__count",
                    "duration:sum",
                    "organisation_id:count_distinct",
                    "person_key:count_distinct",
                ],
            )
        )
        self.assertEqual(groups["company"][2], FIGURES_A["companies_advised"])
        self.assertEqual(groups["individual"][3], FIGURES_A["individuals_advised"])
        self.assertEqual(
            groups["company"][0] + groups["individual"][0], FIGURES_A["consultations"]
        )
        self.assertEqual(
            groups["company"][1] + groups["individual"][1], FIGURES_A["hours"]
        )
        self.assertEqual(groups["event"][0], FIGURES_A["event_participants"])

    def test_reporting_user_sees_only_own_organisation(self):
        rows = self._report(self.reporting).search([])
        self.assertTrue(rows)
        self.assertEqual(rows.company_id, self.org_a)
        rows_b = self._report(self.advisor_b).search([])
        self.assertEqual(rows_b.company_id, self.org_b)
        # The co-organiser sees Welcome Day B's event rows; A does not.
        self.assertIn("Welcome Day B", rows_b.event_id.mapped("name"))
        self.assertNotIn("Welcome Day B", rows.event_id.mapped("name"))

    def test_views_and_every_group_by_work_for_reporting(self):
        report = self._report(self.reporting)
        views = report.get_views(
            [(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")]
        )
        groupbys = re.findall(
            r"'group_by': '([^']+)'", views["views"]["search"]["arch"]
        )
        self.assertGreaterEqual(len(groupbys), 12)
        for groupby in groupbys:
            with self.subTest(groupby=groupby):
                groups = report.formatted_read_group(
                    self._q1(),
                    [groupby],
                    [
                        "__count",
                        "organisation_id:count_distinct",
                        "person_key:count_distinct",
                        "duration:sum",
                    ],
                )
                self.assertTrue(groups)

    def test_no_person_names(self):
        report = self._report(self.manager)
        text_fields = [
            name
            for name, field in report._fields.items()
            if field.type in ("char", "text", "html") and name != "display_name"
        ]
        self.assertEqual(text_fields, [])
        rows = report.search([])
        dump = str(rows.read([f for f in report._fields if f != "display_name"]))
        for person in (self.person, self.person_2, self.person_3):
            self.assertNotIn(person.name, dump)
        # The key tells persons apart but does not lead back to the contact.
        keys = set(
            rows.filtered(lambda r: r.activity_type == "individual").mapped(
                "person_key"
            )
        )
        self.assertEqual(len(keys), 3)
        persons = (self.person | self.person_2 | self.person_3).ids
        self.assertFalse(keys & set(persons))

    def test_topics_count_a_consultation_once_per_topic(self):
        report = self._report(self.reporting)
        by_topic = dict(report._read_group(self._q1(), ["topic_ids"], ["__count"]))
        self.assertEqual(by_topic[self.topic_blue_card], 1)
        self.assertEqual(by_topic[self.topic_recognition], 1)
        label = report._fields["topic_ids"].string
        self.assertIn("once per topic", label)
