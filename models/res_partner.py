import re

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import email_split

from .expat_groups import ADVISOR_GROUP
from .res_partner_identity import (
    is_real_name,
    names_clearly_differ,
    normalize_name,
    split_address,
)

# Odoo's merge wizard refuses more contacts at once (base_partner_merge.py).
MERGE_LIMIT = 3

COMPANY_SIZES = [
    ("1_9", "1–9 employees"),
    ("10_49", "10–49 employees"),
    ("50_249", "50–249 employees"),
    ("250_plus", "250 or more employees"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    municipality_id = fields.Many2one("expat.municipality", index="btree_not_null")
    company_size = fields.Selection(COMPANY_SIZES)
    ihk_member = fields.Boolean(string="IHK Member")
    expat_case_ids = fields.One2many(
        "expat.case", "person_id", string="Expat Cases", groups=ADVISOR_GROUP
    )
    expat_case_count = fields.Integer(
        compute="_compute_expat_counts", string="Cases", groups=ADVISOR_GROUP
    )
    expat_employee_case_count = fields.Integer(
        compute="_compute_expat_counts",
        string="Employee Cases",
        groups=ADVISOR_GROUP,
    )
    company_contact_ids = fields.One2many(
        "expat.company.contact",
        "partner_id",
        string="Company Contacts",
        groups=ADVISOR_GROUP,
    )
    company_contact_count = fields.Integer(
        compute="_compute_expat_counts",
        string="Company Contacts Count",
        groups=ADVISOR_GROUP,
    )
    expat_anonymized = fields.Boolean(string="Anonymised", readonly=True, copy=False)

    @api.model
    def default_get(self, fields):
        defaults = super().default_get(fields)
        if self.env.context.get("expat_referral_agency") and "category_id" in fields:
            category = self.env.ref(
                "expat_service_desk.res_partner_category_referral_agency"
            )
            defaults["category_id"] = [Command.link(category.id)]
        return defaults

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_expat_counts(self):
        """Counts of the dossiers the current user may see, one query each."""
        ids = self.ids
        case_model = self.env["expat.case"]
        by_person = dict(
            case_model._read_group(
                [("person_id", "in", ids)], ["person_id"], ["__count"]
            )
        )
        by_employer = dict(
            case_model._read_group(
                [("employer_id", "in", ids)], ["employer_id"], ["__count"]
            )
        )
        by_company = dict(
            self.env["expat.company.contact"]._read_group(
                [("partner_id", "in", ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.expat_case_count = by_person.get(partner, 0)
            partner.expat_employee_case_count = by_employer.get(partner, 0)
            partner.company_contact_count = by_company.get(partner, 0)

    def _expat_dossier_action(self, xmlid, domain, context):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = context
        return action

    def action_view_expat_cases(self):
        return self._expat_dossier_action(
            "expat_service_desk.expat_case_action",
            [("person_id", "=", self.id)],
            {"default_person_id": self.id},
        )

    def action_view_expat_employee_cases(self):
        return self._expat_dossier_action(
            "expat_service_desk.expat_case_action",
            [("employer_id", "=", self.id)],
            {"default_employer_id": self.id},
        )

    def action_view_company_contacts(self):
        return self._expat_dossier_action(
            "expat_service_desk.expat_company_contact_action",
            [("partner_id", "=", self.id)],
            {"default_partner_id": self.id},
        )

    # ------------------------------------------------------------------
    # Who is who: identity rules (see res_partner_identity.py)
    # ------------------------------------------------------------------

    expat_duplicate_count = fields.Integer(
        compute="_compute_expat_duplicate_count",
        string="Possible Duplicates",
        groups=ADVISOR_GROUP,
    )

    @api.model
    def _expat_normalize_name(self, name):
        """Fold a name for comparison: case, accents and spacing.

        :param str name: a person's name as typed or sent
        :return: the folded name, e.g. ``"  José  GARCÍA "`` gives
            ``"jose garcia"``; ``""`` for an empty name
        :rtype: str
        """
        return normalize_name(name)

    @api.model
    def _expat_names_differ(self, name_a, name_b):
        """Whether two names clearly belong to different people (see
        :func:`names_clearly_differ`)."""
        return names_clearly_differ(name_a, name_b)

    @api.model
    def _expat_phone_domain(self, phone):
        """Contacts with this phone number, however it is written: the
        number as Odoo sanitises it (E.164 when the ``phonenumbers`` library
        is there; numbers without a country code read in the current
        company's country), or the same digits (Odoo's
        ``phone_mobile_search``, which also equates ``+49`` and ``0049``).

        :return: a ``Domain``, or ``None`` when ``phone`` holds no number
        """
        phone = (phone or "").strip()
        if len(re.sub(r"\D", "", phone)) < 3:
            return None
        sanitized = (
            self._phone_format(number=phone, country=self.env.company.country_id)
            or phone
        )
        return Domain("phone_sanitized", "=", sanitized) | Domain(
            "phone_mobile_search", "=", phone
        )

    @api.model
    def _expat_pick_person(self, candidates, name):
        """Of ``candidates`` (oldest first) the one ``name`` designates:
        the same name after folding, else the oldest whose name does not
        clearly differ; an empty recordset when every name differs."""
        if name and "@" not in name:
            folded = normalize_name(name)
            same = candidates.filtered(lambda p: normalize_name(p.name) == folded)
            if same:
                return same[:1]
        return candidates.filtered(lambda p: not names_clearly_differ(p.name, name))[:1]

    @api.model
    def _expat_identify_person(self, name=None, email=None, phone=None):
        """The existing individual these details designate, without
        writing anything.

        * With an e-mail address (bare or ``"Name" <address>``, compared
          normalised: trimmed, case-insensitive): the individuals having
          that address whose name does not clearly differ from ``name`` (or
          from the display name of ``email`` when ``name`` is empty); the
          one with the same folded name first, else the oldest. A shared
          family or HR mailbox thus never files one person under another.
        * Without an e-mail address: name and phone number together (the
          phone compared as Odoo sanitises it, the names not clearly
          differing). Name and phone never designate anyone when an e-mail
          address is given: that address decides.

        Companies and archived contacts are never returned. The search runs
        with the caller's rights (public callers pass a superuser env).

        :param str name: the person's name, optional
        :param str email: an e-mail address or ``"Name" <address>``, optional
        :param str phone: a phone number in any common notation, optional
        :return: ``res.partner`` recordset of 0 or 1 record
        """
        return self._expat_identify_persons([(name, email, phone)])[0]

    @api.model
    def _expat_identify_persons(self, entries):
        """:meth:`_expat_identify_person` for many at once, with one search
        for all the e-mail addresses (imports, event registrations).

        :param list entries: ``(name, email, phone)`` tuples
        :return: list of ``res.partner`` recordsets (0 or 1 record each), in
            the order of ``entries``
        """
        partners = self.env["res.partner"]
        parsed = []
        for name, email, phone in entries:
            display, address = split_address(email)
            name = " ".join((name or "").split()) or display
            parsed.append((name, address, (email or "").strip(), phone))
        addresses = {address for __, address, __, __ in parsed if address}
        by_address = {}
        if addresses:
            for partner in partners.search(
                [
                    ("is_company", "=", False),
                    ("email_normalized", "in", list(addresses)),
                ],
                order="id",
            ):
                by_address[partner.email_normalized] = (
                    by_address.get(partner.email_normalized, partners) | partner
                )
        result = []
        for name, address, raw, phone in parsed:
            if address:
                person = self._expat_pick_person(
                    by_address.get(address, partners), name
                )
            elif raw:
                # Given as an address but none: it decides nothing, and name
                # and phone must not stand in for it.
                person = partners
            else:
                person = self._expat_identify_by_phone(name, phone)
            result.append(person)
        return result

    @api.model
    def _expat_identify_by_phone(self, name, phone):
        """The individual with this phone number (as Odoo sanitises it)
        whose real name does not clearly differ from ``name``; only for
        input without an e-mail address."""
        partners = self.env["res.partner"]
        phone_domain = self._expat_phone_domain(phone)
        if phone_domain is None or not is_real_name(name):
            return partners
        candidates = partners.search(
            Domain("is_company", "=", False) & phone_domain, order="id"
        ).filtered(
            lambda p: is_real_name(p.name) and not names_clearly_differ(p.name, name)
        )
        return self._expat_pick_person(candidates, name)

    @api.model
    def _expat_find_or_create_person(self, name, email=None, phone=None, values=None):
        """The individual these details designate
        (:meth:`_expat_identify_person`), else a new one.

        Never writes to an existing contact: public input (an e-mail, the
        request form, a registration) does not change anyone's data. A new
        person gets ``name`` (else the display name of ``email``, else the
        address), the bare normalised address in ``email`` (parsed from
        ``"Name" <address>``; text that holds no address is kept trimmed)
        and the phone number as given, trimmed.

        :param str name: the person's name, may be empty
        :param str email: an address or ``"Name" <address>``, optional
        :param str phone: a phone number, optional
        :param dict values: further field values for a NEW person only
            (e.g. ``parent_id``, ``lang``); ignored when the person exists
        :return: ``res.partner`` record (1)
        :raise UserError: when neither a name nor an e-mail address is given
        """
        person = self._expat_identify_person(name=name, email=email, phone=phone)
        if person:
            return person
        display, address = split_address(email)
        name = " ".join((name or "").split()) or display or address
        if not name:
            raise UserError(
                self.env._("A person needs a name or an e-mail address to be recorded.")
            )
        return self.create(
            {
                "name": name,
                "email": address or (email or "").strip() or False,
                "phone": (phone or "").strip() or False,
                "is_company": False,
                **(values or {}),
            }
        )

    @api.model
    def _expat_clean_person_emails(self):
        """Rewrite the e-mail of the desk's persons (contacts with a case)
        stored as ``"Name" <address>``, with stray spaces or capitals, as
        the bare normalised address, as new persons get it. Fields holding
        several addresses, or none that Odoo can read, are left as they are.
        Used once by the upgrade to 19.0.1.1.0; safe to run again.

        :return: the number of contacts changed
        """
        persons = (
            self.sudo()
            .with_context(active_test=False)
            .search([("expat_case_ids", "!=", False), ("email", "!=", False)])
        )
        changed = 0
        for person in persons:
            __, address = split_address(person.email)
            if (
                address
                and person.email != address
                and len(email_split(person.email)) == 1
            ):
                person.email = address
                changed += 1
        return changed

    # ------------------------------------------------------------------
    # Possible duplicates and their merge
    # ------------------------------------------------------------------

    def _expat_duplicates(self):
        """Other individuals who look like this one by the rules of
        :meth:`_expat_identify_person`: the same normalised e-mail address
        with a name that does not clearly differ, or the same phone number
        with such a name (persons filed apart because a request came with
        another address). Namesakes sharing a family or HR mailbox are not
        duplicates.

        :return: ``res.partner`` recordset, oldest first, without ``self``
        """
        self.ensure_one()
        partners = self.env["res.partner"]
        if self.is_company or not self.id:
            return partners
        criteria = []
        if self.email_normalized:
            criteria.append([("email_normalized", "=", self.email_normalized)])
        phone_domain = self._expat_phone_domain(self.phone)
        if phone_domain is not None and is_real_name(self.name):
            criteria.append(phone_domain)
        if not criteria:
            return partners
        candidates = partners.search(
            Domain.AND(
                [
                    [("id", "!=", self.id), ("is_company", "=", False)],
                    Domain.OR(criteria),
                ]
            ),
            order="id",
        )

        def looks_alike(other):
            if names_clearly_differ(self.name, other.name):
                return False
            if self.email_normalized and other.email_normalized == (
                self.email_normalized
            ):
                return True
            # The same phone: both must have a real name.
            return is_real_name(other.name)

        return candidates.filtered(looks_alike)

    def _compute_expat_duplicate_count(self):
        # Shown on the form of one contact: one search for it.
        for partner in self:
            partner.expat_duplicate_count = len(partner._expat_duplicates())

    def _expat_merge_groups(self):
        """Split this person's look-alikes into those Odoo's merge wizard
        lets an Advisor merge with them now and the reasons for the others.

        The wizard (``base.partner.merge.automatic.wizard``) refuses users
        other than the administrator when the ``email`` texts differ, merges
        at most three contacts, never a contact with its own company or
        contact person and never two contacts with user accounts. Look-alikes
        whose address differs only in spacing or capitals have it written
        cleanly first (the address stays the same), so that they can merge.

        :return: ``(mergeable, notes)``: a ``res.partner`` recordset of at
            most two look-alikes, and a list of translated sentences telling
            the advisor what to do with the others
        """
        self.ensure_one()
        lookalikes = self._expat_duplicates()
        clean = self.email_normalized
        if clean:
            unclean = (self | lookalikes).filtered(
                lambda p: p.email_normalized == clean and p.email != clean
            )
            if unclean:
                unclean.check_access("write")
                unclean.write({"email": clean})
        mergeable = self.browse()
        other_address, related, with_user, later = (self.browse(),) * 4
        users = self.with_context(active_test=False).user_ids
        for partner in lookalikes:
            chosen = self | mergeable
            descendants = self.search([("id", "child_of", partner.id)]) - partner
            if partner.email != self.email:
                other_address |= partner
            elif descendants & chosen or partner in self.search(
                [("id", "child_of", chosen.ids)]
            ):
                related |= partner
            elif users and partner.with_context(active_test=False).user_ids:
                with_user |= partner
            elif len(mergeable) >= MERGE_LIMIT - 1:
                later |= partner
            else:
                mergeable |= partner
                users |= partner.with_context(active_test=False).user_ids
        notes = []
        if later:
            notes.append(
                self.env._(
                    "%(count)s more look-alikes (%(names)s): merge these first, "
                    "then open Possible Duplicates again (Odoo merges at most "
                    "three contacts at a time).",
                    count=len(later),
                    names=", ".join(later.mapped("display_name")),
                )
            )
        if other_address:
            notes.append(
                self.env._(
                    "%(names)s: same name and phone number but another e-mail "
                    "address (or none). If it is the same person, give both "
                    "contacts the same e-mail address and merge them; if not, "
                    "leave them apart.",
                    names=", ".join(other_address.mapped("display_name")),
                )
            )
        if related:
            notes.append(
                self.env._(
                    "%(names)s: is the company or a contact person of this "
                    "contact; Odoo does not merge a contact with its own company "
                    "or contact persons.",
                    names=", ".join(related.mapped("display_name")),
                )
            )
        if with_user:
            notes.append(
                self.env._(
                    "%(names)s: has its own user account; contacts of two users "
                    "cannot be merged.",
                    names=", ".join(with_user.mapped("display_name")),
                )
            )
        return mergeable, notes

    def action_expat_merge_duplicates(self):
        """Open Odoo's merge wizard on this person and the look-alikes an
        Advisor can merge with them now (at most two, with the same e-mail
        address). The wizard says what to do with the other look-alikes.

        Side effect: look-alikes whose e-mail address differs from this
        person's only in spacing or capitals get the clean address written,
        as Odoo's wizard compares the texts.

        :return: an ``ir.actions.act_window`` dict for
            ``base.partner.merge.automatic.wizard`` (``active_ids``: this
            person first, then the look-alikes)
        :raise UserError: when no look-alike can be merged now; the message
            says why and what to do
        """
        self.ensure_one()
        mergeable, notes = self._expat_merge_groups()
        if not mergeable:
            raise UserError(
                "\n".join(
                    [
                        self.env._(
                            "No look-alike of %(person)s can be merged now.",
                            person=self.display_name,
                        ),
                        *notes,
                    ]
                )
            )
        partners = self | mergeable
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Contacts"),
            "res_model": "base.partner.merge.automatic.wizard",
            "views": [[False, "form"]],
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partners.ids,
                "default_expat_merge_note": "\n".join(notes) or False,
            },
        }
