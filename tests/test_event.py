from datetime import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user
from odoo.tools.safe_eval import safe_eval

from .common import ADVISOR, ExpatDeskCase


class ExpatEventCase(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org_c = cls.env["res.company"].create({"name": "Test Org C"})
        cls.advisor_c = new_test_user(
            cls.env,
            login="esd_advisor_c",
            name="Advisor C",
            groups=ADVISOR,
            company_id=cls.org_c.id,
            company_ids=[cls.org_c.id],
        )
        cls.event = cls._create_event()

    @classmethod
    def _create_event(cls, user=None, **vals):
        user = user or cls.advisor_a
        values = {
            "name": "Blue Card Workshop",
            "is_expat_desk": True,
            "target_group": "individuals",
            "date_begin": datetime(2026, 3, 10, 17, 0),
            "date_end": datetime(2026, 3, 10, 19, 0),
            "date_tz": "Europe/Berlin",
            "company_id": user.company_id.id,
            "expat_topic_ids": [cls.topic_blue_card.id],
        }
        values.update(vals)
        return cls.env["event.event"].with_user(user).create(values)

    def _register(self, event=None, user=None, attended=True, **vals):
        event = event or self.event
        registration = (
            self.env["event.registration"]
            .with_user(user or self.advisor_a)
            .create({"event_id": event.id, **vals})
        )
        if attended:
            registration.action_set_done()
        return registration


class TestDeskEvent(ExpatEventCase):
    def test_advisor_creates_desk_event_and_checks_in(self):
        action = self.env.ref("expat_service_desk.expat_event_action")
        self.assertIn(("is_expat_desk", "=", True), safe_eval(action.domain))
        ctx = dict(safe_eval(action.context), allowed_company_ids=[self.org_a.id])
        Event = self.env["event.event"].with_user(self.advisor_a).with_context(**ctx)
        with Form(Event) as form:
            form.name = "Infoabend Fachkräfteeinwanderung"
            form.date_begin = datetime(2026, 5, 4, 16, 0)
            form.date_end = datetime(2026, 5, 4, 18, 0)
            form.target_group = "companies"
        event = form.record
        self.assertTrue(event.is_expat_desk)
        self.assertEqual(event.company_id, self.org_a)
        self.assertEqual(event.date_tz, "Europe/Berlin")
        self.assertIn(event, Event.search(safe_eval(action.domain)))

        registration = self._register(event, attended=False, name="Ana Souza")
        self.assertEqual(registration.state, "open")
        self.assertEqual((event.seats_taken, event.seats_used), (1, 0))
        registration.with_user(self.advisor_a).action_set_done()
        self.assertEqual(registration.state, "done")
        self.assertEqual((event.seats_taken, event.seats_used), (1, 1))

    def test_organiser_cannot_co_organise(self):
        with self.assertRaises(ValidationError):
            self.event.co_organizer_company_ids = self.org_a

    def test_counters_follow_the_linked_dossiers(self):
        self._register(
            name="Kenji Sato", email="kenji@example.com", expat_wants_advice=True
        )
        self._register(name="Lina Haddad", company_name="Rheinblick Robotics GmbH")
        self._register(name="Absent", attended=False, expat_wants_advice=True)
        event = self.event.with_user(self.advisor_a)
        self.assertEqual(
            (event.expat_case_count, event.expat_company_contact_count), (0, 0)
        )
        self.assertEqual(event.seats_used, 2)
        self.assertEqual(event.seats_taken, 3)
        self.event.registration_ids._expat_follow_up(self.org_a, self.advisor_a)
        event.invalidate_recordset()
        self.assertEqual(
            (event.expat_case_count, event.expat_company_contact_count), (1, 1)
        )
        cases = self.env["expat.case"].search(event.action_view_expat_cases()["domain"])
        self.assertEqual(cases.person_id.mapped("name"), ["Kenji Sato"])
        # Another organisation's advisor does not count dossiers they cannot see.
        self.event.co_organizer_company_ids = self.org_b
        event_b = self.event.with_user(self.advisor_b)
        self.assertEqual(
            (event_b.expat_case_count, event_b.expat_company_contact_count), (0, 0)
        )


class TestRegistrationMatching(ExpatEventCase):
    def test_email_of_existing_contact_links_it(self):
        partners_before = self.env["res.partner"].search_count([])
        registration = self._register(
            attended=False, name="P. Raman", email="  Priya.RAMAN@Example.com "
        )
        self.assertEqual(registration.partner_id, self.person)
        self.assertEqual(registration.employer_id, self.employer)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)

    def test_unknown_email_creates_no_contact(self):
        partners_before = self.env["res.partner"].search_count([])
        registration = self._register(
            attended=False, name="New Person", email="new.person@example.com"
        )
        self.assertFalse(registration.partner_id)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)

    def test_email_corrected_later_links_the_contact(self):
        registration = self._register(attended=False, name="Priya", email="priya@typo")
        self.assertFalse(registration.partner_id)
        registration.email = "priya.raman@example.com"
        self.assertEqual(registration.partner_id, self.person)

    def test_other_events_are_left_alone(self):
        event = self._create_event(is_expat_desk=False, name="Staff Party")
        registration = self._register(
            event, attended=False, name="Priya", email="priya.raman@example.com"
        )
        self.assertFalse(registration.partner_id)


class TestFollowUpWizard(ExpatEventCase):
    def _run_wizard(self, user=None, event=None, **vals):
        user = user or self.advisor_a
        event = (event or self.event).with_user(user)
        action = event.action_expat_follow_up()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        for field, value in vals.items():
            setattr(wizard, field, value)
        wizard = wizard.save()
        counts = (
            wizard.attendee_count,
            wizard.employer_count,
            wizard.advice_count,
            wizard.linked_count,
        )
        return wizard.action_follow_up(), counts

    def _counts(self):
        return {
            model: self.env[model].with_context(active_test=False).search_count([])
            for model in ("res.partner", "expat.case", "expat.company.contact")
        }

    def test_creates_links_and_reuses(self):
        existing_contact = self._create_company_contact()
        existing_case = self._create_case(employer_id=self.employer.id)
        closed_case = self._create_case(
            person_id=self.env["res.partner"]
            .create({"name": "Omar Aziz", "email": "omar@example.com"})
            .id
        )
        closed_case.stage_id = self.stage_closed
        org_b_case = self._create_case(
            user=self.advisor_b,
            person_id=self.env["res.partner"]
            .create({"name": "Mei Lin", "email": "mei@example.com"})
            .id,
        )
        # Known employer and known person with an open case: both reused.
        known = self._register(
            name="Priya Raman", email="priya.raman@example.com", expat_wants_advice=True
        )
        # Employer only named on the registration, new person asking advice.
        new = self._register(
            name="Tomás Ruiz",
            email="tomas.ruiz@example.com",
            phone="+49 2102 555 0199",
            company_name="Neander Logistik GmbH",
            expat_wants_advice=True,
        )
        # Known person whose only case is closed: a new case is opened.
        omar = self._register(
            name="Omar Aziz", email="omar@example.com", expat_wants_advice=True
        )
        # Known person with an open case of another organisation only.
        mei = self._register(
            name="Mei Lin", email="mei@example.com", expat_wants_advice=True
        )
        # Did not ask for advice, no employer: nothing to do.
        listener = self._register(name="Just Listening", email="listen@example.com")
        # Did not attend: nothing to do.
        absent = self._register(
            attended=False,
            name="No Show",
            company_name="Absent AG",
            expat_wants_advice=True,
        )
        before = self._counts()

        result, counts = self._run_wizard()
        self.assertEqual(counts, (5, 2, 4, 0))
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("1 created, 1 existing", result["params"]["message"])

        self.assertEqual(known.company_contact_id, existing_contact)
        self.assertEqual(known.expat_case_id, existing_case)
        neander = new.employer_id
        self.assertEqual(neander.name, "Neander Logistik GmbH")
        self.assertTrue(neander.is_company)
        self.assertEqual(new.company_contact_id.partner_id, neander)
        self.assertEqual(new.company_contact_id.company_id, self.org_a)
        self.assertEqual(new.company_contact_id.channel, "event")
        self.assertEqual(new.partner_id.name, "Tomás Ruiz")
        self.assertEqual(new.partner_id.parent_id, neander)
        case = new.expat_case_id
        self.assertEqual(case.person_id, new.partner_id)
        self.assertEqual(case.employer_id, neander)
        self.assertEqual(case.company_contact_id, new.company_contact_id)
        self.assertEqual(case.company_id, self.org_a)
        self.assertEqual(case.user_id, self.advisor_a)
        self.assertEqual(case.channel, "event")
        self.assertEqual(case.stage_id, self.stage_new)
        self.assertEqual(case.topic_ids, self.topic_blue_card)
        self.assertEqual(str(case.opened_date), "2026-03-10")
        self.assertIn("Blue Card Workshop", case.description)
        self.assertNotEqual(omar.expat_case_id, closed_case)
        self.assertEqual(omar.expat_case_id.person_id, closed_case.person_id)
        self.assertNotEqual(mei.expat_case_id, org_b_case)
        self.assertEqual(mei.expat_case_id.company_id, self.org_a)
        self.assertFalse(listener.expat_case_id or listener.company_contact_id)
        self.assertFalse(absent.expat_case_id or absent.company_contact_id)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Absent AG")]))

        after = self._counts()
        # One new person (Tomás) and one new company (Neander); three new
        # cases (Tomás, Omar, Mei); one new company contact (Neander).
        self.assertEqual(after["res.partner"] - before["res.partner"], 2)
        self.assertEqual(after["expat.case"] - before["expat.case"], 3)
        self.assertEqual(
            after["expat.company.contact"] - before["expat.company.contact"], 1
        )

        # Running it again creates nothing new and changes no link.
        links = [
            (r.company_contact_id, r.expat_case_id) for r in (known, new, omar, mei)
        ]
        result, counts = self._run_wizard()
        self.assertEqual(counts, (5, 0, 0, 4))
        self.assertIn("0 created, 0 existing", result["params"]["message"])
        self.assertEqual(self._counts(), after)
        self.assertEqual(
            [(r.company_contact_id, r.expat_case_id) for r in (known, new, omar, mei)],
            links,
        )

    def test_attendees_of_one_new_employer_share_one_contact(self):
        first = self._register(name="A One", company_name="Hildener Werkzeug KG")
        second = self._register(name="B Two", company_name="hildener werkzeug kg")
        self._run_wizard()
        self.assertTrue(first.company_contact_id)
        self.assertEqual(first.company_contact_id, second.company_contact_id)
        self.assertEqual(first.employer_id, second.employer_id)

    def test_co_organiser_follows_up_into_own_organisation(self):
        self.event.co_organizer_company_ids = self.org_b
        registration = self._register(
            name="Priya Raman", email="priya.raman@example.com", expat_wants_advice=True
        )
        self._run_wizard(user=self.advisor_b)
        case = registration.expat_case_id
        self.assertEqual(case.company_id, self.org_b)
        self.assertEqual(case.user_id, self.advisor_b)
        self.assertEqual(registration.company_contact_id.company_id, self.org_b)

    def test_only_for_desk_events(self):
        event = self._create_event(is_expat_desk=False, name="Staff Party")
        self._register(event, name="Priya Raman", email="priya.raman@example.com")
        with self.assertRaises(UserError) as caught:
            self._run_wizard(event=event)
        self.assertIn("not an Expat Service Desk event", str(caught.exception))

    def test_reporting_user_cannot_run_it(self):
        with self.assertRaises(AccessError):
            self.env["expat.event.follow.up"].with_user(self.reporting).create(
                {"event_id": self.event.id}
            )


class TestCoOrganiserVisibility(ExpatEventCase):
    def _sees(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_organiser_and_co_organisers_see_the_event(self):
        registration = self._register(attended=False, name="Ana Souza")
        self.assertEqual(self._sees(self.advisor_a, self.event), self.event)
        self.assertFalse(self._sees(self.advisor_b, self.event))
        self.assertFalse(self._sees(self.advisor_b, registration))
        with self.assertRaises(AccessError):
            self.event.with_user(self.advisor_b).read(["name"])

        self.event.co_organizer_company_ids = self.org_b
        self.assertEqual(self._sees(self.advisor_b, self.event), self.event)
        self.assertEqual(self._sees(self.advisor_b, registration), registration)
        self.assertFalse(self._sees(self.advisor_c, self.event))
        self.assertFalse(self._sees(self.advisor_c, registration))
        # A co-organiser checks attendees in at the door.
        registration.with_user(self.advisor_b).action_set_done()
        self.assertEqual(registration.state, "done")

    def test_event_rules_are_replaced_not_added(self):
        for xmlid in (
            "event.event_event_company_rule",
            "event.event_registration_company_rule",
            "event.ir_rule_event_event_ticket_company",
        ):
            self.assertFalse(self.env.ref(xmlid).active, xmlid)
        # Events without an organisation stay visible to everybody, as in
        # the event app.
        open_event = self._create_event(company_id=False, name="Open Day")
        self.assertEqual(self._sees(self.advisor_c, open_event), open_event)
