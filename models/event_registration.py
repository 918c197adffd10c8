from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import email_normalize, escape_psql, format_date

from .expat_groups import ADVISOR_GROUP


class EventRegistration(models.Model):
    _inherit = "event.registration"

    is_expat_desk = fields.Boolean(related="event_id.is_expat_desk")
    employer_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        domain="[('is_company', '=', True)]",
        compute="_compute_employer_id",
        store=True,
        readonly=False,
        help="The company the attendee works for or represents.",
    )
    expat_person_id = fields.Many2one(
        "res.partner",
        string="Attendee Contact",
        index="btree_not_null",
        domain="[('is_company', '=', False)]",
        compute="_compute_expat_person_id",
        store=True,
        readonly=False,
        copy=False,
        help="The attendee as a contact of the desk. The registration's own "
        "name and e-mail address decide who attended; the contact who booked "
        "(Booked by) is the attendee only when they match.",
    )
    expat_wants_advice = fields.Boolean(
        string="Asks for Advice",
        help="The attendee asked the desk for individual advice: following "
        "up the event opens a case for them.",
    )
    expat_case_id = fields.Many2one(
        "expat.case",
        string="Case",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        groups=ADVISOR_GROUP,
    )
    company_contact_id = fields.Many2one(
        "expat.company.contact",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        groups=ADVISOR_GROUP,
    )

    # ------------------------------------------------------------------
    # Inventory of personal data (see models/expat_personal_data.py)
    # ------------------------------------------------------------------

    def _expat_personal_fields(self):
        """The attendee's own name and contact data."""
        return ["name", "email", "phone", "company_name"]

    def _expat_personal_kept_fields(self):
        return ["event_id", "state"]

    def _expat_anonymized_values(self):
        return {"name": self.env._("Anonymised")}

    @api.model
    def _expat_personal_records(self, partners):
        """Registrations whose attendee is one of the persons (the attendee
        rule of ``_expat_attended_by``), or linked to one of their cases.
        A registration they booked for someone else, or that someone sharing
        their mailbox attended, is not theirs."""
        linked = self.with_context(active_test=False).search(
            [("expat_case_id.person_id", "in", partners.ids)]
        )
        return linked | self._expat_attended_by(partners)

    @api.depends("partner_id")
    def _compute_employer_id(self):
        for registration in self:
            company = registration.partner_id.commercial_partner_id
            registration.employer_id = registration.employer_id or (
                company if company.is_company else False
            )

    @api.depends("partner_id", "name", "email", "phone", "event_id.is_expat_desk")
    def _compute_expat_person_id(self):
        """The attendee of each desk registration, found by the desk's
        identity rules (one search for the batch); never creates anyone."""
        desk = self.filtered("is_expat_desk")
        (self - desk).expat_person_id = False
        booked_by_attendee = desk.filtered(lambda r: r._expat_booker_is_attendee())
        for registration in booked_by_attendee:
            registration.expat_person_id = registration.partner_id
        others = desk - booked_by_attendee
        found = self.env["res.partner"]._expat_identify_persons(
            [(r.name, r.email, r.phone) for r in others]
        )
        for registration, person in zip(others, found, strict=True):
            registration.expat_person_id = person

    def _expat_booker_is_attendee(self):
        """Whether the contact who booked (``partner_id``) is the attendee:
        an individual whose e-mail address the registration does not
        contradict and whose name does not clearly differ from the
        attendee name. An HR contact booking for colleagues, or a parent
        for a child, is not the attendee."""
        self.ensure_one()
        booker = self.partner_id
        if not booker or booker.is_company:
            return False
        address = email_normalize(self.email or "")
        if (self.email or "").strip() and address != booker.email_normalized:
            return False
        return not booker._expat_names_differ(booker.name, self.name)

    @api.model
    def _expat_attended_by(self, persons):
        """The registrations (of any event, archived ones too) whose
        attendee is one of ``persons``: linked as attendee, booked by them
        for themselves, or typed in with their address and a name that does
        not clearly differ. Registrations they booked for someone else, or
        that someone sharing their mailbox attended, are not theirs.

        :param persons: ``res.partner`` recordset (individuals)
        :return: ``event.registration`` recordset (one search for all)
        """
        if not persons:
            return self.browse()
        registrations = self.with_context(active_test=False)
        criteria = [
            [("expat_person_id", "in", persons.ids)],
            [("partner_id", "in", persons.ids)],
        ]
        by_email = {}
        for person in persons.filtered("email_normalized"):
            by_email.setdefault(person.email_normalized, person)
            by_email[person.email_normalized] |= person
        criteria += [[("email", "=ilike", escape_psql(email))] for email in by_email]
        found = registrations.search(Domain.OR(criteria))

        def attended_by_one_of_them(registration):
            if registration.expat_person_id:
                return registration.expat_person_id in persons
            if registration.partner_id in persons:
                return registration._expat_booker_is_attendee()
            if registration.partner_id:
                return False
            same_address = by_email.get(email_normalize(registration.email or ""))
            return any(
                not person._expat_names_differ(person.name, registration.name)
                for person in same_address or ()
            )

        return found.filtered(attended_by_one_of_them)

    @api.model_create_multi
    def create(self, vals_list):
        registrations = super().create(vals_list)
        registrations._expat_link_partner()
        return registrations

    def write(self, vals):
        res = super().write(vals)
        if {"email", "name", "phone", "partner_id"} & set(vals):
            self._expat_link_partner()
        return res

    def _expat_link_partner(self):
        """Registrations of desk events nobody is recorded as having booked
        get the attendee's existing contact as "Booked by", so that nobody
        is entered twice. A registration booked by someone else keeps its
        booker; its attendee is ``expat_person_id``."""
        for registration in self:
            if registration.is_expat_desk and not registration.partner_id:
                person = registration.expat_person_id
                if person:
                    registration.partner_id = person

    # ------------------------------------------------------------------
    # Following up the attendees of a desk event
    # ------------------------------------------------------------------

    def _expat_follow_up(self, organisation, advisor):
        """Give attended registrations of desk events their dossiers in
        ``organisation``: a company contact for the employer, and a case
        for an attendee who asked for advice. Existing contacts (matched by
        e-mail, then by company) and open dossiers of that organisation are
        reused; registrations already linked are left alone, so running it
        again creates nothing.

        :return: dict of record sets ``contacts_created``,
            ``contacts_reused``, ``cases_created``, ``cases_reused``
        """
        result = {
            key: self.env[model]
            for key, model in (
                ("contacts_created", "expat.company.contact"),
                ("contacts_reused", "expat.company.contact"),
                ("cases_created", "expat.case"),
                ("cases_reused", "expat.case"),
            )
        }
        attended = self.filtered(
            lambda r: r.is_expat_desk and r.active and r.state == "done"
        )
        for registration in attended:
            employer = registration._expat_employer()
            if employer and not registration.company_contact_id:
                contact, created = registration._expat_company_contact(
                    employer, organisation, advisor
                )
                registration.company_contact_id = contact
                key = "contacts_created" if created else "contacts_reused"
                result[key] |= contact
            if registration.expat_wants_advice and not registration.expat_case_id:
                person = registration._expat_person(employer)
                if not person:
                    continue
                case, created = registration._expat_case(person, organisation, advisor)
                registration.expat_case_id = case
                result["cases_created" if created else "cases_reused"] |= case
        result["contacts_reused"] -= result["contacts_created"]
        result["cases_reused"] -= result["cases_created"]
        return result

    def _expat_employer(self):
        """The employer of the attendee: the one on the registration, else
        the company the attendee's contact belongs to, else the company
        named on the registration (found by name or created)."""
        self.ensure_one()
        if self.employer_id:
            return self.employer_id
        partners = self.env["res.partner"]
        employer = partners
        if self.company_name:
            name = " ".join(self.company_name.split())
            employer = partners.search(
                [("is_company", "=", True), ("name", "=ilike", escape_psql(name))],
                order="id",
                limit=1,
            ) or partners.create({"name": name, "is_company": True})
        if employer:
            self.employer_id = employer
        return employer

    def _expat_person(self, employer):
        """The attendee as an individual contact: the registration's own
        name, e-mail address and phone decide (not who booked it), through
        ``res.partner._expat_find_or_create_person``; a new person joins
        ``employer``. Existing contacts are not changed."""
        self.ensure_one()
        person = self.expat_person_id
        if not person and (self.name or self.email):
            person = self.env["res.partner"]._expat_find_or_create_person(
                self.name,
                email=self.email,
                phone=self.phone,
                values={"parent_id": employer.id} if employer else None,
            )
        if person:
            self.expat_person_id = person
            if not self.partner_id:
                self.partner_id = person
        return person

    def _expat_start_date(self):
        """The day the event began, in the event's own time zone."""
        event = self.event_id
        begin = fields.Datetime.context_timestamp(
            self.with_context(tz=event.date_tz), event.date_begin
        ).date()
        return min(begin, fields.Date.context_today(self))

    def _expat_follow_up_note(self):
        return Markup("<p>%s</p>") % self.env._(
            "Follow-up of the event %(event)s on %(date)s.",
            event=self.event_id.name,
            date=format_date(self.env, self._expat_start_date()),
        )

    def _expat_open_dossier(self, model, party, organisation, values):
        """The newest open dossier of ``party`` in ``organisation``, else a
        new one opened by this event; returns it and whether it is new."""
        dossiers = self.env[model]
        dossier = dossiers._expat_find_open(
            party, organisation, order="opened_date desc, id desc"
        )
        if dossier:
            return dossier, False
        dossier = dossiers.create(
            {
                dossiers._expat_party_field: party.id,
                "company_id": organisation.id,
                "channel": "event",
                "opened_date": self._expat_start_date(),
                "topic_ids": self.event_id.sudo().expat_topic_ids.ids,
                "description": self._expat_follow_up_note(),
                **values,
            }
        )
        return dossier, True

    def _expat_company_contact(self, employer, organisation, advisor):
        person = self.partner_id
        is_employee = person.parent_id.commercial_partner_id == employer
        return self._expat_open_dossier(
            "expat.company.contact",
            employer,
            organisation,
            {
                "contact_person_id": person.id if is_employee else False,
                "user_id": advisor.id,
                "municipality_id": employer.municipality_id.id,
            },
        )

    def _expat_case(self, person, organisation, advisor):
        return self._expat_open_dossier(
            "expat.case",
            person,
            organisation,
            {
                "employer_id": self.employer_id.id,
                "company_contact_id": self.company_contact_id.id,
                "user_id": advisor.id,
                "municipality_id": person.municipality_id.id,
                "country_of_residence_id": person.country_id.id,
            },
        )
