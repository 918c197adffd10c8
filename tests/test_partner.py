from .common import ExpatDeskCase


class TestPartner(ExpatDeskCase):
    def test_counts_and_smart_buttons(self):
        contact = self._create_company_contact()
        case_one = self._create_case(
            employer_id=self.employer.id, company_contact_id=contact.id
        )
        self._create_case(employer_id=self.employer.id)
        # A case of the other organisation is not counted for advisor A.
        self._create_case(user=self.advisor_b, employer_id=self.employer.id)

        person = self.person.with_user(self.advisor_a)
        employer = self.employer.with_user(self.advisor_a)
        self.assertEqual(person.expat_case_count, 2)
        self.assertEqual(employer.company_contact_count, 1)
        self.assertEqual(employer.expat_employee_case_count, 2)
        self.assertEqual(contact.case_count, 1)

        action = person.action_view_expat_cases()
        self.assertEqual(action["res_model"], "expat.case")
        cases = (
            self.env["expat.case"].with_user(self.advisor_a).search(action["domain"])
        )
        self.assertEqual(len(cases), 2)
        self.assertEqual(action["context"]["default_person_id"], self.person.id)

        action = employer.action_view_company_contacts()
        self.assertEqual(
            self.env["expat.company.contact"].search(action["domain"]), contact
        )
        action = employer.action_view_expat_employee_cases()
        self.assertEqual(
            len(
                self.env["expat.case"]
                .with_user(self.advisor_a)
                .search(action["domain"])
            ),
            2,
        )
        action = contact.action_view_cases()
        self.assertEqual(self.env["expat.case"].search(action["domain"]), case_one)

    def test_company_contacts_show_the_company_as_it_is_now(self):
        """The company's name and size and the contact person's name are
        stored on the dossier for the lists (sorted, grouped, searched in
        SQL) and follow the partners: rename, new size, another company,
        and a merge of companies."""
        contact = self._create_company_contact()
        self.assertEqual(contact.partner_name, "Rheinblick Robotics GmbH")
        self.assertEqual(contact.company_size, "50_249")
        self.assertEqual(contact.contact_person_id, self.person)
        self.assertEqual(contact.contact_person_name, "Priya Raman")
        self.person.name = "Priya Raman-Iyer"
        self.assertEqual(contact.contact_person_name, "Priya Raman-Iyer")
        self.person.with_user(self.manager).with_context(
            allowed_company_ids=(self.org_a | self.org_b).ids
        ).action_expat_anonymize()
        self.assertNotIn("Priya", contact.contact_person_name)
        self.assertEqual(self._columns_holding("Raman-Iyer"), [])
        self.employer.write(
            {"name": "Rheinblick Robotics AG", "company_size": "250_plus"}
        )
        Contact = self.env["expat.company.contact"].with_user(self.advisor_a)
        self.env.invalidate_all()
        self.assertEqual(
            Contact.search([("partner_name", "=", "Rheinblick Robotics AG")]), contact
        )
        groups = Contact.formatted_read_group([], ["company_size"], ["__count"])
        self.assertEqual(
            [(group["company_size"], group["__count"]) for group in groups],
            [("250_plus", 1)],
        )
        twin = self.env["res.partner"].create(
            {"name": "Rheinblick Robotics", "is_company": True, "company_size": "1_9"}
        )
        contact.partner_id = twin
        self.assertEqual(
            (contact.partner_name, contact.company_size), ("Rheinblick Robotics", "1_9")
        )
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_context(
                active_model="res.partner", active_ids=(self.employer | twin).ids
            )
            .create({})
        )
        wizard.dst_partner_id = self.employer
        wizard.action_merge()
        self.assertFalse(twin.exists())
        self.assertEqual(contact.partner_id, self.employer)
        self.assertEqual(
            (contact.partner_name, contact.company_size),
            ("Rheinblick Robotics AG", "250_plus"),
        )

    def test_desk_fields_on_partner(self):
        self.assertEqual(self.employer.municipality_id, self.ratingen)
        self.assertEqual(self.employer.company_size, "50_249")
        self.assertTrue(self.employer.ihk_member)
        self.assertFalse(self.person.expat_anonymized)

    def test_partner_form_has_desk_tab_for_advisors_only(self):
        arch = (
            self.env["res.partner"]
            .with_user(self.advisor_a)
            .get_view(view_type="form")["arch"]
        )
        self.assertIn('name="expat_service_desk"', arch)
        self.assertIn("action_view_expat_cases", arch)
        employee = self.env["res.users"].create(
            {"name": "Employee", "login": "esd_partner_employee"}
        )
        arch = (
            self.env["res.partner"]
            .with_user(employee)
            .get_view(view_type="form")["arch"]
        )
        self.assertNotIn("action_view_expat_cases", arch)
