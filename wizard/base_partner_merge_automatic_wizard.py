from odoo import fields, models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    expat_merge_note = fields.Text(
        string="Other Look-alikes",
        readonly=True,
        help="Look-alikes of the person that cannot be merged in this step, "
        "and what to do with them (set by Possible Duplicates on a contact).",
    )
