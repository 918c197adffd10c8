from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ExpatTopic(models.Model):
    _name = "expat.topic"
    _description = "Consultation Topic"
    _parent_store = True
    _order = "sequence, name, id"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical key used by integrations and reports; never change it "
        "for seeded topics.",
    )
    parent_id = fields.Many2one(
        "expat.topic", string="Parent Topic", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("expat.topic", "parent_id", string="Subtopics")
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _code_unique = models.Constraint("UNIQUE(code)", "Each topic needs its own code.")

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A topic cannot be its own parent topic."))
