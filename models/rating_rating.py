from odoo import api, fields, models


class RatingRating(models.Model):
    _inherit = "rating.rating"

    # Odoo's ratings point at their record by model name and id; record
    # rules and the desk's figures need a real link to the case.
    expat_case_id = fields.Many2one(
        "expat.case",
        compute="_compute_expat_case_id",
        store=True,
        index="btree_not_null",
        readonly=True,
    )

    @api.depends("res_model", "res_id")
    def _compute_expat_case_id(self):
        for rating in self:
            rating.expat_case_id = (
                rating.res_id if rating.res_model == "expat.case" else False
            )
