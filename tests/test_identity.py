"""Who is who: the failing inputs of issue 19, each asserting the right
person, through the alias (raw RFC 5322 messages), registrations, the
follow-up, the report, erasure and the duplicate finder."""

import importlib.util
import re
from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import config, email_normalize
from odoo.tools.misc import file_path

from .common import ExpatDeskCase
from .test_event import ExpatEventCase

try:
    from odoo.addons.test_mail.data import test_mail_data
except ImportError:  # not on the addons path: read the file, if it is there
    try:
        _spec = importlib.util.spec_from_file_location(
            "test_mail_data", file_path("test_mail/data/test_mail_data.py")
        )
        test_mail_data = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(test_mail_data)
    except (FileNotFoundError, ImportError):
        test_mail_data = None

ALIAS = "expat-desk@desk.example"


class TestIdentityRules(ExpatDeskCase):
    """res.partner._expat_identify_person and _expat_find_or_create_person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.arjun = Partner.create(
            {"name": "Arjun Mehta", "email": "mehta.family@example.com"}
        )
        cls.phone_only = Partner.create(
            {"name": "Olena Kovalenko", "phone": "+49 211 555 0101"}
        )

    def test_names_are_folded(self):
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner._expat_normalize_name("  José  GARCÍA "), "jose garcia"
        )
        self.assertEqual(
            Partner._expat_normalize_name("Søren Ørsted-Łukasz"),
            ("soren orsted lukasz"),
        )
        self.assertEqual(Partner._expat_normalize_name(False), "")
        self.assertFalse(Partner._expat_names_differ("García, José", "jose garcia"))
        self.assertFalse(Partner._expat_names_differ("P. Raman", "Priya Raman"))
        self.assertFalse(Partner._expat_names_differ("Raman", "Priya Raman"))
        self.assertTrue(Partner._expat_names_differ("Kavya Mehta", "Arjun Mehta"))
        self.assertTrue(Partner._expat_names_differ("Out of Office", "Arjun Mehta"))

    def test_email_identifies_unless_the_name_clearly_differs(self):
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner._expat_identify_person(email=" PRIYA.raman@EXAMPLE.com"),
            self.person,
        )
        self.assertEqual(
            Partner._expat_identify_person(
                email='"P. Raman" <Priya.Raman@example.com>'
            ),
            self.person,
        )
        # Failing input 3: a family mailbox.
        self.assertFalse(
            Partner._expat_identify_person(
                name="Kavya Mehta", email="mehta.family@example.com"
            )
        )
        self.assertFalse(
            Partner._expat_identify_person(
                email='"Kavya Mehta" <mehta.family@example.com>'
            )
        )
        kavya = Partner.create(
            {"name": "Kavya Mehta", "email": "mehta.family@example.com"}
        )
        self.assertEqual(
            Partner._expat_identify_person(
                name="KAVYA  MEHTA", email="mehta.family@example.com"
            ),
            kavya,
        )
        self.assertEqual(
            Partner._expat_identify_person(
                name="Arjun Mehta", email="mehta.family@example.com"
            ),
            self.arjun,
        )

    def test_name_and_phone_never_beat_an_email_address(self):
        Partner = self.env["res.partner"]
        # Without an e-mail address, name and phone identify ...
        self.assertEqual(
            Partner._expat_identify_person(
                name=" olena  KOVALENKO ", phone="+49 211 5550101"
            ),
            self.phone_only,
        )
        self.assertEqual(
            Partner._expat_identify_person(
                name="O. Kovalenko", phone="0049211 5550101"
            ),
            self.phone_only,
        )
        # ... but not with another name, another number, or wildcards ...
        for name, phone in (
            ("Olena Kovalenko", "+49 211 555 0199"),
            ("Iryna Kovalenko", "+49 211 555 0101"),
            ("%", "+49 211 555 0101"),
            ("Iryna%", "+49 211 555 0101"),
            ("", "+49 211 555 0101"),
        ):
            with self.subTest(name=name, phone=phone):
                self.assertFalse(Partner._expat_identify_person(name=name, phone=phone))
        # ... and never with an e-mail address (failing input 8): the
        # address decides, even when the contact has none.
        self.assertFalse(
            Partner._expat_identify_person(
                name="Olena Kovalenko",
                email="stranger@example.net",
                phone="+49 211 555 0101",
            )
        )
        # Text that is no address decides nothing either.
        self.assertFalse(
            Partner._expat_identify_person(
                name="Olena Kovalenko", email="olena@", phone="+49 211 555 0101"
            )
        )

    def test_companies_are_never_persons(self):
        self.employer.email = "hr@rheinblick.example"
        self.assertFalse(
            self.env["res.partner"]._expat_identify_person(
                email="hr@rheinblick.example"
            )
        )

    def test_find_or_create_stores_the_bare_address_and_writes_nothing(self):
        Partner = self.env["res.partner"]
        chen = Partner._expat_find_or_create_person(
            "", email='"Chen Wei" <Chen.Wei@Example.org>', values={"lang": "en_US"}
        )
        self.assertEqual((chen.name, chen.email), ("Chen Wei", "chen.wei@example.org"))
        self.assertEqual(
            Partner._expat_find_or_create_person("Chen Wei", "chen.wei@example.org"),
            chen,
        )
        bare = Partner._expat_find_or_create_person(
            None, email="  ana.identity@example.com "
        )
        self.assertEqual(
            (bare.name, bare.email),
            ("ana.identity@example.com", "ana.identity@example.com"),
        )
        # An existing contact is never changed, not even its empty fields.
        before = self.phone_only.read(["name", "email", "phone", "parent_id"])
        found = Partner._expat_find_or_create_person(
            "Olena Kovalenko",
            phone="+49 211 555 0101",
            values={"parent_id": self.employer.id},
        )
        self.assertEqual(found, self.phone_only)
        self.assertEqual(
            self.phone_only.read(["name", "email", "phone", "parent_id"]), before
        )
        stranger = Partner._expat_find_or_create_person(
            "Olena Kovalenko", "stranger@example.net", "+49 211 555 0101"
        )
        self.assertNotEqual(stranger, self.phone_only)
        self.assertFalse(self.phone_only.email)
        with self.assertRaises(UserError):
            Partner._expat_find_or_create_person("  ", email="")


class TestCleanStoredEmails(ExpatDeskCase):
    def test_upgrade_stores_bare_addresses_of_persons(self):
        """Persons stored by earlier versions with the whole From header."""
        Partner = self.env["res.partner"]
        chen = Partner.create(
            {"name": "Chen Wei", "email": '"Chen Wei" <Chen.Wei@example.org>'}
        )
        comma = Partner.create(
            {"name": "Wei Chen", "email": '"Wei, Chen" <wei.chen@example.org>'}
        )
        several = Partner.create(
            {"name": "Two", "email": "one@example.org, two@example.org"}
        )
        outsider = Partner.create(
            {"name": "No Case", "email": '"No Case" <no.case@example.org>'}
        )
        for person in chen | comma | several:
            self._create_case(person_id=person.id)
        self.assertEqual(Partner._expat_clean_person_emails(), 2)
        self.assertEqual(chen.email, "chen.wei@example.org")
        self.assertEqual(comma.email, "wei.chen@example.org")
        self.assertEqual(several.email, "one@example.org, two@example.org")
        self.assertEqual(outsider.email, '"No Case" <no.case@example.org>')
        self.assertEqual(Partner._expat_clean_person_emails(), 0)


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


class TestRegistrationIdentity(ExpatEventCase):
    """The attendee rule: the registration's own name and e-mail address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.arjun = Partner.create(
            {"name": "Arjun Mehta", "email": "mehta.family@example.com"}
        )
        cls.hr = Partner.create(
            {
                "name": "Hanna Richter",
                "email": "hr@rheinblick.example",
                "parent_id": cls.employer.id,
            }
        )

    def _follow_up(self):
        action = self.event.with_user(self.advisor_a).action_expat_follow_up()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.advisor_a)
            .with_context(**action["context"])
        ).save()
        wizard.action_follow_up()

    def _event_keys(self):
        rows = self.env["expat.desk.report"].search(
            [("event_id", "=", self.event.id), ("activity_type", "=", "event")]
        )
        return rows.mapped("person_key")

    def test_shared_mailbox_registration_is_not_linked_to_another_person(self):
        # Failing input 3.
        kavya = self._register(
            name="Kavya Mehta",
            email="mehta.family@example.com",
            expat_wants_advice=True,
        )
        self.assertFalse(kavya.partner_id)
        self.assertFalse(kavya.expat_person_id)
        self._follow_up()
        person = kavya.expat_case_id.person_id
        self.assertEqual(person.name, "Kavya Mehta")
        self.assertEqual(person.email, "mehta.family@example.com")
        self.assertNotEqual(person, self.arjun)
        self.assertEqual(kavya.expat_person_id, person)
        self.assertFalse(self.arjun.with_user(self.advisor_a).expat_case_ids)
        # Erasing Arjun leaves Kavya's registration alone, and erases his.
        own = self._register(name="Arjun Mehta", email="mehta.family@example.com")
        self.assertEqual(own.expat_person_id, self.arjun)
        self.arjun.with_user(self.manager).action_expat_anonymize()
        self.assertEqual(kavya.name, "Kavya Mehta")
        self.assertEqual(kavya.email, "mehta.family@example.com")
        self.assertNotEqual(own.name, "Arjun Mehta")

    def test_hr_contact_books_two_attendees(self):
        # Failing input 4.
        ivan = self._register(
            partner_id=self.hr.id,
            name="Ivan Petrov",
            email="ivan@rheinblick.example",
            expat_wants_advice=True,
        )
        mei = self._register(
            partner_id=self.hr.id,
            name="Mei Lin",
            email="mei@rheinblick.example",
            expat_wants_advice=True,
        )
        self.assertEqual((ivan.partner_id, mei.partner_id), (self.hr, self.hr))
        self.assertEqual(len(set(self._event_keys())), 2)
        self._follow_up()
        self.assertEqual(ivan.partner_id, self.hr)  # who booked stays
        persons = (ivan | mei).expat_case_id.person_id
        self.assertEqual(sorted(persons.mapped("name")), ["Ivan Petrov", "Mei Lin"])
        self.assertEqual(
            sorted(persons.mapped("email")),
            ["ivan@rheinblick.example", "mei@rheinblick.example"],
        )
        self.assertEqual(persons.parent_id, self.employer)
        self.assertNotIn(self.hr, (ivan | mei).expat_case_id.person_id)
        self.assertEqual(ivan.company_contact_id.contact_person_id, self.hr)
        # The report tells the two attendees apart, before and after.
        self.env.flush_all()
        self.assertEqual(len(set(self._event_keys())), 2)

    def test_person_key_is_the_attendee_across_consultations_and_events(self):
        case = self._create_case()
        self.env["expat.consultation"].create(
            {"case_id": case.id, "date": date(2026, 3, 11), "duration": 1.0}
        )
        self._register(
            name="Priya Raman", email="priya.raman@example.com", partner_id=self.hr.id
        )
        self.env.flush_all()
        Report = self.env["expat.desk.report"]
        consultation_key = Report.search(
            [("activity_type", "=", "individual"), ("date", "=", date(2026, 3, 11))]
        ).person_key
        self.assertTrue(consultation_key)
        self.assertEqual(self._event_keys(), [consultation_key])

    def test_booking_for_oneself_links_the_contact(self):
        registration = self._register(partner_id=self.hr.id)
        self.assertEqual(registration.name, "Hanna Richter")
        self.assertEqual(registration.expat_person_id, self.hr)

    def test_many_registrations_search_once(self):
        registrations = self.env["event.registration"].create(
            [
                {
                    "event_id": self.event.id,
                    "name": f"Guest {i}",
                    "email": f"guest{i}@example.com",
                }
                for i in range(20)
            ]
        )
        registrations.invalidate_recordset(["expat_person_id"])
        with self.assertQueryCount(3):
            registrations._compute_expat_person_id()


class TestMergeDuplicates(ExpatDeskCase):
    """Failing input 5: the Possible Duplicates button offers only merges an
    Advisor can complete."""

    def _wizard(self, person):
        action = person.with_user(self.advisor_a).action_expat_merge_duplicates()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        return (
            self.env[action["res_model"]]
            .with_user(self.advisor_a)
            .with_context(**action["context"])
            .create({})
        )

    def test_address_differing_in_spacing_and_capitals_merges(self):
        twin = self.env["res.partner"].create(
            {"name": "Priya R.", "email": " Priya.Raman@example.com"}
        )
        wizard = self._wizard(self.person)
        self.assertEqual(wizard.partner_ids, self.person | twin)
        self.assertFalse(wizard.expat_merge_note)
        wizard.action_merge()
        self.assertEqual(len((self.person | twin).exists()), 1)

    def test_four_look_alikes_merge_in_two_steps(self):
        Partner = self.env["res.partner"]
        others = Partner.create(
            [
                {"name": "Priya Raman", "email": "PRIYA.RAMAN@example.com"},
                {"name": "P. Raman", "email": "priya.raman@example.com"},
                {"name": "Raman", "email": "priya.raman@example.com "},
            ]
        )
        everyone = self.person | others
        self.assertEqual(self.person.with_user(self.advisor_a).expat_duplicate_count, 3)
        wizard = self._wizard(self.person)
        self.assertEqual(len(wizard.partner_ids), 3)
        self.assertIn("1 more look-alikes", wizard.expat_merge_note)
        wizard.action_merge()
        self.assertEqual(len(everyone.exists()), 2)
        survivor = everyone.exists().sorted("id")[0]
        wizard = self._wizard(survivor)
        self.assertEqual(wizard.partner_ids, everyone.exists())
        wizard.action_merge()
        self.assertEqual(len(everyone.exists()), 1)

    def test_other_address_is_explained_not_offered(self):
        Partner = self.env["res.partner"]
        self.person.phone = "+49 211 555 0102"
        other = Partner.create(
            {
                "name": "Priya Raman",
                "email": "priya@other.example",
                "phone": "+49 211 5550102",
            }
        )
        self.assertEqual(self.person.with_user(self.advisor_a).expat_duplicate_count, 1)
        with self.assertRaises(UserError) as caught:
            self.person.with_user(self.advisor_a).action_expat_merge_duplicates()
        self.assertIn("same e-mail address", str(caught.exception))
        self.assertIn(other.display_name, str(caught.exception))
        # Not namesakes sharing a mailbox.
        kavya = Partner.create({"name": "Kavya Mehta", "email": "mehta@example.com"})
        Partner.create({"name": "Arjun Mehta", "email": "mehta@example.com"})
        self.assertEqual(kavya.with_user(self.advisor_a).expat_duplicate_count, 0)


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
