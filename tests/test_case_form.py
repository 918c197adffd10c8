from odoo.tests import Form

from .common import ExpatDeskCase


class TestCaseForm(ExpatDeskCase):
    def test_person_fills_employer_municipality_and_company_contact(self):
        contact = self._create_company_contact()
        with Form(self.env["expat.case"].with_user(self.advisor_a)) as form:
            form.person_id = self.person
            self.assertEqual(form.employer_id, self.employer)
            self.assertEqual(form.municipality_id, self.ratingen)
            self.assertEqual(form.company_contact_id, contact)
            self.assertEqual(form.country_of_residence_id, self.env.ref("base.de"))
            self.assertEqual(form.email, "priya.raman@example.com")
            form.topic_ids.add(self.topic_blue_card)
            form.residence_status = "visa"
        case = form.record
        self.assertEqual(case.company_id, self.org_a)
        self.assertEqual(case.user_id, self.advisor_a)
        self.assertEqual(case.stage_id, self.stage_new)
        self.assertRegex(case.name, r"^ESD-\d{4}-\d{5}$")

    def test_company_contact_sets_employer(self):
        other_employer = self.env["res.partner"].create(
            {"name": "Velberter Schloss AG", "is_company": True}
        )
        contact = self._create_company_contact(partner_id=other_employer.id)
        with Form(self.env["expat.case"].with_user(self.advisor_a)) as form:
            form.person_id = self.person
            form.company_contact_id = contact
            self.assertEqual(form.employer_id, other_employer)

    def test_company_contact_form_fills_contact_person(self):
        colleague = self.env["res.partner"].create(
            {"name": "HR Lead", "parent_id": self.employer.id}
        )
        with Form(self.env["expat.company.contact"].with_user(self.advisor_a)) as form:
            form.partner_id = self.employer
            self.assertEqual(form.municipality_id, self.ratingen)
            self.assertIn(form.contact_person_id, self.person | colleague)

    def test_consultation_in_case_form(self):
        case = self._create_case()
        with Form(case.with_user(self.advisor_a)) as form:
            with form.consultation_ids.new() as line:
                line.duration = 2.0
                line.channel = "phone"
        self.assertEqual(case.consultation_ids.channel, "phone")
        self.assertTrue(case.consultation_ids.is_first)

    def test_defaults_without_the_form(self):
        """Cases made by code (alias, request form, follow-up, import) take the
        employer, municipality and country of residence from the person, as
        the form does, and their consultations carry them into the figures."""
        case = self.env["expat.case"].create(
            {"person_id": self.person.id, "company_id": self.org_a.id}
        )
        self.assertEqual(case.employer_id, self.employer)
        self.assertEqual(case.municipality_id, self.ratingen)
        self.assertEqual(case.country_of_residence_id, self.env.ref("base.de"))
        consultation = self.env["expat.consultation"].create(
            {"case_id": case.id, "duration": 1.0}
        )
        self.assertEqual(consultation.municipality_id, self.ratingen)
        self.assertEqual(consultation.organisation_id, self.employer)

    def test_given_values_win_over_defaults(self):
        haan = self.env.ref("expat_service_desk.expat_municipality_haan")
        case = self.env["expat.case"].create(
            {
                "person_id": self.person.id,
                "company_id": self.org_a.id,
                "municipality_id": haan.id,
                "country_of_residence_id": self.env.ref("base.in").id,
            }
        )
        self.assertEqual(case.municipality_id, haan)
        self.assertEqual(case.country_of_residence_id, self.env.ref("base.in"))
        # Correcting the person keeps what the advisor entered.
        other = self.env["res.partner"].create({"name": "Someone Else"})
        case.person_id = other
        self.assertEqual(case.municipality_id, haan)
        self.assertEqual(case.employer_id, self.employer)

    def test_company_contact_defaults_without_the_form(self):
        contact = self.env["expat.company.contact"].create(
            {"partner_id": self.employer.id, "company_id": self.org_a.id}
        )
        self.assertEqual(contact.municipality_id, self.ratingen)
        self.assertEqual(contact.contact_person_id, self.person)

    def test_open_dossier_rule_is_stored(self):
        case = self._create_case()
        Case = self.env["expat.case"]
        self.assertIn(case, Case.search(Case._expat_open_domain()))
        case.stage_id = self.stage_closed
        self.assertTrue(case.is_closed)
        self.assertNotIn(case, Case.search(Case._expat_open_domain()))
        self.assertTrue(Case._fields["is_closed"].store)
