import json
from datetime import date, datetime

from lxml import html

from odoo.exceptions import AccessError

from .common_dashboard import DASHBOARD, PIVOT_VALUE
from .common_rating import YEAR, ExpatRatingCase


class TestRatingFigures(ExpatRatingCase):
    """Ratings of two organisations in 2026 whose figures are known."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        # The organisations' days are Düsseldorf's.
        (cls.org_a | cls.org_b).partner_id.tz = "Europe/Berlin"

        def rated(value, when, company=None, **vals):
            person = Partner.create(
                {"name": f"Person {value} {when}", "email": "p@example.com"}
            )
            user = cls.advisor_b if company == cls.org_b else cls.advisor_a
            case = cls._create_case(user=user, person_id=person.id, **vals)
            case.stage_id = cls.stage_closed
            return cls._rate(case, value, when)

        cls.ratings_a = (
            rated(5, datetime(2026, 2, 1, 10, 0))
            | rated(3, datetime(2026, 3, 1, 10, 0), municipality_id=cls.ratingen.id)
            | rated(1, datetime(2026, 6, 1, 10, 0))
            # shared with B: counts for A, the owner, only
            | rated(5, datetime(2026, 7, 1, 10, 0), shared_company_ids=[cls.org_b.id])
        )
        cls.rating_b = rated(5, datetime(2026, 4, 1, 10, 0), company=cls.org_b)
        # 23:30 UTC on 31 December 2025 is 1 January 2026 in Düsseldorf.
        cls.new_year = rated(3, datetime(2025, 12, 31, 23, 30))
        # 23:30 UTC on 31 December 2026 is already 2027.
        cls.too_late = rated(1, datetime(2026, 12, 31, 23, 30))
        # Asked but not answered: not a rating.
        unanswered = cls._create_case(
            person_id=Partner.create({"name": "Silent", "email": "s@example.com"}).id
        )
        unanswered.stage_id = cls.stage_closed

    def _kpis(self, user, company_ids, period=YEAR):
        return (
            self.env["expat.desk.report"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
            .get_kpis(*period, company_ids=company_ids)
        )

    def test_figures_for_two_organisations(self):
        kpis_a = self._kpis(self.manager, self.org_a.ids)
        self.assertEqual(kpis_a["ratings"], 5)  # with New Year
        self.assertAlmostEqual(kpis_a["satisfaction"], 3.4)  # (5+3+1+5+3) / 5
        kpis_b = self._kpis(self.manager, self.org_b.ids)
        self.assertEqual((kpis_b["ratings"], kpis_b["satisfaction"]), (1, 5.0))
        both = self._kpis(self.manager, (self.org_a | self.org_b).ids)
        self.assertEqual(both["ratings"], 6)
        self.assertAlmostEqual(both["satisfaction"], 22 / 6)
        self.assertEqual(self._kpis(self.advisor_b, None)["ratings"], 1)
        none = self._kpis(
            self.manager, self.org_a.ids, (date(2026, 8, 1), date(2026, 8, 31))
        )
        self.assertEqual((none["ratings"], none["satisfaction"]), (0, 0.0))
        with self.assertRaises(AccessError):
            self._kpis(self.advisor_b, self.org_a.ids)

    def test_report_rows_give_the_same_figures(self):
        for user in (self.reporting, self.advisor_b):
            with self.subTest(user=user.login):
                kpis = self._kpis(user, None)
                report = (
                    self.env["expat.desk.report"]
                    .with_user(user)
                    .with_context(allowed_company_ids=user.company_ids.ids)
                )
                domain = [
                    ("date", ">=", YEAR[0]),
                    ("date", "<=", YEAR[1]),
                    ("activity_type", "=", "rating"),
                ]
                ((count, average),) = report._read_group(
                    domain, [], ["__count", "rating:avg"]
                )
                self.assertEqual(count, kpis["ratings"])
                self.assertAlmostEqual(average, kpis["satisfaction"])
                rows = report.search(domain)
                # Nothing that leads to the person or the advisor.
                self.assertFalse(any(rows.mapped("person_key")))
                self.assertFalse(rows.user_id)
                self.assertFalse(rows.organisation_id)
                # The rating is not a consultation.
                self.assertEqual(set(rows.mapped("duration")), {0.0})
        by_municipality = dict(
            self.env["expat.desk.report"]
            .with_user(self.manager)
            ._read_group(
                [("activity_type", "=", "rating")], ["municipality_id"], ["rating:avg"]
            )
        )
        self.assertEqual(by_municipality[self.ratingen], 3.0)

    def test_annual_report_shows_ratings_with_small_cell_suppression(self):
        def headline(companies):
            wizard = (
                self.env["expat.annual.report.wizard"]
                .with_user(self.manager)
                .create(
                    {
                        "date_from": YEAR[0],
                        "date_to": YEAR[1],
                        "company_ids": [(6, 0, companies.ids)],
                    }
                )
            )
            data = self.env[
                "report.expat_service_desk.report_expat_annual"
            ]._get_report_values(wizard.ids, wizard._report_params())
            # Ratings are no consultations: the breakdown tables stay empty.
            self.assertFalse([t["title"] for t in data["tables"] if t["lines"]])
            return {
                line["label"]: (line["value"], line["previous"])
                for line in data["headline"]
            }

        lines_a = headline(self.org_a)
        self.assertEqual(lines_a["Satisfaction ratings"], ("5", "0"))
        self.assertEqual(lines_a["Average satisfaction (1–5)"], ("3.4", "–"))
        # B has a single rating: "<3" and no average.
        lines_b = headline(self.org_b)
        self.assertEqual(lines_b["Satisfaction ratings"], ("<3", "0"))
        self.assertEqual(lines_b["Average satisfaction (1–5)"], ("–", "–"))
        # Printed as well.
        context = {"allowed_company_ids": self.manager.company_ids.ids}
        wizard = (
            self.env["expat.annual.report.wizard"]
            .with_user(self.manager)
            .with_context(**context)
            .create(
                {
                    "date_from": YEAR[0],
                    "date_to": YEAR[1],
                    "company_ids": self.org_b.ids,
                }
            )
        )
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            .with_context(**context)
            ._render_qweb_html(
                "expat_service_desk.action_report_expat_annual", wizard.ids
            )
        )
        doc = html.fromstring(content)
        row = doc.xpath("//tr[@data-figure='Satisfaction ratings']")[0]
        self.assertEqual(row.xpath(".//td")[1].text_content(), "<3")
        row = doc.xpath("//tr[@data-figure='Average satisfaction (1–5)']")[0]
        self.assertEqual(row.xpath(".//td")[1].text_content(), "–")

    def test_dashboard_reads_the_same_figures_and_suppresses_small_counts(self):
        data = json.loads(self.env.ref(DASHBOARD).spreadsheet_data)
        sheets = {sheet["name"]: sheet for sheet in data["sheets"]}
        cells = sheets["Data"]["cells"]
        pivot = data["pivots"]["1"]
        (date_match,) = [
            m for m in pivot["fieldMatching"].values() if m["type"] == "date"
        ]
        report = (
            self.env["expat.desk.report"]
            .with_user(self.advisor_b)
            .with_context(allowed_company_ids=self.org_b.ids)
        )

        def value(cell):
            ((pivot_id, measure_id, args),) = PIVOT_VALUE.findall(cells[cell])
            self.assertEqual(pivot_id, "1")
            field, activity = args.strip(",").replace('"', "").split(",")
            measure = next(m for m in pivot["measures"] if m["id"] == measure_id)
            spec = (
                "__count"
                if measure["fieldName"] == "__count"
                else f"{measure['fieldName']}:avg"
            )
            domain = [
                (date_match["chain"], ">=", YEAR[0]),
                (date_match["chain"], "<=", YEAR[1]),
                (field, "=", activity),
            ]
            return report.formatted_read_group(domain, [], [spec])[0][spec] or 0

        kpis = self._kpis(self.advisor_b, None)
        self.assertEqual(value("B10"), kpis["ratings"])
        self.assertEqual(value("B11"), kpis["satisfaction"])
        # The dashboard shows the suppressed cells, not the raw counts.
        self.assertEqual(cells["B12"], '=IF(AND(B10>0,B10<3),"<3",B10)')
        self.assertEqual(cells["B13"], '=IF(B10<3,"–",ROUND(B11,1))')
        shown = {
            content
            for content in sheets["Dashboard"]["cells"].values()
            if content.startswith("=Data!")
        }
        self.assertLessEqual({"=Data!B12", "=Data!B13"}, shown)
        self.assertFalse({"=Data!B10", "=Data!B11"} & shown)

    def test_anonymisation_clears_feedback_and_person_keeps_the_value(self):
        case = self._create_case()
        case.stage_id = self.stage_closed
        rating = self._rate(
            case, 1, datetime(2026, 9, 1, 10, 0), "Priya waited three weeks"
        )
        self.assertIn("Priya", rating.res_name)
        # The Art. 15 export lists the rating with the comment.
        document = self.env["expat.data.export"]._document(self.person)
        (exported,) = document["records"]["rating.rating"]
        self.assertEqual(exported["feedback"], "Priya waited three weeks")
        before = self._kpis(self.manager, self.org_a.ids)
        self.person.with_user(self.manager).action_expat_anonymize()
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertFalse(rating.feedback)
        self.assertFalse(rating.partner_id)
        self.assertEqual(rating.rating, 1)
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rated_on, datetime(2026, 9, 1, 10, 0))
        self.assertEqual(self._kpis(self.manager, self.org_a.ids), before)
        self.env.cr.execute(
            "SELECT count(*) FROM rating_rating WHERE id = %s"
            " AND (feedback ILIKE %s OR res_name ILIKE %s OR partner_id IS NOT NULL)",
            (rating.id, "%priya%", "%priya%"),
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.env.cr.execute(
            "SELECT count(*) FROM mail_message WHERE model = 'expat.case'"
            " AND res_id = %s AND body::text ILIKE %s",
            (case.id, "%priya%"),
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
