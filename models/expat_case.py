from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from .expat_activity import activities_by_record, place_activity, reader_env
from .expat_groups import ADVISOR_GROUP

PERMIT_REMINDER_PARAM = "expat_service_desk.permit_reminder_days"
PERMIT_REMINDER_DEFAULT = 90
RESIDENCE_STATUSES = [
    ("none", "No residence title"),
    ("visa", "Visa"),
    ("blue_card", "EU Blue Card"),
    ("skilled_worker", "Skilled worker permit"),
    ("opportunity_card", "Opportunity Card"),
    ("student", "Student / trainee"),
    ("family", "Family reunification"),
    ("eu_citizen", "EU citizen (freedom of movement)"),
    ("settlement", "Settlement permit"),
    ("other", "Other"),
]


class ExpatCase(models.Model):
    _name = "expat.case"
    _description = "Expat Case"
    _inherit = [
        "expat.dossier.mixin",
        "rating.mixin",
        "expat.case.satisfaction",
        "expat.case.intake",
        "expat.case.acknowledgement",
        "expat.case.procedure",
    ]
    _expat_sequence_code = "expat.case"
    _expat_party_field = "person_id"
    _rec_names_search = ["name", "person_id"]

    # rating.mixin's stored last rating, computed before the insert (a new
    # case has none), so that creating a case costs no extra UPDATE.
    rating_last_value = fields.Float(
        compute="_compute_rating_last_value", store=True, precompute=True
    )
    # The person's address: the mail gateway's loop protection counts the
    # cases opened per sender with it (mail.gateway.loop.threshold).
    _primary_email = "email"

    person_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', False)]",
        help="The individual this case is about.",
    )
    # Shown on the card and in the list; the change of person is tracked by
    # ``person_id``. Stored, so that a page does not fetch every person's
    # contact: the ORM rewrites it when the contact is renamed or anonymised,
    # and after a merge of contacts (Odoo rewrites the references in SQL,
    # then writes the remaining contact's values, which recomputes it).
    person_name = fields.Char(
        related="person_id.name",
        string="Person Name",
        tracking=False,
        store=True,
        precompute=True,
    )
    email = fields.Char(related="person_id.email", readonly=False, tracking=False)
    phone = fields.Char(related="person_id.phone", readonly=False, tracking=False)
    employer_id = fields.Many2one(
        "res.partner",
        index=True,
        tracking=True,
        compute="_compute_employer_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('is_company', '=', True)]",
        help="By default the company the person works for (their contact's "
        "parent company).",
    )
    company_contact_id = fields.Many2one(
        "expat.company.contact",
        index="btree_not_null",
        tracking=True,
        domain="[('partner_id', '=?', employer_id)]",
        help="The advisory relationship with the employer this case belongs to.",
    )
    consultation_ids = fields.One2many(
        "expat.consultation", "case_id", string="Consultations"
    )
    referral_ids = fields.One2many("expat.referral", "case_id", string="Referrals")
    event_registration_ids = fields.One2many(
        "event.registration", "expat_case_id", string="Event Registrations"
    )
    referral_count = fields.Integer(compute="_compute_referral_count")
    nationality_id = fields.Many2one("res.country", groups=ADVISOR_GROUP)
    country_of_residence_id = fields.Many2one(
        "res.country",
        string="Country of Residence",
        compute="_compute_country_of_residence_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Where the person lives now; by default the country of their address.",
    )
    municipality_id = fields.Many2one(
        compute="_compute_municipality_id",
        store=True,
        readonly=False,
        precompute=True,
        help="By default the municipality of the person's contact.",
    )
    residence_status = fields.Selection(
        RESIDENCE_STATUSES,
        tracking=True,
        groups=ADVISOR_GROUP,
    )
    permit_expiry_date = fields.Date(
        string="Permit Expires on",
        tracking=True,
        groups=ADVISOR_GROUP,
        help="The advisor gets a reminder activity before this date "
        "(90 days by default, see Settings).",
    )
    qualification_level = fields.Selection(
        [
            ("academic", "Academic degree"),
            ("vocational", "Vocational qualification"),
            ("none", "No formal qualification"),
            ("unknown", "Unknown"),
        ],
        groups=ADVISOR_GROUP,
    )
    occupation = fields.Char()
    recognition_status = fields.Selection(
        [
            ("not_needed", "Not needed"),
            ("not_started", "Not started"),
            ("in_progress", "In progress"),
            ("full", "Fully recognised"),
            ("partial", "Partially recognised"),
            ("refused", "Refused"),
        ],
        tracking=True,
        groups=ADVISOR_GROUP,
    )
    family_member_count = fields.Integer(
        string="Accompanying Family Members", groups=ADVISOR_GROUP
    )
    legal_basis = fields.Selection(
        [
            ("consent", "Consent (Art. 6(1)(a) GDPR)"),
            ("public_task", "Public task (Art. 6(1)(e) GDPR)"),
        ],
        default="public_task",
        tracking=True,
    )
    consent_date = fields.Date(
        tracking=True, help="When the person consented; required for consent."
    )
    consent_withdrawn_date = fields.Date(
        string="Consent Withdrawn on", tracking=True, readonly=True, copy=False
    )
    anonymized = fields.Boolean(readonly=True, copy=False)

    @api.constrains("legal_basis", "consent_date")
    def _check_consent_date(self):
        for case in self:
            if case.legal_basis == "consent" and not case.consent_date:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s is based on consent: enter the date the "
                        "person consented.",
                        case=case.name,
                    )
                )

    def _expat_dependent_threads(self):
        return [
            *super()._expat_dependent_threads(),
            self.with_context(active_test=False).referral_ids,
        ]

    def _compute_referral_count(self):
        counts = dict(
            self.env["expat.referral"]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
        )
        for case in self:
            case.referral_count = counts.get(case, 0)

    # Defaults taken from the person: computed, stored and editable, so that
    # cases opened by e-mail, the request form, the event follow-up or an
    # import get them as the form does. A value already set is kept.
    @api.depends("person_id")
    def _compute_employer_id(self):
        for case in self:
            employer = case.person_id.parent_id.commercial_partner_id
            if not case.employer_id and employer.is_company:
                case.employer_id = employer

    @api.depends("person_id")
    def _compute_country_of_residence_id(self):
        for case in self:
            if not case.country_of_residence_id and case.person_id.country_id:
                case.country_of_residence_id = case.person_id.country_id

    @api.depends("person_id")
    def _compute_municipality_id(self):
        for case in self:
            if not case.municipality_id and case.person_id.municipality_id:
                case.municipality_id = case.person_id.municipality_id

    @api.onchange("employer_id")
    def _onchange_employer_id(self):
        if self.company_contact_id.partner_id != self.employer_id:
            self.company_contact_id = self.env[
                "expat.company.contact"
            ]._expat_find_open(self.employer_id, self.company_id)

    @api.onchange("company_contact_id")
    def _onchange_company_contact_id(self):
        if self.company_contact_id:
            self.employer_id = self.company_contact_id.partner_id

    # ------------------------------------------------------------------
    # Inventory of personal data (see models/expat_personal_data.py)
    # ------------------------------------------------------------------

    def _expat_personal_fields(self):
        """Free text about the person; the statistical fields stay.

        ``person_name`` is not listed: it is the contact's name, stored for
        the lists, and is rewritten when the contact is anonymised (the
        sweep in ``tests/test_erasure_sweep.py`` reads its column too); the
        export gives the name with the contact."""
        return ["description", "occupation"]

    def _expat_personal_kept_fields(self):
        """What the case says about the person that statistics keep."""
        return [
            "name",
            "company_id",
            "user_id",
            "stage_id",
            "opened_date",
            "closed_date",
            "channel",
            "topic_ids",
            "employer_id",
            "nationality_id",
            "country_of_residence_id",
            "municipality_id",
            "residence_status",
            "permit_expiry_date",
            "qualification_level",
            "recognition_status",
            "family_member_count",
            "legal_basis",
            "consent_date",
            "consent_withdrawn_date",
            "family_role",
            "active",
        ]

    def _expat_anonymized_values(self):
        return {"anonymized": True}

    @api.model
    def _expat_personal_records(self, partners):
        """The persons' cases, archived ones included."""
        return self.with_context(active_test=False).search(
            [("person_id", "in", partners.ids)]
        )

    # ------------------------------------------------------------------
    # Permit expiry reminder
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        cases.filtered(
            lambda c: c.sudo().permit_expiry_date
        )._schedule_permit_reminder()
        return cases

    def write(self, vals):
        closing = self.filtered(lambda case: not case.is_closed)
        res = super().write(vals)
        if {"permit_expiry_date", "user_id", "stage_id"} & set(vals):
            self._schedule_permit_reminder()
        if "stage_id" in vals:
            # Once the whole change is written (closing date, tracking).
            closing.filtered("is_closed")._expat_send_rating_request()
        return res

    def _permit_reminder_days(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(PERMIT_REMINDER_PARAM, PERMIT_REMINDER_DEFAULT)
        )
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return PERMIT_REMINDER_DEFAULT

    def _schedule_permit_reminder(self):
        """One reminder activity per case, due N days before the permit
        expires; moved when the date changes, removed when it is cleared."""
        if not self:
            return
        activity_type = self.env.ref(
            "expat_service_desk.mail_activity_type_permit_expiry",
            raise_if_not_found=False,
        )
        if not activity_type:
            return
        days = self._permit_reminder_days()
        existing_by_case = activities_by_record(self, activity_type)
        for case in self:
            activity = existing_by_case.get(case.id)
            expiry = case.sudo().permit_expiry_date
            if not expiry or case.is_closed:
                if activity:
                    activity.unlink()
                continue
            deadline = expiry - timedelta(days=days)
            user = case.user_id or self.env.user
            # In the advisor's language and date format, whoever changed it.
            env = reader_env(self.env, user)
            summary = env._(
                "Residence permit expires on %(date)s",
                date=format_date(env, expiry),
            )
            place_activity(case, activity, activity_type, deadline, user, summary)

    def _rating_get_partner(self):
        """The person rates their case (rating.mixin; the survey itself is
        in ``expat.case.satisfaction``)."""
        return self.person_id

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expat_service_desk.expat_referral_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id}
        return action

    def action_expat_consent_withdrawn(self):
        """Record that the person withdrew their consent (wizard)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expat_service_desk.expat_consent_withdrawal_action"
        )
        action["context"] = {"default_case_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------

    @api.model
    def _cron_anonymize_expired(self, batch_size=200):
        """The retention job (cron ``ir_cron_expat_retention``): see
        ``res.partner._expat_anonymize_expired``.

        :return: number of persons anonymised
        """
        return self.env["expat.retention"].sudo()._anonymize_expired(batch_size)

    @api.model
    def _mail_get_partner_fields(self, introspect_fields=False):
        """Replies and suggested recipients go to the person."""
        return ["person_id"]
