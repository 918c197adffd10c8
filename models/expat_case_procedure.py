from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

FAMILY_ROLES = [
    ("spouse", "Spouse / partner"),
    ("child", "Child"),
    ("parent", "Parent"),
    ("other", "Other relative"),
]


class ExpatCaseProcedure(models.AbstractModel):
    """The case's statutory procedures and the family around it: inherited
    by ``expat.case`` (its own model, so that the case's code stays in files
    of a readable size without a second class inheriting ``expat.case``)."""

    _name = "expat.case.procedure"
    _description = "Procedures and Family of a Case"

    # ------------------------------------------------------------------
    # Procedures
    # ------------------------------------------------------------------

    procedure_ids = fields.One2many("expat.procedure", "case_id", string="Procedures")
    procedure_count = fields.Integer(compute="_compute_procedure_count")
    procedure_next_due_date = fields.Date(
        string="Next Procedure Deadline",
        compute="_compute_procedure_next_due_date",
        store=True,
        help="The earliest deadline of the case's running procedures.",
    )
    procedure_overdue = fields.Boolean(
        compute="_compute_procedure_overdue",
        search="_search_procedure_overdue",
        help="A running procedure of this case has a step past its deadline.",
    )

    # ------------------------------------------------------------------
    # Families
    # ------------------------------------------------------------------

    main_case_id = fields.Many2one(
        "expat.case",
        string="Principal's Case",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        domain="[('id', '!=', id), ('person_id', '!=', person_id)]",
        help="For a family member: the case of the person they accompany or join.",
    )
    family_case_ids = fields.One2many(
        "expat.case", "main_case_id", string="Family Members"
    )
    family_role = fields.Selection(
        FAMILY_ROLES,
        tracking=True,
        help="The family member's relation to the principal; empty on the "
        "principal's own case.",
    )
    family_count = fields.Integer(compute="_compute_family_count")

    def _compute_procedure_count(self):
        counts = dict(
            self.env["expat.procedure"]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
        )
        for case in self:
            case.procedure_count = counts.get(case, 0)

    @api.depends("procedure_ids.next_due_date")
    def _compute_procedure_next_due_date(self):
        for case in self:
            case.procedure_next_due_date = min(
                (d for d in case.procedure_ids.mapped("next_due_date") if d),
                default=False,
            )

    @api.depends("procedure_next_due_date")
    def _compute_procedure_overdue(self):
        today = fields.Date.context_today(self)
        for case in self:
            due = case.procedure_next_due_date
            case.procedure_overdue = bool(due and due < today)

    def _search_procedure_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        overdue = Domain(
            "procedure_next_due_date", "<", fields.Date.context_today(self)
        )
        return overdue if (operator == "=") == value else ~overdue

    @api.depends("family_case_ids")
    def _compute_family_count(self):
        for case in self:
            case.family_count = len(case.family_case_ids)

    @api.constrains("main_case_id", "family_role", "person_id")
    def _check_family(self):
        # Only a principal's case the user may see can be named: the link
        # would otherwise show them another organisation's client.
        self.main_case_id._expat_check_visible()
        for case in self:
            main = case.main_case_id
            if not main:
                if case.family_role:
                    raise ValidationError(
                        self.env._(
                            "Case %(case)s has a family role but no principal's "
                            "case: choose the principal's case or clear the role.",
                            case=case.display_name,
                        )
                    )
                continue
            if main == case:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s cannot be its own principal's case.",
                        case=case.display_name,
                    )
                )
            if main.person_id == case.person_id:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s and the principal's case %(main)s are "
                        "about the same person: a family member has a case of "
                        "their own.",
                        case=case.display_name,
                        main=main.display_name,
                    )
                )
            if not case.family_role:
                raise ValidationError(
                    self.env._(
                        "Say how %(person)s is related to the principal (family role).",
                        person=case.person_id.display_name,
                    )
                )
        if self.filtered("main_case_id")._has_cycle("main_case_id"):
            raise ValidationError(
                self.env._(
                    "These family links would form a loop: a principal's case "
                    "cannot belong to the family of one of its own members."
                )
            )

    def write(self, vals):
        if "main_case_id" in vals and not vals["main_case_id"]:
            vals = dict(vals, family_role=False)
        res = super().write(vals)
        if "user_id" in vals:
            # The procedure activities follow the case's advisor.
            self.procedure_ids._sync_step_activity()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_procedures(self):
        """The procedures of this case (list, form), new ones for it."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expat_service_desk.expat_procedure_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id}
        return action

    def action_start_procedure(self):
        """Open the form of a new procedure for this case (a dialog)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Start Procedure"),
            "res_model": "expat.procedure",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_case_id": self.id},
        }

    def action_add_family_member(self):
        """The "Add family member" dialog for this (principal's) case."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expat_service_desk.expat_family_member_wizard_action"
        )
        action["context"] = {"default_main_case_id": self.id}
        return action

    def action_view_family(self):
        """The cases of the family: the principal's and the members'."""
        self.ensure_one()
        principal = self.main_case_id or self
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expat_service_desk.expat_case_action"
        )
        action["domain"] = [
            "|",
            ("id", "=", principal.id),
            ("main_case_id", "=", principal.id),
        ]
        action["view_mode"] = "list,kanban,form"
        action["views"] = [(False, "list"), (False, "kanban"), (False, "form")]
        action["context"] = {}
        return action
