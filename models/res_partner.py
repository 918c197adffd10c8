from odoo import Command, api, fields, models

from .expat_groups import ADVISOR_GROUP, MANAGER_GROUP

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
    expat_duplicate_count = fields.Integer(
        compute="_compute_expat_duplicate_count",
        string="Possible Duplicates",
        groups=ADVISOR_GROUP,
    )
    expat_data_export = fields.Binary(
        string="Personal Data Export",
        attachment=True,
        readonly=True,
        copy=False,
        groups=MANAGER_GROUP,
        help="The Art. 15 exports of this person. Stored as attachments of "
        "this field so that only desk managers can read them.",
    )
    expat_retention_due = fields.Boolean(
        string="Due for Anonymisation",
        compute="_compute_expat_retention_due",
        search="_search_expat_retention_due",
        groups=MANAGER_GROUP,
        help="Every case of this person is closed for longer than the "
        "retention period (Settings).",
    )

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
    # Who is who (contract): the rules are in res_partner_identity.py, their
    # application to the contacts in expat.identity (expat_identity.py).
    # ------------------------------------------------------------------

    @api.model
    def _expat_normalize_name(self, name):
        """Fold a name for comparison: case, accents and spacing.

        :param str name: a person's name as typed or sent
        :return: the folded name, e.g. ``"  José  GARCÍA "`` gives
            ``"jose garcia"``; ``""`` for an empty name
        :rtype: str
        """
        return self.env["expat.identity"]._normalize_name(name)

    @api.model
    def _expat_names_differ(self, name_a, name_b):
        """Whether two names clearly belong to different people (see
        :func:`res_partner_identity.names_clearly_differ`).

        :return: bool; ``False`` when a name is missing or an e-mail address
        """
        return self.env["expat.identity"]._names_differ(name_a, name_b)

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
        return self.env["expat.identity"]._identify_persons(entries)

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
        return self.env["expat.identity"]._find_or_create_person(
            name, email=email, phone=phone, values=values
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
        return self.env["expat.identity"]._clean_person_emails()

    def _expat_duplicates(self):
        """Other individuals who look like this one by the rules of
        :meth:`_expat_identify_person`: the same normalised e-mail address
        with a name that does not clearly differ, or the same phone number
        with such a name. Namesakes sharing a family or HR mailbox are not
        duplicates.

        :return: ``res.partner`` recordset, oldest first, without ``self``
        """
        return self.env["expat.identity"]._duplicates(self)

    def _compute_expat_duplicate_count(self):
        # Shown on the form of one contact: one search for it.
        for partner in self:
            partner.expat_duplicate_count = len(partner._expat_duplicates())

    def _expat_merge_groups(self):
        """Split this person's look-alikes into those Odoo's merge wizard
        lets an Advisor merge with them now and the reasons for the others
        (the wizard refuses differing ``email`` texts to non-administrators,
        more than three contacts, a contact with its own company or contact
        person, two contacts with user accounts).

        Side effect: look-alikes whose address differs only in spacing or
        capitals have it written cleanly first (the address stays the same).

        :return: ``(mergeable, notes)``: a ``res.partner`` recordset of at
            most two look-alikes, and a list of translated sentences telling
            the advisor what to do with the others
        """
        return self.env["expat.identity"]._merge_groups(self)

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
        return self.env["expat.identity"]._merge_action(self)

    # ------------------------------------------------------------------
    # Privacy (contract): inventory hooks of expat.personal.data
    # ------------------------------------------------------------------

    def _expat_personal_fields(self):
        """The person's own contact data, address, free text and picture.

        :return: list of field names cleared by the anonymisation
        """
        return [
            *("name", "email", "phone", "street", "street2", "zip", "city"),
            *("state_id", "country_id", "website", "comment", "vat"),
            *("company_registry", "function", "ref", "company_name", "barcode"),
            *("image_1920", "parent_id", "partner_latitude", "partner_longitude"),
        ]

    def _expat_personal_kept_fields(self):
        """Kept after anonymisation (statistics), exported while it lasts."""
        return ["lang", "municipality_id"]

    def _expat_anonymized_values(self):
        """The person stays as an archived placeholder, marked anonymised."""
        return {
            "name": self.env._("Anonymised person"),
            "expat_anonymized": True,
            "active": False,
        }

    @api.model
    def _expat_personal_records(self, partners):
        """The persons themselves."""
        return partners

    # ------------------------------------------------------------------
    # Privacy: erasure (Art. 17), access (Art. 15), retention (Art. 5(1)(e))
    # ------------------------------------------------------------------

    def action_expat_anonymize(self):
        """Irreversibly replace the personal data of these persons wherever
        the inventory (``expat.personal.data``) and the mail framework keep
        it, keeping the statistical fields of their dossiers (Art. 17 GDPR;
        statistics under Art. 89). Idempotent: anonymising again changes
        nothing but adds a log entry.

        :return: True
        :raise AccessError: the user is not a desk Manager, or cannot see
            every case of the persons (all organisations selected)
        :raise UserError: a person has a user account, or an open case and
            the confirmation wizard did not pass
            ``expat_anonymize_open_cases``
        """
        self.env["expat.privacy.request"]._check_erasable(self)
        self._expat_anonymize()
        return True

    def _expat_anonymize(self):
        """Anonymise these persons in one batch, without the checks of
        :meth:`action_expat_anonymize` (the retention run calls it).

        :return: dict, see ``expat.anonymization._anonymize``
        """
        return self.env["expat.anonymization"]._anonymize(self)

    def action_expat_data_export(self):
        """Art. 15 GDPR: write every piece of personal data the desk holds
        about this person (the inventory of ``expat.personal.data``, their
        messages and the names of their attachments) into a JSON document
        and a readable HTML twin, attach both to the contact (field
        ``expat_data_export``, Managers only), log the export and download
        the JSON.

        The JSON's top-level keys: ``document`` (title), ``controllers``
        (the joint controllers' names), ``created`` (UTC date-time),
        ``person`` (the contact's fields), ``records`` ({model name: list of
        rows, one per record, ``id`` and the exported fields}), ``messages``
        (record, date, author, subject, body, tracked ``changes``) and
        ``attachments`` (record, name).

        :return: an ``ir.actions.act_url`` downloading the JSON
        :raise AccessError: the user is not a desk Manager or cannot see
            every case of the person
        """
        self.ensure_one()
        return self.env["expat.privacy.request"]._export(self)

    @api.model
    def _expat_retention_months(self):
        """The retention period (Settings), in months, at least 1."""
        return self.env["expat.retention"]._months()

    @api.model
    def _expat_retention_due_ids(self):
        """Ids of the persons due for anonymisation: see
        ``expat.retention._due_ids``."""
        return self.env["expat.retention"]._due_ids()

    @api.model
    def _expat_anonymize_expired(self, batch_size=200):
        """Anonymise every person due under the retention period (Art. 5(1)(e)
        GDPR), ``batch_size`` persons per committed batch; a person who
        cannot be anonymised is skipped and reported in the run's log entry.
        See ``expat.retention._anonymize_expired``, which the cron calls.

        :return: number of persons anonymised
        """
        return self.env["expat.retention"]._anonymize_expired(batch_size)

    def _compute_expat_retention_due(self):
        due = set(self._expat_retention_due_ids())
        for partner in self:
            partner.expat_retention_due = partner.id in due

    def _search_expat_retention_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        self.env["expat.privacy.request"]._check_manager()
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", self._expat_retention_due_ids())]
