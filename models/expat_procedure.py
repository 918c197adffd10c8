from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_date

PROCEDURE_STATES = [
    ("running", "Running"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]


def _week_bounds(today):
    """Monday and Sunday of the calendar week of ``today``."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


class ExpatProcedure(models.Model):
    """One statutory procedure of a case (a § 81a procedure, a Blue Card
    application, ...). Its steps are made from the type when it is created,
    each due a number of days after the previous one is done."""

    _name = "expat.procedure"
    _description = "Procedure"
    _inherit = ["mail.thread", "mail.activity.mixin", "expat.procedure.schedule"]
    _order = "state_sequence, next_due_date, start_date desc, id desc"

    case_id = fields.Many2one(
        "expat.case", required=True, index=True, ondelete="cascade", tracking=True
    )
    type_id = fields.Many2one(
        "expat.procedure.type",
        string="Procedure Type",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('step_ids', '!=', False)]",
    )
    type_code = fields.Char(related="type_id.code", string="Type Code")
    legal_reference = fields.Char(related="type_id.legal_reference")
    company_id = fields.Many2one(
        related="case_id.company_id", store=True, index=True, string="Organisation"
    )
    person_id = fields.Many2one(related="case_id.person_id", string="Person")
    user_id = fields.Many2one(
        related="case_id.user_id", store=True, index=True, string="Advisor"
    )
    start_date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True
    )
    step_ids = fields.One2many(
        "expat.procedure.step", "procedure_id", string="Steps", copy=False
    )
    document_ids = fields.One2many(
        "expat.procedure.document", "procedure_id", string="Documents", copy=False
    )
    cancel_date = fields.Date(string="Cancelled on", readonly=True, copy=False)
    state = fields.Selection(
        PROCEDURE_STATES,
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        help="Running while a step is open; done once no step is open; "
        "cancelled when the desk stops following it.",
    )
    state_sequence = fields.Integer(compute="_compute_state", store=True)
    done_date = fields.Date(
        string="Finished on",
        compute="_compute_state",
        store=True,
        help="The day the last step was done or skipped.",
    )
    duration_days = fields.Integer(
        string="Days to Finish",
        compute="_compute_state",
        store=True,
        aggregator="avg",
        help="Days from the start to the day the procedure was done.",
    )
    next_step_id = fields.Many2one(
        "expat.procedure.step",
        string="Next Open Step",
        compute="_compute_next_step",
        store=True,
    )
    next_step_name = fields.Char(related="next_step_id.name", string="Next Step")
    next_due_date = fields.Date(
        string="Next Deadline",
        compute="_compute_next_step",
        store=True,
        index=True,
        help="The due date of the first open step of a running procedure.",
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="An open step is past its due date.",
    )
    is_due_this_week = fields.Boolean(
        string="Due This Week",
        compute="_compute_is_overdue",
        search="_search_is_due_this_week",
        help="The next deadline falls in the current calendar week (Monday to Sunday).",
    )
    family_case_ids = fields.Many2many(
        "expat.case",
        "expat_procedure_family_case_rel",
        "procedure_id",
        "case_id",
        string="Family Members Concerned",
        help="For a family reunification: the cases of the family members "
        "this procedure is about.",
    )
    note = fields.Html(string="Notes", sanitize_style=True)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("case_id", "type_id")
    def _compute_display_name(self):
        for procedure in self:
            procedure.display_name = " · ".join(
                part
                for part in (procedure.type_id.name, procedure.case_id.display_name)
                if part
            ) or self.env._("Procedure")

    @api.depends("cancel_date", "start_date", "step_ids.state", "step_ids.done_date")
    def _compute_state(self):
        for procedure in self:
            steps = procedure.step_ids
            finished = bool(steps) and all(s.state != "open" for s in steps)
            if procedure.cancel_date:
                procedure.state = "cancelled"
                procedure.state_sequence = 2
            elif finished:
                procedure.state = "done"
                procedure.state_sequence = 1
            else:
                procedure.state = "running"
                procedure.state_sequence = 0
            done_date = False
            if finished and not procedure.cancel_date:
                done_date = max(steps.mapped("done_date"), default=False) or False
            procedure.done_date = done_date
            procedure.duration_days = (
                (done_date - procedure.start_date).days
                if done_date and procedure.start_date
                else 0
            )

    @api.depends("cancel_date", "step_ids.state", "step_ids.due_date")
    def _compute_next_step(self):
        for procedure in self:
            open_steps = procedure.step_ids.filtered(lambda s: s.state == "open")
            if procedure.cancel_date or not open_steps:
                procedure.next_step_id = False
                procedure.next_due_date = False
                continue
            # The first open step; a date set by hand on a later step that
            # falls earlier wins the deadline (see docstring of the field).
            step = min(
                open_steps,
                key=lambda s: (s.due_date or fields.Date.to_date("9999-12-31"),),
            )
            procedure.next_step_id = step
            procedure.next_due_date = step.due_date

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        monday, sunday = _week_bounds(today)
        for procedure in self:
            due = procedure.next_due_date
            procedure.is_overdue = bool(due and due < today)
            procedure.is_due_this_week = bool(due and monday <= due <= sunday)

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        overdue = Domain("next_due_date", "<", fields.Date.context_today(self))
        return overdue if (operator == "=") == value else ~overdue

    def _search_is_due_this_week(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        monday, sunday = _week_bounds(fields.Date.context_today(self))
        this_week = Domain("next_due_date", ">=", monday) & Domain(
            "next_due_date", "<=", sunday
        )
        return this_week if (operator == "=") == value else ~this_week

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    @api.constrains("family_case_ids", "type_id", "case_id")
    def _check_family_case_ids(self):
        for procedure in self:
            members = procedure.family_case_ids
            if not members:
                continue
            if procedure.type_id.code != "family_reunification":
                raise ValidationError(
                    self.env._(
                        "Only a family reunification procedure names the family "
                        "members it concerns (procedure: %(procedure)s).",
                        procedure=procedure.display_name,
                    )
                )
            strangers = members.filtered(
                lambda member, p=procedure: member.main_case_id != p.case_id
            )
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(cases)s are not family members of case %(case)s. Add "
                        "them to the family first.",
                        cases=", ".join(strangers.mapped("display_name")),
                        case=procedure.case_id.display_name,
                    )
                )

    @api.constrains("start_date", "step_ids")
    def _check_start_date(self):
        for procedure in self:
            early = procedure.step_ids.filtered(
                lambda s, p=procedure: s.done_date and s.done_date < p.start_date
            )
            if early:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s was done on %(done)s, before the procedure "
                        "started (%(start)s).",
                        step=early[0].name,
                        done=format_date(self.env, early[0].done_date),
                        start=format_date(self.env, procedure.start_date),
                    )
                )

    def _check_type_usable(self, procedure_type):
        if not procedure_type.active:
            raise UserError(
                self.env._(
                    "The procedure type %(type)s is archived and cannot be used "
                    "for new procedures.",
                    type=procedure_type.display_name,
                )
            )
        if not procedure_type.step_ids:
            raise UserError(
                self.env._(
                    "The procedure type %(type)s has no steps. A manager must "
                    "add its steps (Configuration > Procedure Types) before it "
                    "can be used.",
                    type=procedure_type.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Create and write
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        types = self.env["expat.procedure.type"]
        for vals in vals_list:
            type_id = vals.get("type_id", self.env.context.get("default_type_id"))
            if not type_id:
                raise UserError(self.env._("Choose the type of the procedure."))
            self._check_type_usable(types.browse(type_id))
        procedures = super().create(vals_list)
        step_vals = []
        document_vals = []
        for procedure in procedures:
            for template in procedure.type_id.step_ids:
                step_vals.append(
                    {
                        "procedure_id": procedure.id,
                        "name": template.name,
                        "sequence": template.sequence,
                        "responsible": template.responsible,
                        "days": template.days,
                        "type_step_id": template.id,
                    }
                )
        steps = self.env["expat.procedure.step"].create(step_vals)
        for step in steps:
            document_vals += [
                {"step_id": step.id, "name": name, "sequence": index}
                for index, name in enumerate(step.type_step_id._document_list())
            ]
        self.env["expat.procedure.document"].create(document_vals)
        procedures._reschedule()
        procedures._sync_step_activity()
        return procedures

    def write(self, vals):
        if "type_id" in vals and any(
            procedure.type_id.id != vals["type_id"] for procedure in self
        ):
            raise UserError(
                self.env._(
                    "The type of a procedure cannot be changed once it is "
                    "started: cancel it and start a procedure of the other type."
                )
            )
        res = super().write(vals)
        if "start_date" in vals:
            self._reschedule()
        if {"start_date", "case_id", "cancel_date"} & set(vals):
            self._sync_step_activity()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_cancel(self):
        """Stop following these procedures: the state becomes ``cancelled``
        and the advisor's activity is removed. Open steps stay open."""
        self.filtered(lambda p: p.state == "running").write(
            {"cancel_date": fields.Date.context_today(self)}
        )
        return True

    def action_reopen(self):
        """Follow a cancelled procedure again (its open steps get their
        activity back)."""
        self.filtered("cancel_date").write({"cancel_date": False})
        return True

    # ------------------------------------------------------------------
    # Personal data (inventory of the privacy features)
    # ------------------------------------------------------------------

    def _expat_personal_fields(self):
        """Fields of this model that hold personal data: listed by the Art. 15
        export and cleared by the anonymisation."""
        return ["note"]

    def _expat_personal_kept_fields(self):
        """What the export also shows of a procedure and its statistics keep."""
        return ["case_id", "type_id", "start_date", "state", "done_date", "cancel_date"]

    def _expat_personal_records(self, partners):
        """The procedures of the cases of ``partners`` (archived cases too),
        as superuser."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search([("case_id.person_id", "in", partners.ids)])
        )
