"""Who is who: the failing inputs of issue 19, each asserting the right
person, through the alias (raw RFC 5322 messages), registrations, the
follow-up, the report, erasure and the duplicate finder."""

import re

from odoo.tools import email_normalize

from .common import ExpatDeskCase
from .common_identity import ALIAS, test_mail_data


class TestAliasIdentity(ExpatDeskCase):
    """Raw RFC 5322 messages through the desk's alias."""

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

    def _process(self, raw):
        """Deliver a raw message; the case opened or replied to, or None."""
        result = self.env["mail.thread"].sudo().message_process(None, raw)
        return self.env["expat.case"].browse(result) if result else None

    def _raw(self, sender, msg_id, subject="Question", headers=""):
        return (
            f"From: {sender}\r\nTo: {ALIAS}\r\nSubject: {subject}\r\n"
            f"Message-ID: {msg_id}\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"{headers}\r\nHello, I need advice.\r\n"
        )

    def _cases_of(self, address):
        return self.env["expat.case"].search(
            [("person_id.email_normalized", "=", address)]
        )

    def test_display_name_and_bare_address(self):
        # Failing input 1.
        case = self._process(
            self._raw('"Chen Wei" <chen.wei@example.org>', "<chen-1@mail.example>")
        )
        self.assertEqual(case.person_id.email, "chen.wei@example.org")
        self.assertEqual(case.person_id.name, "Chen Wei")
        message = case.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(message.author_id, case.person_id)

    def test_a_known_contact_is_not_changed(self):
        before = self.person.read(["name", "email"])
        case = self._process(
            self._raw("P. Raman <  PRIYA.Raman@Example.COM >", "<priya-9@mail.example>")
        )
        self.assertEqual(case.person_id, self.person)
        self.assertEqual(self.person.read(["name", "email"]), before)

    def test_family_mailbox_keeps_people_apart(self):
        # Failing input 3, through the alias.
        arjun = self.env["res.partner"].create(
            {"name": "Arjun Mehta", "email": "mehta.family@example.com"}
        )
        kavya_case = self._process(
            self._raw('"Kavya Mehta" <mehta.family@example.com>', "<k-1@mail.example>")
        )
        arjun_case = self._process(
            self._raw('"Arjun Mehta" <Mehta.Family@example.com>', "<a-1@mail.example>")
        )
        self.assertEqual(kavya_case.person_id.name, "Kavya Mehta")
        self.assertEqual(kavya_case.person_id.email, "mehta.family@example.com")
        self.assertNotEqual(kavya_case.person_id, arjun)
        self.assertEqual(arjun_case.person_id, arjun)
        self.assertEqual(arjun.name, "Arjun Mehta")
        message = kavya_case.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(message.author_id, kavya_case.person_id)

    def test_auto_replies_stop_at_the_loop_threshold(self):
        # Failing input 2: thirty automatic replies without any marker.
        self.assertEqual(self.env["expat.case"]._primary_email, "email")
        for i in range(30):
            self._process(
                self._raw(
                    "Out of Office <noreply@bot.example>",
                    f"<ooo-{i}@bot.example>",
                    subject="Out of office",
                )
            )
        cases = self._cases_of("noreply@bot.example")
        self.assertEqual(len(cases), 20)  # mail.gateway.loop.threshold
        self.assertEqual(len(cases.person_id), 1)
        self.assertEqual(len(cases.activity_ids), 20)

    def test_auto_submitted_and_own_addresses_open_no_case(self):
        before = self.env["expat.case"].search_count([])
        for value in (
            "auto-replied",
            "auto-generated",
            "Auto-Notified; owner-email=x@y",
        ):
            self._process(
                self._raw(
                    "Vacation <holiday@example.net>",
                    f"<auto-{value[:8]}@example.net>",
                    headers=f"Auto-Submitted: {value}\r\n",
                )
            )
        self._process(
            self._raw(
                "Bot <bot@example.net>",
                "<xar@example.net>",
                headers="X-Autoreply: yes\r\n",
            )
        )
        self._process(self._raw(f"Expat Desk <{ALIAS}>", "<own-1@desk.example>"))
        self._process(
            self._raw("Catchall <catchall@desk.example>", "<own-2@desk.example>")
        )
        self.assertEqual(self.env["expat.case"].search_count([]), before)
        # "Auto-Submitted: no" is a person writing.
        case = self._process(
            self._raw(
                "Ana Souza <ana@example.com>",
                "<ana-no@example.com>",
                headers="Auto-Submitted: no\r\n",
            )
        )
        self.assertTrue(case)

    def test_auto_reply_to_an_existing_case_is_still_filed(self):
        case = self._process(
            self._raw("priya.raman@example.com", "<p-first@mail.example>")
        )
        raw = self._raw(
            "priya.raman@example.com",
            "<p-auto@mail.example>",
            subject="Re: Question",
            headers="Auto-Submitted: auto-replied\r\n"
            "In-Reply-To: <p-first@mail.example>\r\n"
            "References: <p-first@mail.example>\r\n",
        )
        self.assertEqual(self._process(raw), case)

    def test_odoo_real_world_messages_store_bare_addresses(self):
        """Every message Odoo keeps for its own gateway tests
        (addons/test_mail/data/test_mail_data.py), through the alias."""
        if test_mail_data is None:
            self.skipTest("addons/test_mail is not available")
        opened = self.env["expat.case"]
        names = sorted(
            name
            for name, value in vars(test_mail_data).items()
            if name.startswith("MAIL_") and isinstance(value, str)
        )
        self.assertGreater(len(names), 15)
        for index, name in enumerate(names):
            template = getattr(test_mail_data, name)
            address = f"Sender.{index}@Example.ORG"
            values = {
                "return_path": f"<bounce-{index}@example.org>",
                "to": ALIAS,
                "email_to": ALIAS,
                "delivered_to": ALIAS,
                "cc": "",
                # With a display name, unless the template adds its own.
                "email_from": address
                if "<{email_from}>" in template
                else f'"Sender {index}" <{address}>',
                "subject": f"Real-world message {name}",
                "msg_id": f"<real-{index}@example.org>",
                "extra": "",
                "extra_html": "",
                "references": "",
                "pdf_mime": "application/pdf",
                "charset": "utf-8",
                "content": "Hello",
                "date": "Mon, 30 Nov 2026 09:00:00 +0000",
            }
            raw = re.sub(
                r"\{(\w+)\}",
                lambda m, values=values: values.get(m.group(1), m.group(0)),
                template,
            )
            # Each its own Message-ID (some constants share one), and the
            # desk's alias among the recipients of those with a fixed To.
            raw = re.sub(
                r"(?im)^Message-Id:.*$",
                f"Message-ID: <real-{index}-{name.lower()}@example.org>",
                raw,
            )
            raw = f"Delivered-To: {ALIAS}\n{raw}"
            with self.subTest(name):
                case = self._process(raw)
                if case:
                    opened |= case
                    person = case.person_id
                    self.assertEqual(person.email, email_normalize(person.email))
                    self.assertNotIn("<", person.email)
                    self.assertNotIn('"', person.name or "")
        # The bounces open none; the others do.
        self.assertGreaterEqual(len(opened), 12)
        emails = opened.person_id.mapped("email")
        self.assertTrue(any(e.startswith("sender.") for e in emails))
        self.assertIn("bruce@wayneenterprises.com", opened.person_id.mapped("email"))
        self.assertIn("Bruce Wayne", opened.person_id.mapped("name"))
