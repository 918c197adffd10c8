from odoo import fields, models
from odoo.tools import SQL

from .expat_procedure import PROCEDURE_STATES


class ExpatProcedureReport(models.Model):
    """Figures about the statutory procedures, for Reporting users: one row
    per procedure with its type, state, organisation and dates, and no link
    to the case or the person.

    The days from start to done are averaged in the pivot: Odoo 19's
    ``read_group`` offers sum, avg, min, max and counts but no median
    (``READ_GROUP_AGGREGATE`` in ``odoo/orm/models.py``)."""

    _name = "expat.procedure.report"
    _description = "Procedure Figures"
    _auto = False
    _rec_name = "type_id"
    _order = "start_date desc, id desc"
    _depends = {
        "expat.procedure": [
            "type_id",
            "state",
            "company_id",
            "start_date",
            "done_date",
            "duration_days",
            "next_due_date",
        ],
    }

    type_id = fields.Many2one(
        "expat.procedure.type", string="Procedure Type", readonly=True
    )
    state = fields.Selection(PROCEDURE_STATES, readonly=True)
    company_id = fields.Many2one("res.company", string="Organisation", readonly=True)
    start_date = fields.Date(string="Started on", readonly=True)
    done_date = fields.Date(string="Finished on", readonly=True)
    duration_days = fields.Float(
        string="Days to Finish (average)",
        readonly=True,
        aggregator="avg",
        help="Days from the start to the day the last step was done, "
        "averaged over the finished procedures (empty for the others).",
    )
    is_overdue = fields.Boolean(string="Overdue", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT p.id AS id,
                   p.type_id AS type_id,
                   p.state AS state,
                   p.company_id AS company_id,
                   p.start_date AS start_date,
                   p.done_date AS done_date,
                   CASE WHEN p.state = 'done' THEN p.duration_days END
                       AS duration_days,
                   COALESCE(p.next_due_date < CURRENT_DATE, FALSE) AS is_overdue
              FROM expat_procedure p
            """
        )
