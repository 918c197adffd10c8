"""Who is who: the failing inputs of issue 19, each asserting the right
person, through the alias (raw RFC 5322 messages), registrations, the
follow-up, the report, erasure and the duplicate finder."""

from odoo.exceptions import UserError

from .common import ExpatDeskCase


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
