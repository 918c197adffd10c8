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

    def write(self, vals):
        """Odoo stamps ``rated_on`` whenever the comment is written; clearing
        the comment of a case's rating (anonymisation) is not rating anew:
        the day stays, and so do the desk's figures."""
        keep = (
            "feedback" in vals
            and not vals["feedback"]
            and "rating" not in vals
            and "rated_on" not in vals
        )
        kept = self.filtered("expat_case_id") if keep else self.browse()
        rated_on = {rating.id: rating.rated_on for rating in kept}
        result = super().write(vals)
        for day, ratings in kept.grouped(lambda r: rated_on[r.id]).items():
            super(RatingRating, ratings).write({"rated_on": day})
        return result

    # ------------------------------------------------------------------
    # Inventory of personal data (see models/expat_personal_data.py)
    # ------------------------------------------------------------------

    def _expat_personal_fields(self):
        """The person's comment and the link to the person; the value and
        the day stay for the figures."""
        return ["feedback", "partner_id"]

    def _expat_personal_kept_fields(self):
        return ["expat_case_id", "rated_on", "rating_text", "consumed"]

    @api.model
    def _expat_personal_records(self, partners):
        """The ratings (asked or given) of the persons' cases."""
        return self.search([("expat_case_id.person_id", "in", partners.ids)])
