from odoo import Command, api, fields, models
from odoo.fields import Domain
from odoo.tools import email_normalize, escape_psql

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
    expat_duplicate_count = fields.Integer(
        compute="_compute_expat_duplicate_count",
        string="Possible Duplicates",
        groups=ADVISOR_GROUP,
    )

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

    # ------------------------------------------------------------------
    # Matching persons (event registrations, intake)
    # ------------------------------------------------------------------

    @api.model
    def _expat_person_criteria(self, email_normalized, name, phone_sanitized):
        """The ways two individuals are taken to be the same person, most
        reliable first: the normalised e-mail address, then name and phone
        number together. Shared by the matching of registrations, e-mails
        and web requests and by the duplicate finder."""
        criteria = []
        if email_normalized:
            criteria.append([("email_normalized", "=", email_normalized)])
        name = " ".join((name or "").split())
        if name and phone_sanitized:
            criteria.append(
                [
                    ("name", "=ilike", escape_psql(name)),
                    ("phone_sanitized", "=", phone_sanitized),
                ]
            )
        return criteria

    @api.model
    def _expat_match_person(self, email=None, name=None, phone=None):
        """Return the existing individual these details belong to, or an
        empty recordset: by e-mail address first (trimmed, case-insensitive,
        as Odoo normalises it), then by name and phone number together.
        Companies are never matched, nor archived contacts; of several
        candidates the oldest wins, so repeated calls give the same answer."""
        partners = self.env["res.partner"]
        phone = (phone or "").strip()
        sanitized = phone and (
            self._phone_format(number=phone, country=self.env.company.country_id)
            or phone
        )
        for criterion in self._expat_person_criteria(
            email_normalize(email or ""), name, sanitized
        ):
            found = partners.search(
                [("is_company", "=", False), *criterion], order="id", limit=1
            )
            if found:
                return found
        return partners

    def _expat_duplicates(self):
        """Other individuals who look like this one, by the same criteria
        as the matching of requests and registrations."""
        self.ensure_one()
        partners = self.env["res.partner"]
        if self.is_company or not self.id:
            return partners
        criteria = self._expat_person_criteria(
            self.email_normalized, self.name, self.phone_sanitized
        )
        if not criteria:
            return partners
        return partners.search(
            Domain.AND(
                [
                    [("id", "!=", self.id), ("is_company", "=", False)],
                    Domain.OR(criteria),
                ]
            )
        )

    def _compute_expat_duplicate_count(self):
        # Shown on the form of one contact: one search for it.
        for partner in self:
            partner.expat_duplicate_count = len(partner._expat_duplicates())

    def action_expat_merge_duplicates(self):
        """Open Odoo's own merge wizard on this person and their look-alikes."""
        self.ensure_one()
        partners = self | self._expat_duplicates()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Contacts"),
            "res_model": "base.partner.merge.automatic.wizard",
            "views": [[False, "form"]],
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": partners.ids},
        }
