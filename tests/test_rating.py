import json
from datetime import date, datetime

from lxml import html

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, tagged

from .common import ExpatDeskCase
from .test_dashboard import DASHBOARD, PIVOT_VALUE

TEMPLATE = "expat_service_desk.mail_template_expat_case_rating"
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


class ExpatRatingCase(ExpatDeskCase):
    def _requests(self, case):
        """The rating requests posted on the case."""
        return self.env["mail.message"].search(
            [
                ("model", "=", "expat.case"),
                ("res_id", "=", case.id),
                ("subject", "ilike", "satisf"),
            ]
        ) | self.env["mail.message"].search(
            [
                ("model", "=", "expat.case"),
                ("res_id", "=", case.id),
                ("subject", "ilike", "zufrieden"),
            ]
        )

    def _ratings(self, case):
        return self.env["rating.rating"].search(
            [("res_model", "=", "expat.case"), ("res_id", "=", case.id)]
        )

    @classmethod
    def _rate(cls, case, value, rated_on, feedback=None):
        """The person rates the case (as Odoo's rating page does), on
        ``rated_on`` (UTC)."""
        token = case.sudo()._rating_get_access_token()
        rating = case.sudo().rating_apply(value, token=token, feedback=feedback)
        rating.rated_on = rated_on
        return rating


class TestRatingRequest(ExpatRatingCase):
    def test_request_on_closing_and_not_on_reclosing(self):
        case = self._create_case()
        self.assertFalse(self._ratings(case))
        case.with_user(self.advisor_a).stage_id = self.stage_in_progress
        self.assertFalse(self._ratings(case), "only closing asks")
        case.with_user(self.advisor_a).stage_id = self.stage_closed
        rating = self._ratings(case)
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.partner_id, self.person)
        self.assertEqual(rating.rated_partner_id, self.advisor_a.partner_id)
        self.assertFalse(rating.consumed)
        request = self._requests(case)
        self.assertEqual(len(request), 1)
        self.assertIn(case.name, request.subject)
        self.assertIn(f"/rate/{rating.access_token}/5", str(request.body))
        self.assertIn(self.person, request.partner_ids)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", request.id)])
        self.assertEqual(mail.recipient_ids, self.person)
        self.assertEqual(mail.state, "outgoing")
        # Reopened and closed again: not asked a second time.
        case.with_user(self.advisor_a).stage_id = self.stage_in_progress
        case.with_user(self.advisor_a).stage_id = self.stage_closed
        self.assertEqual(self._ratings(case), rating)
        self.assertEqual(self._requests(case), request)

    def test_in_the_persons_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env.ref("base.module_expat_service_desk")._update_translations(["de_DE"])
        self.person.lang = "de_DE"
        case = self._create_case()
        case.with_user(self.advisor_a).stage_id = self.stage_closed
        request = self._requests(case)
        self.assertEqual(len(request), 1)
        self.assertTrue(request.subject.startswith("Wie zufrieden"), request.subject)
        self.assertIn("Ihr Fall", str(request.body))
        self.person.lang = "en_US"
        other = self._create_case()
        other.with_user(self.advisor_a).stage_id = self.stage_closed
        self.assertTrue(self._requests(other).subject.startswith("How satisfied"))

    def test_no_request_when_the_person_cannot_or_should_not_be_asked(self):
        Partner = self.env["res.partner"]
        no_email = Partner.create({"name": "Ana Souza"})
        blacklisted = Partner.create({"name": "Li Wei", "email": "li.wei@example.com"})
        self.env["mail.blacklist"]._add("li.wei@example.com")
        withdrawn = Partner.create({"name": "Omar Haddad", "email": "omar@example.com"})
        withdrawn_case = self._create_case(person_id=withdrawn.id)
        withdrawn_case.sudo().consent_withdrawn_date = date(2026, 1, 5)
        anonymised = Partner.create(
            {"name": "Sara Nilsson", "email": "sara@example.com"}
        )
        anonymised_case = self._create_case(person_id=anonymised.id)
        cases = (
            self._create_case(person_id=no_email.id)
            | self._create_case(person_id=blacklisted.id)
            # consent withdrawn on another case of the same person
            | self._create_case(person_id=withdrawn.id)
            | anonymised_case
        )
        anonymised_case.sudo().anonymized = True
        cases.with_user(self.advisor_a).write({"stage_id": self.stage_closed.id})
        for case in cases:
            self.assertFalse(self._ratings(case), case.person_id.name)
            self.assertFalse(self._requests(case), case.person_id.name)
        # A case typed in as closed (history) is not asked either.
        closed = self._create_case(stage_id=self.stage_closed.id)
        self.assertFalse(self._ratings(closed))

    def test_rating_on_the_form_and_chatter(self):
        case = self._create_case()
        case.with_user(self.advisor_a).stage_id = self.stage_closed
        rating = self._rate(case, 5, datetime(2026, 5, 4, 10, 0), "Very helpful")
        case = case.with_user(self.advisor_a)
        self.assertEqual(case.rating_count, 1)
        self.assertEqual(case.rating_avg, 5)
        self.assertEqual(case.rating_last_value, 5)
        message = case.message_ids.filtered(lambda m: m.rating_ids == rating)
        self.assertEqual(message.author_id, self.person)
        self.assertIn("Very helpful", str(message.body))
        action = case.action_open_ratings()
        self.assertEqual(self.env["rating.rating"].search(action["domain"]), rating)
        form = Form(case)
        self.assertEqual(form.rating_count, 1)
        arch = case.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_open_ratings"', arch)


class TestRatingAccess(ExpatRatingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_a = cls._create_case()
        cls.case_shared = cls._create_case(shared_company_ids=[cls.org_b.id])
        cls.case_a.stage_id = cls.stage_closed
        cls.case_shared.stage_id = cls.stage_closed
        cls.rating_a = cls._rate(cls.case_a, 5, datetime(2026, 5, 4), "Great")
        cls.rating_shared = cls._rate(cls.case_shared, 3, datetime(2026, 5, 4))
        cls.other_rating = cls.env["rating.rating"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "res_id": cls.employer.id,
                "rating": 3,
                "consumed": True,
            }
        )

    def _visible(self, user):
        return self.env["rating.rating"].with_user(user).search([])

    def test_ratings_are_visible_like_the_case(self):
        self.assertLessEqual(
            self.rating_a | self.rating_shared, self._visible(self.advisor_a)
        )
        visible_b = self._visible(self.advisor_b)
        self.assertIn(self.rating_shared, visible_b)
        self.assertNotIn(self.rating_a, visible_b)
        with self.assertRaises(AccessError):
            self.rating_a.with_user(self.advisor_b).read(["feedback"])
        self.assertEqual(
            self.rating_a.with_user(self.advisor_a).read(["feedback"])[0]["feedback"],
            "Great",
        )

    def test_reporting_users_and_other_employees_see_only_figures(self):
        employee = self.env["res.users"].create(
            {"name": "Plain Employee", "login": "esd_rating_plain"}
        )
        for user in (self.reporting, employee):
            with self.subTest(user=user.login):
                visible = self._visible(user)
                self.assertFalse(visible.filtered("expat_case_id"))
                # Ratings of other apps stay as Odoo has them.
                self.assertIn(self.other_rating, visible)
                with self.assertRaises(AccessError):
                    self.rating_a.with_user(user).read(["feedback"])
        kpis = (
            self.env["expat.desk.report"]
            .with_user(self.reporting)
            .with_context(allowed_company_ids=self.org_a.ids)
            .get_kpis(*YEAR)
        )
        self.assertEqual(kpis["ratings"], 2)
        self.assertEqual(kpis["satisfaction"], 4.0)


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
            data = wizard._report_data()
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


@tagged("post_install", "-at_install")
class TestRatingPage(ExpatRatingCase, HttpCase):
    """The person rates on Odoo's own rating page, over HTTP."""

    def test_rate_and_give_feedback(self):
        case = self._create_case()
        case.with_user(self.advisor_a).stage_id = self.stage_closed
        rating = self._ratings(case)
        token = rating.access_token
        self.authenticate(None, None)
        page = self.url_open(f"/rate/{token}/5")
        self.assertEqual(page.status_code, 200)
        doc = html.fromstring(page.content)
        (form,) = [
            f for f in doc.xpath("//form") if f.get("action", "").startswith("/rate")
        ]
        self.assertEqual(form.get("action"), f"/rate/{token}/submit_feedback")
        self.assertTrue(form.xpath(".//textarea[@name='feedback']"))
        self.assertFalse(rating.consumed, "opening the page alone does not rate")
        response = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={
                "rate": 5,
                "feedback": "Clear advice on the Blue Card",
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        rating.invalidate_recordset()
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Clear advice on the Blue Card")
        self.assertTrue(rating.rated_on)
        case.invalidate_recordset()
        self.assertEqual(case.rating_last_value, 5)
        message = case.message_ids.filtered(lambda m: rating in m.rating_ids)
        self.assertEqual(message.author_id, self.person)
        kpis = (
            self.env["expat.desk.report"]
            .with_user(self.advisor_a)
            .get_kpis(rating.rated_on.date(), rating.rated_on.date())
        )
        self.assertEqual((kpis["ratings"], kpis["satisfaction"]), (1, 5.0))
        # A wrong token finds nothing.
        self.assertEqual(self.url_open("/rate/not-a-token/5").status_code, 404)
