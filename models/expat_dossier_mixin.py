from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

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
        default=lambda self: self._default_user_id(),
        domain="[('share', '=', False), ('company_ids', 'in', "
        "[company_id] + shared_company_ids)]",
        help="An internal user of the owning organisation or of one it shares "
        "the dossier with.",
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
    is_closed = fields.Boolean(
        related="stage_id.is_closed",
        string="Closed",
        store=True,
        precompute=True,
        index=True,
        help="The dossier is in a closed stage. The one rule for open dossiers: "
        "see _expat_open_domain().",
    )
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

    def _default_user_id(self):
        """The user creating the dossier, unless code runs as superuser
        (mail gateway, crons, imports): they make nobody the advisor."""
        user = self.env.user
        return user if not self.env.su and not user.share else user.browse()

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
        """Show every stage as a kanban column, even an empty one.

        :param stages: the stages that hold records in the current grouping
        :param domain: the kanban's domain (unused: stages are shared)
        :return: ``expat.stage`` recordset in the stages' order
        """
        # The stages are a short list kept by managers, read whole on purpose.
        return stages.search([], order=stages._order)  # pylint: disable=no-search-all

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

    # The activity widgets of the list and kanban ask for six activity fields
    # of every row, while most dossiers have no open activity. Mail computes
    # them field by field and record by record, reading ``activity_ids``
    # each time. Rows without activities get the empty values of all six at
    # the first of them; the others go through mail's computes (and
    # ``web_read`` below spares a page even the read of the empty cells).
    _EXPAT_ACTIVITY_FIELDS = (
        "activity_state",
        "activity_exception_decoration",
        "activity_exception_icon",
        "activity_type_id",
        "activity_summary",
        "activity_type_icon",
    )

    # Mail restricts these fields to internal users because its mixin also
    # serves documents that portal users read. Only the desk's groups, which
    # imply internal user, can read a dossier at all, so the check adds
    # nothing here but one group test per row and field of every page
    # (330 on a kanban page of 80 cards).
    activity_ids = fields.One2many(groups=None)
    activity_state = fields.Selection(groups=None)
    activity_type_id = fields.Many2one(groups=None)
    activity_summary = fields.Char(groups=None)

    def _expat_activity_holders(self):
        """The records of ``self`` that have at least one activity, and the
        new ones (a form being edited: mail's computes decide for them).

        ``activity_ids`` bypasses search access (mail decides who sees an
        activity by the document), so its value is the same for every user:
        it is read as superuser only so that the activities are not checked
        once more through the dossiers the user is reading.

        :return: recordset of ``self``'s model, in ``self``'s environment
        """
        holder_ids = set(self.sudo().activity_ids.mapped("res_id"))
        return self.browse(
            [id_ for id_ in self._ids if not isinstance(id_, int) or id_ in holder_ids]
        )

    def _compute_field_value(self, field):
        if field.name not in self._EXPAT_ACTIVITY_FIELDS:
            return super()._compute_field_value(field)
        holders = self._expat_activity_holders()
        idle = self - holders
        if idle:
            names = self._EXPAT_ACTIVITY_FIELDS
            with self.env.protecting([self._fields[name] for name in names], idle):
                for name in names:
                    idle[name] = False
        if holders:
            # As superuser, as mail computes the related ones: the values
            # depend on the activities, not on who looks (whoever reads the
            # dossier may see all its activities), and each activity is not
            # access-checked a second time.
            super(ExpatDossierMixin, holders.sudo())._compute_field_value(field)
        return None

    @api.readonly
    def web_read(self, specification):
        """The web client's read, with the activity widget's fields of a list
        or kanban page given in one pass: the rows without activities get
        ``False`` for each of them without the ORM's read of every cell; the
        rows with activities are read by the ORM (mail's values). Single
        records (forms) and other reads go through ``_compute_field_value``.

        :param specification: the web client's field specification
            ({field name: {...}}), as for ``BaseModel.web_read``
        :return: list of dicts, one per record, exactly as ``web_read``
        """
        names = [name for name in self._EXPAT_ACTIVITY_FIELDS if name in specification]
        others = {
            name: spec for name, spec in specification.items() if name not in names
        }
        if (
            not names
            # Nothing else read: the ORM would not check the access.
            or not set(others) - {"id"}
            or len(self) < 2
            or not all(isinstance(id_, int) for id_ in self._ids)
        ):
            return super().web_read(specification)
        # The ORM's read of the other fields checks the access to every row
        # before anything about the activities is looked at.
        values_list = super().web_read(others)
        holders = self._expat_activity_holders()
        held = {}
        if holders:
            held = {
                values["id"]: values
                for values in super(ExpatDossierMixin, holders).web_read(
                    {name: specification[name] for name in names}
                )
            }
        for values in values_list:
            activity_values = held.get(values["id"])
            for name in names:
                values[name] = activity_values[name] if activity_values else False
        return values_list

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("user_id"):
                # Refused before anything happens: no follower, no notice.
                self.new(
                    {
                        "company_id": vals.get("company_id") or self.env.company.id,
                        "shared_company_ids": vals.get("shared_company_ids", []),
                    }
                )._expat_check_user_id(self.env["res.users"].browse(vals["user_id"]))
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
        dossiers = super().create(vals_list)
        dossiers._expat_check_user_id()
        return dossiers

    def write(self, vals):
        organisations_change = bool({"company_id", "shared_company_ids"} & set(vals))
        if "user_id" in vals and not organisations_change:
            # Refused before anything happens: no follower, no notice.
            self._expat_check_user_id(self.env["res.users"].browse(vals["user_id"]))
        to_stamp = self.browse()
        if "stage_id" in vals:
            vals = {"date_last_stage_update": fields.Datetime.now(), **vals}
            if not self.env["expat.stage"].browse(vals["stage_id"]).is_closed:
                vals["closed_date"] = False
            elif "closed_date" not in vals:
                # Moving between closed stages keeps the original closing
                # date; an explicit closing date (data import) wins.
                to_stamp = self.filtered(lambda dossier: not dossier.closed_date)
        allowed_before = {
            dossier.id: dossier._expat_allowed_companies()
            for dossier in (self if organisations_change else self.browse())
        }
        res = super().write(vals)
        if to_stamp:
            super(ExpatDossierMixin, to_stamp).write(
                {"closed_date": fields.Date.context_today(self)}
            )
        if organisations_change:
            self.filtered(
                lambda dossier: allowed_before[dossier.id]
                - dossier._expat_allowed_companies()
            )._expat_remove_outsiders()
            self._expat_check_user_id()
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [dict(vals, name=self.env._("New")) for vals in vals_list]

    def _expat_check_visible(self):
        """Raise AccessError unless the user behind the current environment
        may read these dossiers, even from sudo code (Odoo runs constraints
        as superuser). Linking a dossier the user cannot see (as a
        principal's case, in a dialog) would show them its person's name.
        Odoo itself (data loading, crons) is not checked.

        :raise AccessError: a dossier the user cannot read
        """
        if self and self.env.uid != SUPERUSER_ID:
            self.sudo(False).check_access("read")

    @api.model
    def _expat_open_domain(self):
        """The domain of open dossiers: not in a closed stage.

        Every search for open or closed dossiers (wizards, privacy, retention,
        the *Open* filter) uses this rule, read from the stored, indexed
        ``is_closed``.

        :return: a domain (list) on this model
        """
        return [("is_closed", "=", False)]

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
                *self._expat_open_domain(),
            ],
            order=order,
            limit=1,
        )

    def action_log_consultation(self):
        self.ensure_one()
        return self.env["expat.consultation"]._action_log_for(self)

    # ------------------------------------------------------------------
    # Isolation of assignments
    # ------------------------------------------------------------------

    def _expat_allowed_companies(self):
        """The organisations whose users may work on this dossier."""
        self.ensure_one()
        return self.company_id | self.shared_company_ids

    def _expat_outsiders(self, users):
        """Those of ``users`` who may not work on this dossier: portal and
        public users, and internal users of none of its organisations."""
        allowed = self._expat_allowed_companies()
        return users.filtered(
            lambda user: user.share or not (user.sudo().company_ids & allowed)
        )

    def _expat_check_user_id(self, user=None):
        """The advisor (``user``, else each dossier's ``user_id``) must be an
        internal user of the dossier's organisation or of one it is shared
        with.

        :raise ValidationError: naming the user, the dossier and what to do
        """
        for dossier in self:
            advisor = dossier.user_id if user is None else user
            if advisor and dossier._expat_outsiders(advisor):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot be the advisor of %(dossier)s: they "
                        "work for none of its organisations (%(organisations)s). "
                        "Choose an advisor of these organisations, or share "
                        "the dossier with the advisor's organisation first.",
                        user=advisor.sudo().name,
                        dossier=dossier.name
                        if dossier.id
                        else self.env._("a new dossier"),
                        organisations=", ".join(
                            dossier.sudo()._expat_allowed_companies().mapped("name")
                        ),
                    )
                )

    def _expat_dependent_threads(self):
        """Records with a chatter that hang off this dossier (extended by
        models that have some, e.g. referrals of a case).

        :return: list of recordsets
        """
        return []

    def _expat_remove_outsiders(self):
        """After an organisation left the dossier: its users stop following
        the dossier and what hangs off it, their activities there pass to
        the dossier's advisor (else to the user making the change, when they
        may work on it), and they stop being its advisor."""
        Activity = self.env["mail.activity"].sudo()
        for dossier in self:
            threads = [dossier, *dossier._expat_dependent_threads()]
            ids_by_model = {}
            for records in threads:
                ids_by_model.setdefault(records._name, []).extend(records.ids)
            on_threads = Domain.OR(
                Domain("res_model", "=", model) & Domain("res_id", "in", ids)
                for model, ids in ids_by_model.items()
            )
            followers = self.env["mail.followers"].sudo().search(on_threads)
            users = followers.partner_id.sudo().with_context(active_test=False).user_ids
            if dossier.user_id:
                users |= dossier.user_id
            activities = Activity.search(on_threads)
            users |= activities.user_id
            outsiders = dossier._expat_outsiders(users)
            if not outsiders:
                continue
            leaving = outsiders.partner_id.filtered(
                lambda partner, outsiders=outsiders: not (
                    partner.with_context(active_test=False).user_ids - outsiders
                )
            )
            followers.filtered(
                lambda f, leaving=leaving: f.partner_id in leaving
            ).unlink()
            if dossier.user_id in outsiders:
                dossier.user_id = False
            heir = dossier.user_id or self.env.user
            if dossier._expat_outsiders(heir):
                heir = heir.browse()
            activities.filtered(
                lambda activity, outsiders=outsiders: activity.user_id in outsiders
            ).write({"user_id": heir.id})
