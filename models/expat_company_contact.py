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
    # The company's name as the lists and cards show it, stored with the
    # dossier (as the case stores the person's name, and as Odoo's invoices
    # store the partner's display name): a page of contacts then needs no
    # display name computed per company. The ORM rewrites it when the
    # company is renamed or another one chosen, and after a merge of
    # companies.
    partner_name = fields.Char(
        related="partner_id.complete_name",
        string="Company Name",
        store=True,
        precompute=True,
    )
    contact_person_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        compute="_compute_contact_person_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('is_company', '=', False), ('parent_id', '=?', partner_id)]",
        help="By default the company's first contact person.",
    )
    # The contact person's name, stored for the same reason: the card and
    # the list show it beside the company (rewritten on rename and when the
    # contact person is anonymised, as the case's person name).
    contact_person_name = fields.Char(
        related="contact_person_id.name",
        string="Contact Person Name",
        store=True,
        precompute=True,
    )
    municipality_id = fields.Many2one(
        compute="_compute_municipality_id",
        store=True,
        readonly=False,
        precompute=True,
        help="By default the municipality of the company.",
    )
    # Stored: a column of the list, and a way to group and filter it.
    company_size = fields.Selection(
        related="partner_id.company_size", store=True, precompute=True
    )
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

    # Defaults taken from the company: computed, stored and editable, so that
    # company contacts made by the event follow-up or an import get them too.
    @api.depends("partner_id")
    def _compute_municipality_id(self):
        for contact in self:
            if contact.partner_id.municipality_id:
                contact.municipality_id = contact.partner_id.municipality_id

    @api.depends("partner_id")
    def _compute_contact_person_id(self):
        for contact in self:
            if contact.contact_person_id.parent_id != contact.partner_id:
                contact.contact_person_id = contact.partner_id.child_ids.filtered(
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
