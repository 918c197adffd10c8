from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_date

from .expat_procedure_type import RESPONSIBLES, check_step_days

STEP_STATES = [("open", "Open"), ("done", "Done"), ("skipped", "Skipped")]


class ExpatProcedureStep(models.Model):
    """One step of a procedure, made from a step of its type."""

    _name = "expat.procedure.step"
    _description = "Procedure Step"
    _order = "procedure_id, sequence, id"

    procedure_id = fields.Many2one(
        "expat.procedure", required=True, index=True, ondelete="cascade"
    )
    type_step_id = fields.Many2one(
        "expat.procedure.type.step", string="Template Step", ondelete="set null"
    )
    company_id = fields.Many2one(
        related="procedure_id.company_id", store=True, index=True
    )
    case_id = fields.Many2one(related="procedure_id.case_id", string="Case")
    type_id = fields.Many2one(
        related="procedure_id.type_id", store=True, string="Procedure Type"
    )
    procedure_state = fields.Selection(
        related="procedure_id.state", string="Procedure State"
    )
    user_id = fields.Many2one(related="procedure_id.user_id", string="Advisor")
    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    responsible = fields.Selection(RESPONSIBLES, required=True, default="desk")
    days = fields.Integer(
        string="Deadline (days)",
        help="Due this many days after the previous step is done.",
    )
    due_date = fields.Date(index=True)
    done_date = fields.Date(string="Done on", copy=False)
    state = fields.Selection(
        STEP_STATES, required=True, default="open", index=True, copy=False
    )
    note = fields.Char()
    document_ids = fields.One2many(
        "expat.procedure.document", "step_id", string="Documents"
    )
    document_missing_count = fields.Integer(
        string="Missing Documents", compute="_compute_document_missing_count"
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
    )

    @api.depends("procedure_id", "name")
    def _compute_display_name(self):
        for step in self:
            step.display_name = " · ".join(
                part
                for part in (step.name, step.procedure_id.case_id.display_name)
                if part
            )

    @api.depends("document_ids.received")
    def _compute_document_missing_count(self):
        for step in self:
            step.document_missing_count = len(
                step.document_ids.filtered(lambda d: not d.received)
            )

    @api.depends("state", "due_date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for step in self:
            step.is_overdue = bool(
                step.state == "open"
                and step.due_date
                and step.due_date < today
                and step.procedure_id.state == "running"
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        overdue = (
            Domain("state", "=", "open")
            & Domain("due_date", "<", fields.Date.context_today(self))
            & Domain("procedure_id.state", "=", "running")
        )
        return overdue if (operator == "=") == value else ~overdue

    @api.constrains("done_date", "state")
    def _check_done_date(self):
        today = fields.Date.context_today(self)
        for step in self:
            if step.state == "open" or not step.done_date:
                continue
            start = step.procedure_id.start_date
            if step.done_date > today:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s cannot be done on %(date)s: that is in "
                        "the future.",
                        step=step.name,
                        date=format_date(self.env, step.done_date),
                    )
                )
            if start and step.done_date < start:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s cannot be done on %(date)s, before the "
                        "procedure started (%(start)s).",
                        step=step.name,
                        date=format_date(self.env, step.done_date),
                        start=format_date(self.env, start),
                    )
                )

    @api.constrains("days")
    def _check_days(self):
        check_step_days(self)

    def write(self, vals):
        res = super().write(vals)
        if self.env.context.get("expat_procedure_rescheduling"):
            return res
        if {"done_date", "state", "days", "sequence"} & set(vals):
            procedures = self.procedure_id
            procedures._reschedule()
            procedures._sync_step_activity()
        elif "due_date" in vals:
            self.procedure_id._sync_step_activity()
        return res

    def _close(self, state):
        today = fields.Date.context_today(self)
        for step in self:
            procedure = step.procedure_id
            if procedure.state == "cancelled":
                raise UserError(
                    self.env._(
                        "The procedure %(procedure)s is cancelled: reopen it "
                        "before you record its steps.",
                        procedure=procedure.display_name,
                    )
                )
            if step.state != "open":
                raise UserError(
                    self.env._(
                        "Step %(step)s is already closed.",
                        step=step.name,
                    )
                )
            if procedure.start_date > today:
                raise UserError(
                    self.env._(
                        "The procedure %(procedure)s only starts on %(start)s: "
                        "its steps cannot be done before.",
                        procedure=procedure.display_name,
                        start=format_date(self.env, procedure.start_date),
                    )
                )
        self.write({"state": state, "done_date": today})
        return True

    def action_done(self):
        """Mark these open steps done today. The following open steps become
        due their ``days`` after today (one after the other), and the
        advisor's activity moves to the next step, or goes away when no step
        is left open (the procedure is then ``done``).

        :raise UserError: the step is not open, the procedure is cancelled or
            has not started yet
        :return: True
        """
        return self._close("done")

    def action_skip(self):
        """Skip these open steps (not needed in this procedure), today. The
        following steps are rescheduled from today as with
        :meth:`action_done`.

        :raise UserError: as :meth:`action_done`
        :return: True
        """
        return self._close("skipped")

    def action_reopen(self):
        """Open a done or skipped step again (a mistake): its date is cleared
        and the deadlines after it are planned again."""
        self.filtered(lambda s: s.state != "open").write(
            {"state": "open", "done_date": False}
        )
        return True

    def _expat_personal_fields(self):
        """Free text of a step that may describe the person."""
        return ["note"]

    def _expat_personal_kept_fields(self):
        """The step itself: name from the type, dates, state."""
        return ["procedure_id", "name", "responsible", "due_date", "done_date", "state"]

    def _expat_personal_records(self, partners):
        """The steps of the procedures of ``partners``' cases."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search([("procedure_id.case_id.person_id", "in", partners.ids)])
        )
