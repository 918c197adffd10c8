from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from .expat_case import RESIDENCE_STATUSES
from .expat_dossier_mixin import CHANNELS
from .expat_groups import ADVISOR_GROUP, MANAGER_GROUP
from .res_partner import COMPANY_SIZES

MAX_DURATION_HOURS = 24.0


class ExpatConsultation(models.Model):
    _name = "expat.consultation"
    _description = "Consultation"
    _order = "date desc, id desc"

    case_id = fields.Many2one("expat.case", index="btree_not_null", ondelete="cascade")
    company_contact_id = fields.Many2one(
        "expat.company.contact",
        index="btree_not_null",
        ondelete="cascade",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    duration = fields.Float(
        string="Duration (hours)",
        default=1.0,
        help="Time spent in the session, in hours (0 to 24).",
    )
    channel = fields.Selection(CHANNELS, default="in_person", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Advisor",
        default=lambda self: self._default_user_id(),
        index=True,
        domain="[('share', '=', False)]",
        help="An internal user of the dossier's organisation or of one it is "
        "shared with.",
    )
    topic_ids = fields.Many2many("expat.topic", string="Topics")
    note = fields.Html(sanitize_style=True)
    company_id = fields.Many2one(
        "res.company",
        string="Organisation",
        compute="_compute_company_id",
        store=True,
        index=True,
        readonly=True,
    )
    is_first = fields.Boolean(
        string="First Consultation",
        compute="_compute_is_first",
        store=True,
        help="The earliest consultation of its dossier (first contact).",
    )
    dossier_type = fields.Selection(
        [("individual", "Individual"), ("company", "Company")],
        compute="_compute_dossier_type",
        store=True,
        string="Advised",
    )

    import_origin = fields.Char(
        string="Imported from",
        readonly=True,
        copy=False,
        help="The file of the desk's history this consultation was imported "
        "from (Configuration > Import History).",
    )
    import_key = fields.Char(
        readonly=True,
        copy=False,
        groups=MANAGER_GROUP,
        help="Fingerprint of the imported row, so that importing the same "
        "file again creates nothing new. Cleared by anonymisation.",
    )

    # Dimensions of the desk's figures, kept here so that the report and the
    # KPIs read one table (see docs/performance.md).
    organisation_id = fields.Many2one(
        "res.partner",
        string="Company",
        compute="_compute_report_dimensions",
        store=True,
        index="btree_not_null",
        help="The company advised, or the employer of the individual.",
    )
    person_id = fields.Many2one(
        related="case_id.person_id", store=True, index="btree_not_null"
    )
    municipality_id = fields.Many2one(
        "expat.municipality",
        compute="_compute_report_dimensions",
        store=True,
    )
    company_size = fields.Selection(
        COMPANY_SIZES, compute="_compute_report_dimensions", store=True
    )
    nationality_id = fields.Many2one(
        "res.country",
        compute="_compute_person_dimensions",
        store=True,
        compute_sudo=True,
        groups=ADVISOR_GROUP,
    )
    nationality_area = fields.Selection(
        [("eu", "EU"), ("non_eu", "Non-EU")],
        string="EU / Non-EU",
        compute="_compute_person_dimensions",
        store=True,
        compute_sudo=True,
        groups=ADVISOR_GROUP,
    )
    residence_status = fields.Selection(
        RESIDENCE_STATUSES,
        compute="_compute_person_dimensions",
        store=True,
        compute_sudo=True,
        groups=ADVISOR_GROUP,
    )

    _import_key_unique = models.UniqueIndex(
        "(import_key) WHERE import_key IS NOT NULL",
        "This row of the desk's history has already been imported.",
    )

    @api.depends(
        "case_id.employer_id.company_size",
        "case_id.municipality_id",
        "company_contact_id.partner_id.company_size",
        "company_contact_id.municipality_id",
    )
    def _compute_report_dimensions(self):
        for consultation in self:
            dossier = consultation._dossier()
            organisation = (
                consultation.company_contact_id.partner_id
                or consultation.case_id.employer_id
            )
            consultation.organisation_id = organisation
            consultation.company_size = organisation.company_size
            consultation.municipality_id = dossier.municipality_id

    @api.depends("case_id.nationality_id", "case_id.residence_status")
    def _compute_person_dimensions(self):
        europe = self.env.ref("base.europe", raise_if_not_found=False)
        eu_countries = europe.country_ids if europe else self.env["res.country"]
        for consultation in self:
            case = consultation.case_id
            nationality = case.nationality_id
            consultation.nationality_id = nationality
            consultation.residence_status = case.residence_status
            if not nationality:
                consultation.nationality_area = False
            elif nationality in eu_countries:
                consultation.nationality_area = "eu"
            else:
                consultation.nationality_area = "non_eu"

    @api.depends("case_id.company_id", "company_contact_id.company_id")
    def _compute_company_id(self):
        for consultation in self:
            dossier = consultation._dossier()
            consultation.company_id = dossier.company_id

    @api.depends("case_id", "company_contact_id")
    def _compute_dossier_type(self):
        for consultation in self:
            if consultation.case_id:
                consultation.dossier_type = "individual"
            elif consultation.company_contact_id:
                consultation.dossier_type = "company"
            else:
                consultation.dossier_type = False

    @api.depends(
        "date",
        "case_id.consultation_ids.date",
        "company_contact_id.consultation_ids.date",
    )
    def _compute_is_first(self):
        first_by_dossier = {}
        for consultation in self:
            dossier = consultation._dossier()
            if not dossier:
                consultation.is_first = False
                continue
            if dossier not in first_by_dossier:
                first_by_dossier[dossier] = min(
                    dossier.consultation_ids,
                    key=lambda c: (
                        c.date or fields.Date.to_date("9999-12-31"),
                        c.id if isinstance(c.id, int) else float("inf"),
                    ),
                    default=None,
                )
            consultation.is_first = first_by_dossier[dossier] == consultation

    @api.depends("case_id", "company_contact_id", "date")
    def _compute_display_name(self):
        for consultation in self:
            dossier = consultation._dossier()
            consultation.display_name = dossier.display_name or self.env._(
                "Consultation"
            )

    def _dossier(self):
        self.ensure_one()
        return self.case_id or self.company_contact_id

    # ------------------------------------------------------------------
    # Inventory of personal data (see models/expat_personal_data.py)
    # ------------------------------------------------------------------

    def _expat_personal_fields(self):
        # import_key: a fingerprint of the imported row (name, e-mail, …).
        return ["note", "import_key"]

    def _expat_personal_kept_fields(self):
        return [
            "case_id",
            "date",
            "duration",
            "channel",
            "user_id",
            "topic_ids",
            "import_origin",
        ]

    @api.model
    def _expat_personal_records(self, partners):
        """The consultations of the persons' cases."""
        return self.search([("person_id", "in", partners.ids)])

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    def _single_dossier_error(self):
        return ValidationError(
            self.env._(
                "A consultation belongs to exactly one dossier: choose either "
                "a case or a company contact, not both and not neither."
            )
        )

    @api.constrains("case_id", "company_contact_id")
    def _check_single_dossier(self):
        for consultation in self:
            if bool(consultation.case_id) == bool(consultation.company_contact_id):
                raise self._single_dossier_error()

    def _default_user_id(self):
        """The user logging the consultation, unless code runs as superuser."""
        user = self.env.user
        return user if not self.env.su and not user.share else user.browse()

    @api.constrains("user_id", "case_id", "company_contact_id")
    def _check_user_id(self):
        """The advisor of a consultation works for one of its dossier's
        organisations (Isolation of assignments)."""
        for consultation in self:
            dossier = consultation._dossier()
            # A dossier the user cannot see: refused as such, without naming
            # it or its organisations.
            dossier._expat_check_visible()
            user = consultation.user_id
            if user and dossier and dossier._expat_outsiders(user):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot be the advisor of a consultation on "
                        "%(dossier)s: they work for none of its organisations "
                        "(%(organisations)s).",
                        user=user.sudo().name,
                        dossier=dossier.name,
                        organisations=", ".join(
                            dossier.sudo()._expat_allowed_companies().mapped("name")
                        ),
                    )
                )

    @api.constrains("duration")
    def _check_duration(self):
        for consultation in self:
            if not 0 <= consultation.duration <= MAX_DURATION_HOURS:
                raise ValidationError(
                    self.env._(
                        "The duration of a consultation must be between 0 and "
                        "%(max)s hours (entered: %(value)s).",
                        max=int(MAX_DURATION_HOURS),
                        value=consultation.duration,
                    )
                )

    @api.constrains("date")
    def _check_date(self):
        for consultation in self:
            today = fields.Date.context_today(consultation)
            if consultation.date and consultation.date > today:
                raise ValidationError(
                    self.env._(
                        "A consultation cannot be dated in the future "
                        "(%(date)s). Plan future sessions as activities on the "
                        "dossier.",
                        date=format_date(self.env, consultation.date),
                    )
                )

    def _check_dossier_open(self):
        for consultation in self:
            dossier = consultation._dossier()
            if dossier.is_closed:
                raise UserError(
                    self.env._(
                        "%(dossier)s is closed. Reopen it (move it back to an "
                        "open stage) before logging a new consultation.",
                        dossier=dossier.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # Checked before creating: without a dossier there is no organisation
        # and the record rules would answer with a confusing access error.
        context = self.env.context
        for vals in vals_list:
            case = vals.get("case_id", context.get("default_case_id"))
            contact = vals.get(
                "company_contact_id", context.get("default_company_contact_id")
            )
            if bool(case) == bool(contact):
                raise self._single_dossier_error()
        consultations = super().create(vals_list)
        consultations._check_dossier_open()
        return consultations

    def write(self, vals):
        res = super().write(vals)
        if {"case_id", "company_contact_id"} & set(vals):
            self._check_dossier_open()
        return res

    @api.model
    def _action_log_for(self, dossier):
        """Open the small "Log consultation" dialog for a case or a company
        contact."""
        dossier.ensure_one()
        field = "case_id" if dossier._name == "expat.case" else "company_contact_id"
        self.new({field: dossier.id})._check_dossier_open()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Consultation"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "expat_service_desk.expat_consultation_view_form_dialog"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
            "context": {
                f"default_{field}": dossier.id,
                "default_topic_ids": dossier.topic_ids.ids,
                "default_user_id": self.env.user.id,
            },
        }
