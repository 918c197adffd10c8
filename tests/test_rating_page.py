from lxml import html

from odoo import http
from odoo.tests import HttpCase, tagged

from .common_rating import ExpatRatingCase


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
