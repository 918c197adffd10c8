import re
from email.message import EmailMessage

from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import ExpatDeskCase


def load_german(env):
    env["res.lang"]._activate_lang("de_DE")
    env["ir.module.module"]._load_module_terms(["expat_service_desk"], ["de_DE"])


class AcknowledgementMixin:
    def _acknowledgements(self, case=None):
        """The acknowledgement mails created (captured by the mail mock)."""
        mails = self._new_mails.filtered(
            lambda m: m.model == "expat.case"
            and m.mail_message_id.message_type == "auto_comment"
        )
        return mails.filtered(lambda m: m.res_id == case.id) if case else mails


class TestAcknowledgementByMail(ExpatDeskCase, MockEmail, AcknowledgementMixin):
    """A request to the desk's alias is acknowledged to its sender, in the
    language of the mail, with the case reference; not for blacklisted
    senders, not beyond Odoo's loop protection, never for typed-in cases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_german(cls.env)
        alias = cls.env.ref("expat_service_desk.mail_alias_expat_desk")
        alias.alias_domain_id = cls.env["mail.alias.domain"].create(
            {"name": "desk.example"}
        )
        cls.env["ir.config_parameter"].set_param(
            "expat_service_desk.intake_company_id", cls.org_a.id
        )
        cls.org_a.email = "desk@org-a.example"

    def _mail(self, sender, subject, body, msg_id):
        message = EmailMessage()
        message["From"] = sender
        message["To"] = "expat-desk@desk.example"
        message["Subject"] = subject
        message["Message-Id"] = msg_id
        message.set_content(body)
        thread_id = (
            self.env["mail.thread"].sudo().message_process(None, message.as_string())
        )
        return self.env["expat.case"].browse(thread_id)

    def test_english_mail_gets_english_acknowledgement(self):
        with self.mock_mail_gateway():
            case = self._mail(
                '"Ana Souza" <ana.souza@example.com>',
                "Blue Card for my husband?",
                "Hello, can my husband work with my Blue Card? Thank you.",
                "<ana-ack-1@mail.example>",
            )
        self.assertEqual(case.request_lang, "en_US")
        mail = self._acknowledgements(case)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, case.person_id)
        self.assertEqual(
            mail.subject, f"Your request to the Expat Service Desk: {case.name}"
        )
        self.assertIn(case.name, mail.body_html)
        self.assertIn("What happens next", mail.body_html)
        self.assertIn("Ana Souza", mail.body_html)
        self.assertIn("auto-replied", mail.headers)
        self.assertIn("desk@org-a.example", mail.email_from)
        # The advisor sees it on the case.
        message = mail.mail_message_id
        self.assertEqual((message.model, message.res_id), ("expat.case", case.id))
        # And the sender received it (Odoo's mail server was asked to send it).
        self.assertTrue(
            any(
                "ana.souza@example.com" in " ".join(sent["email_to"])
                and case.name in sent["subject"]
                for sent in self._mails
            )
        )

    def test_german_mail_gets_german_acknowledgement(self):
        with self.mock_mail_gateway():
            case = self._mail(
                "jonas.weber@example.de",
                "Frage zur Blauen Karte",
                "Sehr geehrte Damen und Herren, ich habe eine Frage zu meinem "
                "Aufenthaltstitel. Können Sie mir bitte helfen? Mit freundlichen "
                "Grüßen",
                "<jonas-ack-1@mail.example>",
            )
        self.assertEqual(case.request_lang, "de_DE")
        mail = self._acknowledgements(case)
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            mail.subject, f"Ihre Anfrage an den Expat Service Desk: {case.name}"
        )
        self.assertIn("Wie es weitergeht", mail.body_html)
        self.assertIn(case.name, mail.body_html)
        self.assertNotIn("What happens next", mail.body_html)

    def test_blacklisted_sender_gets_no_acknowledgement(self):
        self.env["mail.blacklist"].sudo()._add("no.mail@example.com")
        with self.mock_mail_gateway():
            case = self._mail(
                "no.mail@example.com",
                "Question",
                "Please call me back about my visa.",
                "<blacklisted-1@mail.example>",
            )
        self.assertTrue(case, "the request still opens a case")
        self.assertFalse(self._acknowledgements(case))
        self.assertFalse(
            [m for m in self._mails if "no.mail@example.com" in " ".join(m["email_to"])]
        )

    def test_no_acknowledgement_beyond_odoos_loop_protection(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "mail.gateway.loop.threshold", 2
        )
        with self.mock_mail_gateway():
            cases = [
                self._mail(
                    "robot@example.com",
                    f"Ticket {index}",
                    "Your message has been received.",
                    f"<robot-{index}@mail.example>",
                )
                for index in range(4)
            ]
        opened = [case for case in cases if case]
        self.assertEqual(len(opened), 2, "Odoo's loop protection stops the rest")
        self.assertEqual(len(self._acknowledgements()), 2)

    def test_case_typed_in_by_an_advisor_is_not_acknowledged(self):
        with self.mock_mail_gateway():
            case = self._create_case(channel="email")
        self.assertTrue(case.person_id.email)
        self.assertFalse(self._acknowledgements())
        self.assertFalse(
            case.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        )


@tagged("post_install", "-at_install")
class TestAcknowledgementByForm(HttpCase, MockEmail, AcknowledgementMixin):
    URL = "/expat-desk/request"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_german(cls.env)
        cls.topic = cls.env.ref("expat_service_desk.expat_topic_blue_card")
        intake = cls.env["expat.case"]._expat_intake_company()
        intake.email = "desk@example.org"
        # Odoo's notifications (the to-do for the desk) need a sender domain.
        intake.alias_domain_id = cls.env["mail.alias.domain"].create(
            {"name": "desk.example"}
        )

    def _post(self, lang, email):
        page = self.url_open(f"{self.URL}?lang={lang}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(
            self.URL,
            data={
                "csrf_token": token,
                "lang": lang,
                "name": "Lucía Gómez",
                "email": email,
                "topic_id": str(self.topic.id),
                "message": "Blue Card",
                "consent": "on",
                "company_website": "",
            },
        )

    def _case(self, email):
        return self.env["expat.case"].search(
            [("person_id.email", "=", email)], order="id desc", limit=1
        )

    def test_form_in_german_and_in_english(self):
        with self.mock_mail_gateway():
            self.assertEqual(self._post("de", "lucia.de@example.com").status_code, 200)
            self.assertEqual(self._post("en", "lucia.en@example.com").status_code, 200)
        german_case = self._case("lucia.de@example.com")
        english_case = self._case("lucia.en@example.com")
        self.assertEqual(german_case.request_lang, "de_DE")
        self.assertEqual(english_case.request_lang, "en_US")
        german = self._acknowledgements(german_case)
        english = self._acknowledgements(english_case)
        self.assertEqual(len(german), 1)
        self.assertEqual(len(english), 1)
        self.assertIn(german_case.name, german.subject)
        self.assertIn("Wie es weitergeht", german.body_html)
        self.assertIn(english_case.name, english.subject)
        self.assertIn("What happens next", english.body_html)
        self.assertIn("auto-generated", german.headers)
        self.assertEqual(german.recipient_ids, german_case.person_id)

    def test_honeypot_and_invalid_posts_send_nothing(self):
        with self.mock_mail_gateway():
            page = self.url_open(f"{self.URL}?lang=en")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            self.url_open(
                self.URL,
                data={
                    "csrf_token": token,
                    "name": "Bot",
                    "email": "bot@example.com",
                    "topic_id": str(self.topic.id),
                    "message": "spam",
                    "consent": "on",
                    "company_website": "http://spam.example",
                },
            )
            self.url_open(
                self.URL,
                data={
                    "csrf_token": token,
                    "name": "No Consent",
                    "email": "noconsent@example.com",
                    "topic_id": str(self.topic.id),
                    "message": "hello",
                },
            )
        self.assertFalse(self._acknowledgements())
