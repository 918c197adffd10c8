from odoo import fields, models


class ExpatStage(models.Model):
    _name = "expat.stage"
    _description = "Dossier Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(
        string="Folded in Kanban",
        help="Folded stages are collapsed in the kanban view.",
    )
    is_closed = fields.Boolean(
        string="Closed Stage",
        help="Dossiers in this stage are closed: they get a closing date and "
        "accept no new consultations until they are reopened.",
    )
    rotting_threshold_days = fields.Integer(
        string="Days to Stale",
        help="A dossier that stays longer than this in the stage is shown as "
        "stale on its card. 0 disables it.",
    )
    description = fields.Text(translate=True)
