import re
from datetime import date, datetime

from lxml import html

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import ExpatDeskCase

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


class ExpatReportCase(ExpatDeskCase):
    """A constructed data set whose figures for the first quarter of 2026
    are known by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Partner = env["res.partner"]
        A, B = cls.org_a, cls.org_b
        cls.employer_2 = Partner.create(
            {
                "name": "Hildener Werkzeug KG",
                "is_company": True,
                "company_size": "10_49",
            }
        )
        cls.person_2 = Partner.create({"name": "Jean Dupont"})
        cls.person_3 = Partner.create({"name": "Mei Lin"})
        Contact = env["expat.company.contact"]
        Case = env["expat.case"]
        contact_1 = Contact.create({"partner_id": cls.employer.id, "company_id": A.id})
        contact_2 = Contact.create({"partner_id": cls.employer.id, "company_id": A.id})
        contact_3 = Contact.create(
            {
                "partner_id": cls.employer_2.id,
                "company_id": A.id,
                "shared_company_ids": [B.id],
            }
        )
        case_1 = Case.create(
            {
                "person_id": cls.person.id,
                "company_id": A.id,
                "employer_id": cls.employer.id,
                "nationality_id": env.ref("base.in").id,
                "residence_status": "blue_card",
            }
        )
        case_2 = Case.create({"person_id": cls.person.id, "company_id": A.id})
        case_3 = Case.create(
            {
                "person_id": cls.person_2.id,
                "company_id": A.id,
                "shared_company_ids": [B.id],
                "nationality_id": env.ref("base.fr").id,
            }
        )
        case_b = Case.create({"person_id": cls.person_3.id, "company_id": B.id})
        cls.topic_blue_card = env.ref("expat_service_desk.expat_topic_blue_card")
        cls.topic_recognition = env.ref("expat_service_desk.expat_topic_recognition")
        env["expat.consultation"].create(
            [
                cls._consultation(contact_1, "2026-01-01", 1.0),
                cls._consultation(contact_1, "2025-12-31", 3.0),
                cls._consultation(contact_2, "2026-03-31", 0.5),
                cls._consultation(contact_3, "2026-02-10", 1.5),
                cls._consultation(
                    case_1,
                    "2026-02-01",
                    2.0,
                    topic_ids=[cls.topic_blue_card.id, cls.topic_recognition.id],
                ),
                cls._consultation(case_1, "2026-04-01", 4.0),
                cls._consultation(case_2, "2026-03-01", 1.0),
                cls._consultation(case_3, "2026-01-15", 0.25),
                cls._consultation(case_b, "2026-02-20", 1.0),
            ]
        )
        # Archived dossiers still count: statistics are history.
        contact_2.action_archive()
        case_2.action_archive()

        def event(name, begin, company=A, attended=1, **vals):
            record = env["event.event"].create(
                {
                    "name": name,
                    "is_expat_desk": True,
                    "date_begin": begin,
                    "date_end": begin.replace(hour=23, minute=59),
                    "date_tz": "Europe/Berlin",
                    "company_id": company.id,
                    **vals,
                }
            )
            registrations = env["event.registration"].create(
                [{"event_id": record.id, "name": f"Guest {i}"} for i in range(attended)]
            )
            registrations.action_set_done()
            return record

        cls.event_1 = event("Infoabend", datetime(2026, 2, 5, 17, 0), attended=2)
        extra = env["event.registration"].create(
            [{"event_id": cls.event_1.id, "name": f"Other {i}"} for i in range(3)]
        )
        extra[0].action_set_done()
        extra[0].active = False  # archived registration: not counted
        extra[2].action_cancel()  # extra[1] registered, did not attend
        # 23:30 UTC on 31 December is 00:30 on 1 January in Düsseldorf.
        event("New Year", datetime(2025, 12, 31, 23, 30))
        # 22:30 UTC on 31 March is 00:30 on 1 April (summer time).
        event("Too late", datetime(2026, 3, 31, 22, 30))
        event("Cancelled", datetime(2026, 2, 6, 17, 0)).kanban_state = "cancel"
        event("Archived", datetime(2026, 2, 7, 17, 0)).active = False
        event("Staff party", datetime(2026, 2, 8, 17, 0), is_expat_desk=False)
        event(
            "Welcome Day B",
            datetime(2026, 3, 1, 9, 0),
            company=B,
            attended=3,
            co_organizer_company_ids=[A.id],
        )

    @classmethod
    def _consultation(cls, dossier, day, hours, **vals):
        field = "case_id" if dossier._name == "expat.case" else "company_contact_id"
        return {field: dossier.id, "date": day, "duration": hours, **vals}

    def _kpis(self, user=None, company_ids=None, period=Q1):
        report = self.env["expat.desk.report"]
        if user:
            report = report.with_user(user).with_context(
                allowed_company_ids=user.company_ids.ids
            )
        return report.get_kpis(*period, company_ids=company_ids)


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


class TestAnnualReport(ExpatReportCase):
    def _render(self, user, **vals):
        wizard_form = Form(
            self.env["expat.annual.report.wizard"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
        )
        wizard_form.date_from = Q1[0]
        wizard_form.date_to = Q1[1]
        for field, value in vals.items():
            setattr(wizard_form, field, value)
        wizard = wizard_form.save()
        action = wizard.action_print()
        self.assertEqual(
            action["report_name"], "expat_service_desk.report_expat_annual"
        )
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
            ._render_qweb_html(
                "expat_service_desk.action_report_expat_annual", wizard.ids
            )
        )
        return html.fromstring(content)

    def _headline(self, doc):
        return {
            row.get("data-figure"): (
                row.xpath(".//td[contains(@class, 'o_expat_value')]")[0].text_content(),
                row.xpath(".//td[contains(@class, 'o_expat_previous')]")[
                    0
                ].text_content(),
            )
            for row in doc.xpath(
                "//table[contains(@class, 'o_expat_headline')]//tr[@data-figure]"
            )
        }

    def test_figures_and_small_cell_suppression(self):
        doc = self._render(self.reporting)
        headline = self._headline(doc)
        self.assertEqual(headline["Companies advised"][0], "2")
        # Two individuals: fewer than three, suppressed.
        self.assertEqual(headline["Individuals advised"][0], "<3")
        self.assertEqual(headline["Consultations"][0], "6")
        self.assertEqual(headline["Hours of advice"][0], "6.2")
        self.assertEqual(headline["Events"][0], "2")
        self.assertEqual(headline["Event participants"][0], "3")
        # The previous quarter (Q4 2025) had one consultation: 31 December.
        self.assertEqual(headline["Consultations"][1], "1")
        text = doc.text_content()
        self.assertIn("Test Org A", text)
        self.assertNotIn("Test Org B", text)
        for person in (self.person, self.person_2, self.person_3):
            self.assertNotIn(person.name, text)
        # No cell of a breakdown table shows 1 or 2 individuals, and the
        # tables about individuals hide the consultations of such rows.
        tables = doc.xpath("//table[contains(@class, 'o_expat_breakdown')]")
        hidden_rows = 0
        for table in tables:
            title = table.getparent().xpath("./h5")[0].text_content()
            for row in table.xpath(".//tbody/tr"):
                cells = [td.text_content().strip() for td in row.xpath("./td")]
                self.assertNotIn(cells[4], ("1", "2"), cells)
                self.assertNotIn(cells[5], ("1", "2"), cells)
                if title.startswith("Individuals") and cells[4] == "<3":
                    self.assertEqual(cells[1:3], ["–", "–"], (title, cells))
                    hidden_rows += 1
        self.assertTrue(hidden_rows)

    def test_both_organisations_and_a_larger_count(self):
        doc = self._render(self.manager, company_ids=self.org_a | self.org_b)
        headline = self._headline(doc)
        self.assertEqual(headline["Individuals advised"][0], "3")
        self.assertEqual(headline["Event participants"][0], "6")

    def test_reporting_user_cannot_print_another_organisation(self):
        wizard = self.env["expat.annual.report.wizard"].create(
            {"date_from": Q1[0], "date_to": Q1[1], "company_ids": [self.org_b.id]}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.reporting).action_print()

    def test_previous_period_of_a_year_is_the_year_before(self):
        wizard = self.env["expat.annual.report.wizard"].new(
            {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}
        )
        self.assertEqual(
            wizard._previous_period(), (date(2024, 1, 1), date(2024, 12, 31))
        )
        wizard.date_from, wizard.date_to = Q1
        self.assertEqual(
            wizard._previous_period(), (date(2025, 10, 1), date(2025, 12, 31))
        )
        wizard.date_from, wizard.date_to = date(2026, 3, 10), date(2026, 3, 19)
        self.assertEqual(
            wizard._previous_period(), (date(2026, 2, 28), date(2026, 3, 9))
        )

    def test_headline_is_get_kpis_with_an_event_nobody_attended(self):
        """The annual report's headline figures are get_kpis' for the same
        period and organisations, and an event nobody attended counts as an
        event in both and in the report's rows."""
        nobody_came = self.env["event.event"].create(
            {
                "name": "Nobody came",
                "is_expat_desk": True,
                "date_begin": datetime(2026, 3, 10, 17, 0),
                "date_end": datetime(2026, 3, 10, 19, 0),
                "date_tz": "Europe/Berlin",
                "company_id": self.org_a.id,
            }
        )
        # Registered, but did not come.
        self.env["event.registration"].create(
            {"event_id": nobody_came.id, "name": "No-show"}
        )
        labels = {
            "Companies advised": "companies_advised",
            "Individuals advised": "individuals_advised",
            "Consultations": "consultations",
            "Hours of advice": "hours",
            "Events": "events",
            "Event participants": "event_participants",
            "Satisfaction ratings": "ratings",
        }
        Wizard = self.env["expat.annual.report.wizard"]
        # Infoabend, New Year and Nobody came for A; Welcome Day B for B.
        for user, companies, events in (
            (self.reporting, self.org_a, 3),
            (self.manager, self.org_a | self.org_b, 4),
        ):
            with self.subTest(user=user.login):
                kpis = self._kpis(user, companies.ids)
                self.assertEqual(kpis["events"], events)
                headline = self._headline(self._render(user, company_ids=companies))
                self.assertEqual(set(headline), {*labels, "Average satisfaction (1–5)"})
                for label, key in labels.items():
                    value = kpis[key]
                    if key == "hours":
                        shown = f"{value:.1f}"
                    elif key in (
                        "individuals_advised",
                        "event_participants",
                        "ratings",
                    ):
                        shown = Wizard._small(value)
                    else:
                        shown = str(value)
                    self.assertEqual(headline[label][0], shown, label)
                # The report's rows give the same figures.
                rows = dict(
                    self.env["expat.desk.report"]
                    .with_user(user)
                    .with_context(allowed_company_ids=companies.ids)
                    ._read_group(
                        [
                            ("date", ">=", Q1[0]),
                            ("date", "<=", Q1[1]),
                            ("company_id", "in", companies.ids),
                        ],
                        ["activity_type"],
                        ["__count"],
                    )
                )
                self.assertEqual(rows["event_held"], kpis["events"])
                self.assertEqual(rows["event"], kpis["event_participants"])
                self.assertEqual(
                    rows["company"] + rows["individual"], kpis["consultations"]
                )
