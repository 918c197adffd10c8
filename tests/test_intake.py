import re
from email.message import EmailMessage

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ExpatDeskCase


class TestMailAlias(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias = cls.env.ref("expat_service_desk.mail_alias_expat_desk")
        cls.alias.alias_domain_id = cls.env["mail.alias.domain"].create(
            {"name": "desk.example"}
        )
        cls.env["ir.config_parameter"].set_param(
            "expat_service_desk.intake_company_id", cls.org_a.id
        )
        cls.env["ir.config_parameter"].set_param(
            "expat_service_desk.intake_user_id", cls.advisor_a.id
        )

    def _mail(self, sender, subject, body, msg_id, in_reply_to=None, attachment=None):
        message = EmailMessage()
        message["From"] = sender
        message["To"] = "expat-desk@desk.example"
        message["Subject"] = subject
        message["Message-Id"] = msg_id
        if in_reply_to:
            message["In-Reply-To"] = in_reply_to
            message["References"] = in_reply_to
        message.set_content(body)
        if attachment:
            message.add_attachment(
                attachment[1],
                maintype="application",
                subtype="pdf",
                filename=attachment[0],
            )
        thread_id = (
            self.env["mail.thread"].sudo().message_process(None, message.as_string())
        )
        return self.env["expat.case"].browse(thread_id)

    def test_new_sender_gets_a_contact_and_a_case(self):
        partners_before = self.env["res.partner"].search_count([])
        case = self._mail(
            '"Ana Souza" <ana.souza@example.com>',
            "Blue Card for my husband?",
            "Hello, can my husband work with my Blue Card?",
            "<ana-1@mail.example>",
            attachment=("marriage_certificate.pdf", b"%PDF-1.4 test"),
        )
        self.assertTrue(case)
        self.assertEqual(case.person_id.name, "Ana Souza")
        self.assertEqual(case.person_id.email_normalized, "ana.souza@example.com")
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before + 1)
        self.assertEqual(case.channel, "email")
        self.assertEqual(case.stage_id, self.stage_new)
        self.assertEqual(case.company_id, self.org_a)
        self.assertRegex(case.name, r"^ESD-\d{4}-\d{5}$")
        message = case.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertIn("my husband work", message.body)
        self.assertEqual(
            message.attachment_ids.mapped("name"), ["marriage_certificate.pdf"]
        )
        activity = case.activity_ids
        self.assertEqual(activity.user_id, self.advisor_a)
        self.assertIn("Blue Card for my husband", activity.summary)

    def test_known_sender_in_other_capitalisation_is_matched(self):
        partners_before = self.env["res.partner"].search_count([])
        case = self._mail(
            "P. Raman <  PRIYA.Raman@Example.COM >",
            "Permit renewal",
            "My permit expires soon.",
            "<priya-1@mail.example>",
        )
        self.assertEqual(case.person_id, self.person)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)

    def test_reply_lands_in_the_existing_case(self):
        case = self._mail(
            "priya.raman@example.com",
            "Permit renewal",
            "First mail",
            "<priya-2@mail.example>",
        )
        cases_before = self.env["expat.case"].search_count([])
        reply = self._mail(
            "priya.raman@example.com",
            "Re: Permit renewal",
            "Here is the document you asked for.",
            "<priya-3@mail.example>",
            in_reply_to="<priya-2@mail.example>",
        )
        self.assertEqual(reply, case)
        self.assertEqual(self.env["expat.case"].search_count([]), cases_before)
        self.assertIn("document you asked for", case.message_ids[0].body)

    def test_alias_name_can_be_changed_in_settings(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.expat_alias_name, "expat-desk")
        settings.expat_alias_name = "welcome"
        settings.execute()
        self.assertEqual(self.alias.alias_name, "welcome")


class TestDuplicates(ExpatDeskCase):
    def test_possible_duplicates_open_the_merge_wizard(self):
        twin = self.env["res.partner"].create(
            {"name": "Priya R.", "email": " Priya.Raman@example.com"}
        )
        other = self.env["res.partner"].create({"name": "Someone Else"})
        person = self.person.with_user(self.advisor_a)
        self.assertEqual(person.expat_duplicate_count, 1)
        self.assertEqual(other.with_user(self.advisor_a).expat_duplicate_count, 0)
        action = person.action_expat_merge_duplicates()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.advisor_a)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.partner_ids, self.person | twin)
        self.assertEqual(wizard.state, "selection")


@tagged("post_install", "-at_install")
class TestRequestForm(HttpCase):
    URL = "/expat-desk/request"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.topic = cls.env.ref("expat_service_desk.expat_topic_blue_card")
        cls.country = cls.env.ref("base.br")

    def _token(self):
        response = self.url_open(f"{self.URL}?lang=en")
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _post(self, token=None, files=None, **overrides):
        data = {
            "csrf_token": token if token is not None else self._token(),
            "name": "Lucía Gómez",
            "email": "lucia.gomez@example.com",
            "phone": "+49 211 555 0102",
            "nationality_id": str(self.country.id),
            "topic_id": str(self.topic.id),
            "message": "I would like advice on the <b>Blue Card</b>. "
            "<script>alert(1)</script>",
            "consent": "on",
            "company_website": "",
            "lang": "en",  # the form's hidden field (German is active in the demo)
        }
        data.update(overrides)
        data = {key: value for key, value in data.items() if value is not None}
        return self.url_open(self.URL, data=data, files=files)

    def _counts(self):
        return (
            self.env["expat.case"].search_count([]),
            self.env["res.partner"].with_context(active_test=False).search_count([]),
        )

    def test_form_page(self):
        other = self.env["res.company"].create(
            {"name": "Unrelated Subsidiary GmbH", "expat_joint_controller": False}
        )
        response = self.url_open(f"{self.URL}?lang=en")
        self.assertEqual(response.status_code, 200)
        for company in self.env["res.company"].search([]) - other:
            self.assertIn(company.name, response.text)
        self.assertNotIn(other.name, response.text)
        self.assertIn("36 months", response.text)
        self.assertIn('name="company_website"', response.text)
        self.assertIn(self.topic.name, response.text)

    def test_control_characters_are_dropped(self):
        """A NUL byte cannot be stored: the request is taken without it
        (before, the visitor saw PostgreSQL's own error)."""
        response = self._post(name="Null\x00 Byte", message="Hello\x00 desk\nline 2")
        self.assertEqual(response.status_code, 200)
        case = self.env["expat.case"].search([], order="id desc", limit=1)
        self.assertEqual(case.person_id.name, "Null Byte")
        self.assertIn("Hello desk", case.description)

    def test_valid_request_creates_a_case(self):
        before = self._counts()
        response = self._post()
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you", response.text)
        case = self.env["expat.case"].search([], order="id desc", limit=1)
        self.assertEqual(self._counts(), (before[0] + 1, before[1] + 1))
        self.assertEqual(case.person_id.email, "lucia.gomez@example.com")
        self.assertEqual(case.channel, "web_form")
        self.assertEqual(case.legal_basis, "consent")
        self.assertEqual(case.consent_date, fields.Date.context_today(case))
        self.assertEqual(case.topic_ids, self.topic)
        self.assertEqual(case.nationality_id, self.country)
        self.assertEqual(
            case.stage_id, self.env.ref("expat_service_desk.expat_stage_new")
        )
        self.assertIn("&lt;script&gt;", case.description)
        self.assertNotIn("<script>", case.description)
        self.assertIn("&lt;b&gt;Blue Card&lt;/b&gt;", case.description)
        self.assertTrue(case.activity_ids)
        # The same person again: matched, not duplicated.
        self._post(email="LUCIA.GOMEZ@example.com ")
        self.assertEqual(self._counts(), (before[0] + 2, before[1] + 1))

    def test_attachment_is_kept_and_size_is_limited(self):
        before = self._counts()
        response = self._post(
            files={"attachment": ("diploma.pdf", b"%PDF-1.4 diploma")}
        )
        self.assertEqual(response.status_code, 200)
        case = self.env["expat.case"].search([], order="id desc", limit=1)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "expat.case"), ("res_id", "=", case.id)]
        )
        self.assertEqual(attachment.name, "diploma.pdf")
        big = b"0" * (10 * 1024 * 1024 + 1)
        response = self._post(files={"attachment": ("huge.pdf", big)})
        self.assertEqual(response.status_code, 400)
        self.assertIn("10 MB", response.text)
        self.assertEqual(self._counts()[0], before[0] + 1)

    def test_bad_input_is_refused_and_creates_nothing(self):
        before = self._counts()
        for label, overrides, expected in (
            ("no consent", {"consent": None}, "agree to the processing"),
            ("malformed e-mail", {"email": "lucia@"}, "valid e-mail"),
            ("two e-mails", {"email": "a@example.com, b@example.com"}, "valid e-mail"),
            ("oversized message", {"message": "x" * 10_001}, "too long"),
        ):
            with self.subTest(label):
                response = self._post(**overrides)
                self.assertEqual(response.status_code, 400)
                self.assertIn(expected, response.text)
                # The form is shown again with what was typed.
                self.assertIn("Lucía Gómez", response.text)
        self.assertEqual(self._counts(), before)

    def test_unknown_ids_are_bad_requests(self):
        before = self._counts()
        for overrides in (
            {"topic_id": "999999"},
            {"topic_id": "abc"},
            {"topic_id": None},
            {"nationality_id": "999999"},
            {"nationality_id": "-1"},
        ):
            with self.subTest(**{k: str(v) for k, v in overrides.items()}):
                response = self._post(**overrides)
                self.assertEqual(response.status_code, 400)
                self.assertIn("offered", response.text)
        self.assertEqual(self._counts(), before)
        # Refused posts count for the rate limit too.
        self.assertEqual(self._post().status_code, 429)
        self.assertEqual(self._counts(), before)

    def test_anonymous_post_needs_no_session_token(self):
        # As Odoo's own website forms: an anonymous visitor has nothing a
        # forged post could abuse (see TestRequestFormSession for the rest).
        before = self._counts()
        response = self._post(token="")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._counts()[0], before[0] + 1)

    def test_honeypot_looks_like_success_and_creates_nothing(self):
        before = self._counts()
        response = self._post(company_website="https://spam.example")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you", response.text)
        self.assertEqual(self._counts(), before)

    def test_rate_limit(self):
        token = self._token()
        statuses = [
            self._post(token=token, consent=None).status_code for _i in range(5)
        ]
        self.assertEqual(statuses, [400] * 5)
        before = self._counts()
        response = self._post(token=token)
        self.assertEqual(response.status_code, 429)
        self.assertEqual(self._counts(), before)

    def test_german_and_english(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env.ref("base.module_expat_service_desk")._update_translations(["de_DE"])
        german = self.url_open(self.URL, headers={"Accept-Language": "de-DE,de;q=0.9"})
        self.assertEqual(german.status_code, 200)
        self.assertIn("Ihre Anfrage", german.text)
        self.assertIn("Art. 26 DSGVO", german.text)
        english = self.url_open(self.URL, headers={"Accept-Language": "en-GB,en;q=0.9"})
        self.assertIn("Your request", english.text)
        self.assertNotIn("Ihre Anfrage", english.text)
        switched = self.url_open(
            f"{self.URL}?lang=de", headers={"Accept-Language": "en"}
        )
        self.assertIn("Ihre Anfrage", switched.text)
        # Errors come in the visitor's language too.
        response = self._post(lang="de", consent=None)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Bitte", response.text)

    def test_archived_topic_is_refused(self):
        self.topic.active = False
        before = self._counts()
        self.assertEqual(self._post().status_code, 400)
        self.assertEqual(self._counts(), before)

    def test_activity_goes_to_the_desk_not_the_public_user(self):
        self._post()
        case = self.env["expat.case"].search([], order="id desc", limit=1)
        user = case.activity_ids.user_id
        self.assertTrue(user)
        self.assertFalse(user.share)
        self.assertNotIn(self.env.ref("base.public_partner"), case.message_partner_ids)
        responsible = self.env["res.users"].create(
            {"name": "Intake Desk", "login": "esd_intake_desk"}
        )
        self.env["ir.config_parameter"].set_param(
            "expat_service_desk.intake_user_id", responsible.id
        )
        self._post(email="someone.else@example.com")
        case = self.env["expat.case"].search([], order="id desc", limit=1)
        self.assertEqual(case.activity_ids.user_id, responsible)

    def test_same_name_and_phone_but_other_address_is_not_filed_under_them(self):
        existing = self.env["res.partner"].create(
            {
                "name": "Lucía Gómez",
                "phone": "+49 211 555 0102",
                "email": "lucia.private@example.com",
            }
        )
        self._post()
        case = self.env["expat.case"].search([], order="id desc", limit=1)
        self.assertNotEqual(case.person_id, existing)
        self.assertEqual(case.person_id.email, "lucia.gomez@example.com")
