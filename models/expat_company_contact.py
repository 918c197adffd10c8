from odoo import api, fields, models


class ExpatCompanyContact(models.Model):
    _name = "expat.company.contact"
    _description = "Company Contact"
    _inherit = ["expat.dossier.mixin"]
    _expat_sequence_code = "expat.company.contact"
    _expat_party_field = "partner_id"
    _rec_names_search = ["name", "partner_id"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Company",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        help="The employer the desk advises.",
    )
    contact_person_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        domain="[('is_company', '=', False), ('parent_id', '=?', partner_id)]",
    )
    company_size = fields.Selection(related="partner_id.company_size")
    ihk_member = fields.Boolean(related="partner_id.ihk_member")
    planned_hire_count = fields.Integer(
        string="Planned International Hires",
        help="How many international employees the company plans to hire.",
    )
    recruiting_country_ids = fields.Many2many(
        "res.country", string="Recruiting Countries"
    )
    case_ids = fields.One2many(
        "expat.case", "company_contact_id", string="Employee Cases"
    )
    case_count = fields.Integer(compute="_compute_case_count", string="Cases")
    consultation_ids = fields.One2many(
        "expat.consultation", "company_contact_id", string="Consultations"
    )
    event_registration_ids = fields.One2many(
        "event.registration", "company_contact_id", string="Event Registrations"
    )

    def _compute_case_count(self):
        counts = dict(
            self.env["expat.case"]._read_group(
                [("company_contact_id", "in", self.ids)],
                ["company_contact_id"],
                ["__count"],
            )
        )
        for contact in self:
            contact.case_count = counts.get(contact, 0)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id
        if partner.municipality_id:
            self.municipality_id = partner.municipality_id
        if self.contact_person_id.parent_id != partner:
            self.contact_person_id = partner.child_ids.filtered(
                lambda child: child.type == "contact" and not child.is_company
            )[:1]

    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expat_service_desk.expat_case_action"
        )
        action["domain"] = [("company_contact_id", "=", self.id)]
        action["context"] = {
            "default_company_contact_id": self.id,
            "default_employer_id": self.partner_id.id,
        }
        return action
