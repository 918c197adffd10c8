"""Who is who: the failing inputs of issue 19, each asserting the right
person, through the alias (raw RFC 5322 messages), registrations, the
follow-up, the report, erasure and the duplicate finder."""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import ExpatDeskCase
from .test_event import ExpatEventCase


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

    def test_cases_show_the_name_of_the_merged_contact(self):
        """The merge rewrites the cases' person in SQL; the stored name
        shown on cards and lists follows, as it follows a rename."""
        twin = self.env["res.partner"].create(
            {"name": "P. Raman", "email": "priya.raman@example.com"}
        )
        case_twin = self._create_case(person_id=twin.id)
        case_person = self._create_case()
        wizard = self._wizard(self.person)
        wizard.dst_partner_id = self.person
        wizard.action_merge()
        self.assertFalse(twin.exists())
        self.assertEqual(case_twin.person_id, self.person)
        self.assertEqual(case_twin.person_name, "Priya Raman")
        self.env.invalidate_all()
        named = self.env["expat.case"].search([("person_name", "=", "Priya Raman")])
        self.assertEqual(named & (case_twin | case_person), case_twin | case_person)
        self.person.name = "Priya Raman-Iyer"
        self.assertEqual(case_twin.person_name, "Priya Raman-Iyer")

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
