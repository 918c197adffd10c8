"""Who is who: the one place that decides which person an input is about.

Every channel of the desk (the mail alias, the public request form, event
registrations, the event follow-up, the duplicate finder and the history
import) asks the methods below instead of searching contacts itself, so that
the rules of the contract's section "Who is who" hold everywhere:

* a person made from an e-mail gets the bare address in ``email`` and the
  display name in ``name``;
* an existing person is found by the normalised e-mail address only when the
  name given does not clearly differ from theirs (shared family and HR
  mailboxes);
* name and phone number together find a person only when no e-mail address
  is given: with an address, the address decides;
* finding never writes: public input never changes an existing contact.
"""

import re
import unicodedata

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import email_normalize
from odoo.tools.mail import email_split_tuples

from .expat_groups import ADVISOR_GROUP

# Odoo's merge wizard refuses more contacts at once (base_partner_merge.py).
MERGE_LIMIT = 3

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTER_FOLDS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
    }
)
_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalize_name(name):
    """``name`` folded for comparison: lower case, accents removed,
    apostrophes dropped, punctuation and runs of white space turned into
    one space. ``"  José  GARCÍA "`` gives ``"jose garcia"``."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", str(name).casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text.translate(_LETTER_FOLDS))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _tokens_compatible(short, long):
    """Whether every word of ``short`` stands for its own word of ``long``:
    the same word, or an initial of it ("P." for "Priya")."""
    remaining = list(long)
    for word in sorted(short, key=len, reverse=True):
        match = next((w for w in remaining if w == word), None)
        if match is None:
            match = next(
                (
                    w
                    for w in remaining
                    if (len(word) == 1 and w.startswith(word))
                    or (len(w) == 1 and word.startswith(w))
                ),
                None,
            )
        if match is None:
            return False
        remaining.remove(match)
    return True


def names_clearly_differ(name_a, name_b):
    """Whether two names belong to different people. They do not clearly
    differ when one is missing or is only an e-mail address, or when the
    words of one all stand for words of the other (order, case, accents,
    initials and a missing middle or family name do not count):
    "P. Raman" and "Priya Raman" do not differ, "Kavya Mehta" and
    "Arjun Mehta" do."""
    if not name_a or not name_b or "@" in name_a or "@" in name_b:
        return False
    words_a = normalize_name(name_a).split()
    words_b = normalize_name(name_b).split()
    if not words_a or not words_b:
        return False
    short, long = sorted((words_a, words_b), key=len)
    return not _tokens_compatible(short, long)


def _is_real_name(name):
    """Whether ``name`` names someone: not empty once folded, and not an
    e-mail address standing in for a name."""
    return bool(name) and "@" not in name and bool(normalize_name(name))


def split_address(text):
    """``(display name, bare address)`` of an e-mail field such as
    ``"Chen Wei" <Chen.Wei@example.org>``: the address normalised (trimmed,
    lower case), the display name as written; ``("", "")`` when the text
    holds no address."""
    if not text or "@" not in text:
        return "", ""
    pairs = email_split_tuples(text)
    if not pairs:
        return "", ""
    display, address = pairs[0]
    address = email_normalize(address, strict=False) or ""
    display = " ".join((display or "").split())
    if display and display.strip("'\" ").lower() == address:
        display = ""
    return display, address


class ResPartner(models.Model):
    _inherit = "res.partner"

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
        if phone_domain is None or not _is_real_name(name):
            return partners
        candidates = partners.search(
            Domain("is_company", "=", False) & phone_domain, order="id"
        ).filtered(
            lambda p: _is_real_name(p.name) and not names_clearly_differ(p.name, name)
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
        if phone_domain is not None and _is_real_name(self.name):
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
            return _is_real_name(other.name)

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
