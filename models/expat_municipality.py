from odoo import fields, models


class ExpatMunicipality(models.Model):
    _name = "expat.municipality"
    _description = "Municipality"
    _order = "district, name, id"

    name = fields.Char(required=True)
    district = fields.Selection(
        [
            ("duesseldorf", "Düsseldorf"),
            ("kreis_mettmann", "Kreis Mettmann"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    active = fields.Boolean(default=True)

    _name_unique = models.Constraint(
        "UNIQUE(name)", "This municipality exists already."
    )
