import re

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import email_split

from .res_partner_identity import (
    is_real_name,
    names_clearly_differ,
    normalize_name,
    split_address,
)

# Odoo's merge wizard refuses more contacts at once (base_partner_merge.py).
MERGE_LIMIT = 3


class ExpatIdentity(models.AbstractModel):
    """Who is who: which contact an input designates, which contacts look
    alike and which of them Odoo's merge wizard can merge.

    The rules are the plain functions of ``res_partner_identity.py`` (the
    contract's section "Who is who"); this model applies them to the
    contacts. ``res.partner`` exposes every method under its historical
    name (``_expat_identify_person``, ``_expat_find_or_create_person``,
    ``action_expat_merge_duplicates``, ...), which every channel of the desk
    calls. Searches run with the environment's rights: callers that act for
    the public pass a superuser environment.
    """

    _name = "expat.identity"
    _description = "Person Identification"

    @api.model
    def _normalize_name(self, name):
        """See ``res.partner._expat_normalize_name``."""
        return normalize_name(name)

    @api.model
    def _names_differ(self, name_a, name_b):
        """See ``res.partner._expat_names_differ``."""
        return names_clearly_differ(name_a, name_b)

    @api.model
    def _phone_domain(self, phone):
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
            self.env["res.partner"]._phone_format(
                number=phone, country=self.env.company.country_id
            )
            or phone
        )
        return Domain("phone_sanitized", "=", sanitized) | Domain(
            "phone_mobile_search", "=", phone
        )

    @api.model
    def _pick_person(self, candidates, name):
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
    def _identify_persons(self, entries):
        """See ``res.partner._expat_identify_persons``: one search for all
        the e-mail addresses of ``entries`` (``(name, email, phone)``
        tuples), then a phone search for each entry without an address.

        :return: list of ``res.partner`` recordsets (0 or 1 record each)
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
                person = self._pick_person(by_address.get(address, partners), name)
            elif raw:
                # Given as an address but none: it decides nothing, and name
                # and phone must not stand in for it.
                person = partners
            else:
                person = self._identify_by_phone(name, phone)
            result.append(person)
        return result

    @api.model
    def _identify_by_phone(self, name, phone):
        """The individual with this phone number (as Odoo sanitises it)
        whose real name does not clearly differ from ``name``; only for
        input without an e-mail address."""
        partners = self.env["res.partner"]
        phone_domain = self._phone_domain(phone)
        if phone_domain is None or not is_real_name(name):
            return partners
        candidates = partners.search(
            Domain("is_company", "=", False) & phone_domain, order="id"
        ).filtered(
            lambda p: is_real_name(p.name) and not names_clearly_differ(p.name, name)
        )
        return self._pick_person(candidates, name)

    @api.model
    def _find_or_create_person(self, name, email=None, phone=None, values=None):
        """See ``res.partner._expat_find_or_create_person``.

        :return: ``res.partner`` record (1)
        :raise UserError: when neither a name nor an e-mail address is given
        """
        person = self._identify_persons([(name, email, phone)])[0]
        if person:
            return person
        display, address = split_address(email)
        name = " ".join((name or "").split()) or display or address
        if not name:
            raise UserError(
                self.env._("A person needs a name or an e-mail address to be recorded.")
            )
        return self.env["res.partner"].create(
            {
                "name": name,
                "email": address or (email or "").strip() or False,
                "phone": (phone or "").strip() or False,
                "is_company": False,
                **(values or {}),
            }
        )

    @api.model
    def _clean_person_emails(self):
        """See ``res.partner._expat_clean_person_emails``.

        :return: the number of contacts changed
        """
        persons = (
            self.env["res.partner"]
            .sudo()
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

    @api.model
    def _duplicates(self, person):
        """See ``res.partner._expat_duplicates``.

        :param person: one ``res.partner``
        :return: ``res.partner`` recordset, oldest first, without ``person``
        """
        person.ensure_one()
        partners = self.env["res.partner"]
        if person.is_company or not person.id:
            return partners
        criteria = []
        if person.email_normalized:
            criteria.append([("email_normalized", "=", person.email_normalized)])
        phone_domain = self._phone_domain(person.phone)
        if phone_domain is not None and is_real_name(person.name):
            criteria.append(phone_domain)
        if not criteria:
            return partners
        candidates = partners.search(
            Domain.AND(
                [
                    [("id", "!=", person.id), ("is_company", "=", False)],
                    Domain.OR(criteria),
                ]
            ),
            order="id",
        )

        def looks_alike(other):
            if names_clearly_differ(person.name, other.name):
                return False
            if person.email_normalized and other.email_normalized == (
                person.email_normalized
            ):
                return True
            # The same phone: both must have a real name.
            return is_real_name(other.name)

        return candidates.filtered(looks_alike)

    @api.model
    def _merge_groups(self, person):
        """See ``res.partner._expat_merge_groups``.

        :param person: one ``res.partner``
        :return: ``(mergeable, notes)``
        """
        person.ensure_one()
        lookalikes = person._expat_duplicates()
        clean = person.email_normalized
        if clean:
            unclean = (person | lookalikes).filtered(
                lambda p: p.email_normalized == clean and p.email != clean
            )
            if unclean:
                unclean.check_access("write")
                unclean.write({"email": clean})
        mergeable = person.browse()
        other_address, related, with_user, later = (person.browse(),) * 4
        users = person.with_context(active_test=False).user_ids
        for partner in lookalikes:
            chosen = person | mergeable
            descendants = person.search([("id", "child_of", partner.id)]) - partner
            if partner.email != person.email:
                other_address |= partner
            elif descendants & chosen or partner in person.search(
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
        return mergeable, self._merge_notes(later, other_address, related, with_user)

    @api.model
    def _merge_notes(self, later, other_address, related, with_user):
        """The translated sentences telling the advisor what to do with the
        look-alikes that cannot be merged now, one per group (each group a
        ``res.partner`` recordset, possibly empty).

        :return: list of str
        """
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
        return notes

    @api.model
    def _merge_action(self, person):
        """See ``res.partner.action_expat_merge_duplicates``.

        :param person: one ``res.partner``
        :return: an ``ir.actions.act_window`` dict
        :raise UserError: when no look-alike can be merged now
        """
        person.ensure_one()
        mergeable, notes = person._expat_merge_groups()
        if not mergeable:
            raise UserError(
                "\n".join(
                    [
                        self.env._(
                            "No look-alike of %(person)s can be merged now.",
                            person=person.display_name,
                        ),
                        *notes,
                    ]
                )
            )
        partners = person | mergeable
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
