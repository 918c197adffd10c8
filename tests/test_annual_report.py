from datetime import date, datetime

from lxml import html

from odoo.exceptions import AccessError
from odoo.tests import Form

from .common_report import Q1, ExpatReportCase

ANNUAL_REPORT = "report.expat_service_desk.report_expat_annual"


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
                "expat_service_desk.action_report_expat_annual",
                wizard.ids,
                data=action["data"],
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
        report = self.env[ANNUAL_REPORT]
        self.assertEqual(
            report._previous_period(date(2025, 1, 1), date(2025, 12, 31)),
            (date(2024, 1, 1), date(2024, 12, 31)),
        )
        self.assertEqual(
            report._previous_period(*Q1), (date(2025, 10, 1), date(2025, 12, 31))
        )
        self.assertEqual(
            report._previous_period(date(2026, 3, 10), date(2026, 3, 19)),
            (date(2026, 2, 28), date(2026, 3, 9)),
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
        report = self.env[ANNUAL_REPORT]
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
                        shown = report._small(value)
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
