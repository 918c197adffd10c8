from odoo import api, fields, models

CHANNELS = [
    ("in_person", "In person"),
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("video", "Video call"),
    ("event", "Event"),
    ("web_form", "Web form"),
    ("other", "Other"),
]


class ExpatDossierMixin(models.AbstractModel):
    """What cases and company contacts have in common: a reference from a
    sequence, an owning organisation that may share the dossier, an advisor,
    a stage with its closing date, topics, priority and colour."""

    _name = "expat.dossier.mixin"
    _description = "Expat Service Desk Dossier"
    _inherit = ["mail.activity.mixin", "mail.tracking.duration.mixin"]
    _track_duration_field = "stage_id"
    _order = "priority desc, opened_date desc, id desc"
    # Serves the default order: a page of the list or kanban reads the first
    # rows of this index instead of sorting every visible dossier.
    _order_idx = models.Index("(priority DESC, opened_date DESC, id DESC)")

    _expat_sequence_code = None  # ir.sequence code of the concrete model
    _expat_party_field = None  # the partner the dossier is about

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Organisation",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
        help="The partner organisation that owns this dossier.",
    )
    shared_company_ids = fields.Many2many(
        "res.company",
        string="Shared with",
        tracking=True,
        help="Other partner organisations whose advisors may see and edit "
        "this dossier.",
    )
    is_shared = fields.Boolean(
        string="Shared", compute="_compute_is_shared", store=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Advisor",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    stage_id = fields.Many2one(
        "expat.stage",
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_expand_stage_ids",
        default=lambda self: self._default_stage_id(),
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", string="Closed")
    date_last_stage_update = fields.Datetime(
        string="Last Stage Update",
        default=fields.Datetime.now,
        copy=False,
        readonly=True,
    )
    topic_ids = fields.Many2many("expat.topic", string="Topics")
    channel = fields.Selection(
        CHANNELS,
        string="First Contact Channel",
        help="How the first contact came about.",
    )
    opened_date = fields.Date(
        string="Opened on",
        required=True,
        default=fields.Date.context_today,
        copy=False,
    )
    closed_date = fields.Date(
        string="Closed on",
        copy=False,
        readonly=True,
        help="Set when the dossier reaches a closed stage, cleared on reopening.",
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Important"), ("2", "Urgent")],
        default="0",
        index=True,
    )
    color = fields.Integer(string="Colour")
    municipality_id = fields.Many2one("expat.municipality", index=True)
    description = fields.Html(string="Notes", sanitize_style=True)
    consultation_count = fields.Integer(
        compute="_compute_consultation_stats", string="Number of Consultations"
    )
    consultation_hours = fields.Float(
        compute="_compute_consultation_stats", string="Hours"
    )
    last_consultation_date = fields.Date(
        compute="_compute_consultation_stats", string="Last Consultation"
    )

    @api.depends(
        lambda self: ["name"]
        + ([f"{self._expat_party_field}.name"] if self._expat_party_field else [])
    )
    def _compute_display_name(self):
        for dossier in self:
            party = (
                dossier[self._expat_party_field] if self._expat_party_field else None
            )
            if party and party.name:
                dossier.display_name = f"{dossier.name} · {party.name}"
            else:
                dossier.display_name = dossier.name

    def _default_stage_id(self):
        # The XML id look-up is cached (env.ref would also query whether the
        # stage exists, once per create); a deleted stage loses its XML id.
        stage_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "expat_service_desk.expat_stage_new", raise_if_not_found=False
        )
        if stage_id:
            return self.env["expat.stage"].browse(stage_id)
        return self.env["expat.stage"].search([], limit=1)

    @api.model
    def _read_group_expand_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    @api.depends("shared_company_ids")
    def _compute_is_shared(self):
        for dossier in self:
            dossier.is_shared = bool(dossier.shared_company_ids)

    def _compute_consultation_stats(self):
        """Count, hours and last date of the dossiers' consultations in one
        grouped query for all of them (kanban cards and lists show them).
        As superuser: the consultation rule follows the dossier, so every
        consultation of a dossier the user can read is readable anyway."""
        dossier_field = self._fields["consultation_ids"].inverse_name
        stats = {
            dossier: (count, hours, last)
            for dossier, count, hours, last in self.env["expat.consultation"]
            .sudo()
            ._read_group(
                [(dossier_field, "in", self.ids)],
                [dossier_field],
                ["__count", "duration:sum", "date:max"],
            )
        }
        for dossier in self:
            count, hours, last = stats.get(dossier._origin, (0, 0.0, False))
            dossier.consultation_count = count
            dossier.consultation_hours = hours
            dossier.last_consultation_date = last

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            # The reference always comes from the sequence, whatever was
            # given (the mail gateway passes the e-mail's subject).
            opened = vals.get("opened_date") or fields.Date.context_today(self)
            vals["name"] = sequence.with_context(
                ir_sequence_date=fields.Date.to_string(fields.Date.to_date(opened))
            ).next_by_code(self._expat_sequence_code) or self.env._("New")
            if "shared_company_ids" not in vals and not self.env.context.get(
                "default_shared_company_ids"
            ):
                # Known without asking the database: saves an UPDATE.
                vals["is_shared"] = False
            if vals.get("stage_id"):
                stage = self.env["expat.stage"].browse(vals["stage_id"])
                if stage.is_closed and not vals.get("closed_date"):
                    vals["closed_date"] = fields.Date.context_today(self)
        return super().create(vals_list)

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        vals = {"date_last_stage_update": fields.Datetime.now(), **vals}
        stage = self.env["expat.stage"].browse(vals["stage_id"])
        if not stage.is_closed:
            return super().write(dict(vals, closed_date=False))
        # Moving between closed stages keeps the original closing date; an
        # explicit closing date (data import) wins.
        to_stamp = self.filtered(lambda dossier: not dossier.closed_date)
        if "closed_date" in vals:
            to_stamp = self.browse()
        res = super().write(vals)
        if to_stamp:
            super(ExpatDossierMixin, to_stamp).write(
                {"closed_date": fields.Date.context_today(self)}
            )
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [dict(vals, name=self.env._("New")) for vals in vals_list]

    @api.model
    def _expat_find_open(self, party, organisation, order=None):
        """The open dossier of ``party`` that ``organisation`` owns, if any
        (the first in ``order``, by default the model's)."""
        if not party:
            return self.browse()
        return self.search(
            [
                (self._expat_party_field, "=", party.id),
                ("company_id", "=", organisation.id),
                ("stage_id.is_closed", "=", False),
            ],
            order=order,
            limit=1,
        )

    def action_log_consultation(self):
        self.ensure_one()
        return self.env["expat.consultation"]._action_log_for(self)
