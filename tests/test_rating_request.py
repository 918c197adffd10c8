from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import Form

from .common_rating import YEAR, ExpatRatingCase


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
