from odoo import api, fields, models
from odoo.exceptions import ValidationError

RESPONSIBLES = [
    ("desk", "Desk"),
    ("person", "Person"),
    ("employer", "Employer"),
    ("authority", "Authority"),
]


def check_step_days(steps):
    """Refuse a negative deadline on type steps or procedure steps.

    :param steps: records with ``name`` and ``days`` (days after the
        previous step, or after the procedure's start)
    :raise ValidationError: a step with ``days`` below 0
    """
    for step in steps:
        if step.days < 0:
            raise ValidationError(
                steps.env._(
                    "The deadline of step %(step)s cannot be negative "
                    "(entered: %(days)s days).",
                    step=step.name,
                    days=step.days,
                )
            )


class ExpatProcedureType(models.Model):
    """A statutory procedure as a template: its steps, who acts in each and
    the deadline that law or practice sets for it. Managers maintain them."""

    _name = "expat.procedure.type"
    _description = "Procedure Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical key, unique (used by integrations and reports).",
    )
    sequence = fields.Integer(default=10)
    legal_reference = fields.Char(
        help='The legal basis, for example "§ 81a AufenthG".',
    )
    description = fields.Text(translate=True)
    step_ids = fields.One2many(
        "expat.procedure.type.step", "type_id", string="Steps", copy=True
    )
    step_count = fields.Integer(compute="_compute_step_count")
    statutory_value_ids = fields.One2many(
        "expat.statutory.value", "type_id", string="Yearly Values"
    )
    active = fields.Boolean(default=True)

    _code_unique = models.UniqueIndex(
        "(code)", "Another procedure type already uses this code."
    )

    @api.depends("step_ids")
    def _compute_step_count(self):
        for procedure_type in self:
            procedure_type.step_count = len(procedure_type.step_ids)


class ExpatProcedureTypeStep(models.Model):
    """One step of a procedure type. ``days`` is the deadline: the step is
    due this many days after the previous step is done (the first one this
    many days after the procedure starts)."""

    _name = "expat.procedure.type.step"
    _description = "Procedure Type Step"
    _order = "type_id, sequence, id"

    type_id = fields.Many2one(
        "expat.procedure.type",
        string="Procedure Type",
        required=True,
        index=True,
        ondelete="cascade",
    )
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    responsible = fields.Selection(
        RESPONSIBLES,
        required=True,
        default="desk",
        help="Who acts in this step.",
    )
    days = fields.Integer(
        string="Deadline (days)",
        default=0,
        help="Due this many calendar days after the previous step is done "
        "(the first step: after the procedure's start).",
    )
    document_names = fields.Text(
        string="Documents",
        translate=True,
        help="The documents this step needs, one per line; each procedure "
        "gets them as a checklist.",
    )
    legal_note = fields.Char(
        string="Source",
        translate=True,
        help="Where the deadline comes from (law, ordinance or practice).",
    )

    @api.constrains("days")
    def _check_days(self):
        check_step_days(self)

    def _document_list(self):
        """The step's documents as a list of names (empty lines dropped)."""
        self.ensure_one()
        return [
            line.strip()
            for line in (self.document_names or "").splitlines()
            if line.strip()
        ]


class ExpatStatutoryValue(models.Model):
    """A value that the law changes yearly (such as the Blue Card salary
    thresholds). Next year's value is a new line with its own valid-from
    date, so the history stays as it was."""

    _name = "expat.statutory.value"
    _description = "Statutory Value"
    _order = "code, valid_from desc, id desc"

    type_id = fields.Many2one(
        "expat.procedure.type",
        string="Procedure Type",
        index=True,
        ondelete="set null",
    )
    code = fields.Char(
        required=True,
        help="Key of the value; the lines sharing a key form its history.",
    )
    name = fields.Char(required=True, translate=True)
    valid_from = fields.Date(string="Valid from", required=True)
    amount = fields.Float(digits=(16, 2))
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.ref("base.EUR")
    )
    legal_reference = fields.Char(string="Source")

    _code_valid_from_unique = models.UniqueIndex(
        "(code, valid_from)",
        "There is already a value with this key valid from this date.",
    )

    @api.model
    def _get_value(self, code, on_date=None):
        """The line of key ``code`` in force on ``on_date`` (default today):
        the one with the latest ``valid_from`` not after that date.

        :param str code: the value's key, e.g. ``blue_card_salary_general``
        :param date on_date: the day asked about
        :return: an ``expat.statutory.value`` record, empty when none applies
        """
        on_date = on_date or fields.Date.context_today(self)
        return self.search(
            [("code", "=", code), ("valid_from", "<=", on_date)],
            order="valid_from desc, id desc",
            limit=1,
        )
