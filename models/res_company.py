from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    expat_joint_controller = fields.Boolean(
        string="Runs the Expat Service Desk",
        default=True,
        help="A partner organisation of the desk: named as joint controller "
        "(Art. 26 GDPR) on the request form and in data exports.",
    )

    def _expat_joint_controllers(self):
        """The partner organisations named as joint controllers."""
        return (
            self.env["res.company"]
            .sudo()
            .search([("expat_joint_controller", "=", True)], order="id")
        )
