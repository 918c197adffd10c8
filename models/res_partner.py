from odoo import Command, api, fields, models

from .expat_groups import ADVISOR_GROUP

COMPANY_SIZES = [
    ("1_9", "1–9 employees"),
    ("10_49", "10–49 employees"),
    ("50_249", "50–249 employees"),
    ("250_plus", "250 or more employees"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    municipality_id = fields.Many2one("expat.municipality", index="btree_not_null")
    company_size = fields.Selection(COMPANY_SIZES)
    ihk_member = fields.Boolean(string="IHK Member")
    expat_case_ids = fields.One2many(
        "expat.case", "person_id", string="Expat Cases", groups=ADVISOR_GROUP
    )
    expat_case_count = fields.Integer(
        compute="_compute_expat_counts", string="Cases", groups=ADVISOR_GROUP
    )
    expat_employee_case_count = fields.Integer(
        compute="_compute_expat_counts",
        string="Employee Cases",
        groups=ADVISOR_GROUP,
    )
    company_contact_ids = fields.One2many(
        "expat.company.contact",
        "partner_id",
        string="Company Contacts",
        groups=ADVISOR_GROUP,
    )
    company_contact_count = fields.Integer(
        compute="_compute_expat_counts",
        string="Company Contacts Count",
        groups=ADVISOR_GROUP,
    )
    expat_anonymized = fields.Boolean(string="Anonymised", readonly=True, copy=False)

    @api.model
    def default_get(self, fields):
        defaults = super().default_get(fields)
        if self.env.context.get("expat_referral_agency") and "category_id" in fields:
            category = self.env.ref(
                "expat_service_desk.res_partner_category_referral_agency"
            )
            defaults["category_id"] = [Command.link(category.id)]
        return defaults

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_expat_counts(self):
        """Counts of the dossiers the current user may see, one query each."""
        ids = self.ids
        case_model = self.env["expat.case"]
        by_person = dict(
            case_model._read_group(
                [("person_id", "in", ids)], ["person_id"], ["__count"]
            )
        )
        by_employer = dict(
            case_model._read_group(
                [("employer_id", "in", ids)], ["employer_id"], ["__count"]
            )
        )
        by_company = dict(
            self.env["expat.company.contact"]._read_group(
                [("partner_id", "in", ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.expat_case_count = by_person.get(partner, 0)
            partner.expat_employee_case_count = by_employer.get(partner, 0)
            partner.company_contact_count = by_company.get(partner, 0)

    def _expat_dossier_action(self, xmlid, domain, context):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = context
        return action

    def action_view_expat_cases(self):
        return self._expat_dossier_action(
            "expat_service_desk.expat_case_action",
            [("person_id", "=", self.id)],
            {"default_person_id": self.id},
        )

    def action_view_expat_employee_cases(self):
        return self._expat_dossier_action(
            "expat_service_desk.expat_case_action",
            [("employer_id", "=", self.id)],
            {"default_employer_id": self.id},
        )

    def action_view_company_contacts(self):
        return self._expat_dossier_action(
            "expat_service_desk.expat_company_contact_action",
            [("partner_id", "=", self.id)],
            {"default_partner_id": self.id},
        )
