"""Who is who: the failing inputs of issue 19, each asserting the right
person, through the alias (raw RFC 5322 messages), registrations, the
follow-up, the report, erasure and the duplicate finder."""

import re
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config


@tagged("post_install", "-at_install")
class TestRequestFormIdentity(HttpCase):
    """The public form: session token, rate limits, and who files what
    (failing inputs 6, 7 and 8)."""

    URL = "/expat-desk/request"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.topic = cls.env.ref("expat_service_desk.expat_topic_blue_card")

    def _form(self, **overrides):
        data = {
            "name": "Lucía Gómez",
            "email": "lucia.gomez@example.com",
            "phone": "+49 211 555 0102",
            "topic_id": str(self.topic.id),
            "message": "Advice on the Blue Card, please.",
            "consent": "on",
            "company_website": "",
            "lang": "en",  # the form's hidden field (German is active in the demo)
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def _cases(self):
        return self.env["expat.case"].search_count([])

    def test_post_without_session_cookie_is_taken(self):
        # Failing input 6: the token was issued to a session the browser
        # did not keep (embedded form, blocked cookies, cached page).
        page = self.url_open(f"{self.URL}?lang=en")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        self.opener.cookies.clear()
        before = self._cases()
        response = self.url_open(self.URL, data=self._form(csrf_token=token))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you", response.text)
        self.assertEqual(self._cases(), before + 1)
        self.opener.cookies.clear()
        response = self.url_open(self.URL, data=self._form(email="x.y@example.com"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._cases(), before + 2)

    def test_logged_in_post_with_a_stale_token_keeps_what_was_typed(self):
        new_test_user(self.env, login="esd_form_user", groups="base.group_user")
        self.authenticate("esd_form_user", "esd_form_user")
        before = self._cases()
        response = self.url_open(
            f"{self.URL}?lang=en",
            data=self._form(csrf_token="stale", message="Meine Frage zur Blue Card"),
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("session has expired", response.text)
        self.assertIn("Lucía Gómez", response.text)
        self.assertIn("Meine Frage zur Blue Card", response.text)
        self.assertEqual(self._cases(), before)
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
        self.assertNotEqual(token, "stale")
        response = self.url_open(self.URL, data=self._form(csrf_token=token))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._cases(), before + 1)

    def test_limit_per_email_address_beside_the_one_per_client_address(self):
        # Failing input 7, with a proxy whose headers Odoo applies: each
        # visitor has their own address, one e-mail address has a limit.
        def post(client, email):
            headers = {"X-Forwarded-For": client, "X-Forwarded-Host": "desk.example"}
            return self.url_open(
                self.URL, data=self._form(email=email), headers=headers
            ).status_code

        with patch.dict(config.options, {"proxy_mode": True}):
            statuses = [post(f"203.0.113.{i}", "flood@example.com") for i in range(6)]
            self.assertEqual(statuses, [200] * 5 + [429])
            self.assertEqual(post("203.0.113.50", "other@example.com"), 200)

    def test_proxy_headers_not_applied_do_not_lock_everyone_out(self):
        # Failing input 7: proxy_mode on, but every post comes from the
        # proxy's loopback address.
        before = self._cases()
        with (
            patch.dict(config.options, {"proxy_mode": True}),
            self.assertLogs(
                "odoo.addons.expat_service_desk.models.expat_intake_attempt", "WARNING"
            ) as logs,
        ):
            statuses = [
                self.url_open(
                    self.URL, data=self._form(email=f"visitor{i}@example.com")
                ).status_code
                for i in range(8)
            ]
        self.assertEqual(statuses, [200] * 8)
        self.assertEqual(self._cases(), before + 8)
        self.assertIn("proxy_mode is on", "\n".join(logs.output))
        self.assertEqual(len(logs.output), 1)

    def test_name_and_phone_do_not_open_a_clients_file(self):
        # Failing input 8.
        client = self.env["res.partner"].create(
            {"name": "Lucía Gómez", "phone": "+49 211 555 0102"}
        )
        response = self.url_open(
            self.URL, data=self._form(email="stranger@evil.example")
        )
        self.assertEqual(response.status_code, 200)
        case = self.env["expat.case"].search([], order="id desc", limit=1)
        self.assertNotEqual(case.person_id, client)
        self.assertEqual(case.person_id.email, "stranger@evil.example")
        self.assertFalse(client.email)
        self.assertEqual(
            client.with_user(self.env.ref("base.user_admin")).expat_duplicate_count, 1
        )

    def test_family_mailbox_through_the_form(self):
        # Failing input 3, through the request form.
        arjun = self.env["res.partner"].create(
            {"name": "Arjun Mehta", "email": "mehta.family@example.com"}
        )
        for name in ("Kavya Mehta", "Arjun  MEHTA"):
            response = self.url_open(
                self.URL, data=self._form(name=name, email="Mehta.Family@example.com")
            )
            self.assertEqual(response.status_code, 200)
        cases = self.env["expat.case"].search([], order="id desc", limit=2)
        self.assertEqual(cases[0].person_id, arjun)
        kavya = cases[1].person_id
        self.assertNotEqual(kavya, arjun)
        self.assertEqual(
            (kavya.name, kavya.email), ("Kavya Mehta", "mehta.family@example.com")
        )
        self.assertEqual(arjun.name, "Arjun Mehta")
