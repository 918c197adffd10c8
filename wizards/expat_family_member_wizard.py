from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.expat_case_procedure import FAMILY_ROLES


class ExpatFamilyMemberWizard(models.TransientModel):
    """Add a family member to a principal's case: creates the person and
    their case, with the principal's organisation, sharing, employer,
    municipality and advisor."""

    _name = "expat.family.member.wizard"
    _description = "Add Family Member"

    main_case_id = fields.Many2one(
        "expat.case", string="Principal's Case", required=True, ondelete="cascade"
    )
    name = fields.Char(required=True)
    family_role = fields.Selection(FAMILY_ROLES, required=True, default="spouse")
    email = fields.Char()
    phone = fields.Char()
    nationality_id = fields.Many2one(
        "res.country",
        compute="_compute_nationality_id",
        store=True,
        readonly=False,
    )
    legal_basis = fields.Selection(
        [
            ("consent", "Consent (Art. 6(1)(a) GDPR)"),
            ("public_task", "Public task (Art. 6(1)(e) GDPR)"),
        ],
        required=True,
        default="public_task",
    )
    consent_date = fields.Date()

    @api.constrains("main_case_id")
    def _check_main_case_visible(self):
        """Only a case the user may see can be the principal's case
        (AccessError otherwise: the wizard would show its person's name)."""
        self.main_case_id._expat_check_visible()

    @api.depends("main_case_id")
    def _compute_nationality_id(self):
        for wizard in self:
            wizard.nationality_id = wizard.main_case_id.nationality_id

    def action_confirm(self):
        """Create the family member's person and case.

        The case gets the principal's organisation, shared organisations,
        employer, company contact, municipality, country of residence and
        advisor, ``main_case_id`` = the principal's case and the chosen
        ``family_role``; its topics are the principal's family reunification
        topic.

        :raise UserError: the principal's case is itself a family member's
            case, or it is closed
        :return: an action closing the dialog
        """
        self.ensure_one()
        main = self.main_case_id
        if main.main_case_id:
            raise UserError(
                self.env._(
                    "%(case)s is the case of a family member. Add the new "
                    "member to the principal's case %(main)s instead.",
                    case=main.display_name,
                    main=main.main_case_id.display_name,
                )
            )
        if main.is_closed:
            raise UserError(
                self.env._(
                    "%(case)s is closed. Reopen it before adding family members.",
                    case=main.display_name,
                )
            )
        if self.legal_basis == "consent" and not self.consent_date:
            raise UserError(
                self.env._(
                    "The family member's case is based on consent: enter the "
                    "date they consented."
                )
            )
        person = self.env["res.partner"].create(
            {
                "name": self.name,
                "email": self.email,
                "phone": self.phone,
                "is_company": False,
                "municipality_id": main.municipality_id.id,
                "country_id": main.person_id.country_id.id,
            }
        )
        topic = self.env.ref(
            "expat_service_desk.expat_topic_family_reunification",
            raise_if_not_found=False,
        )
        self.env["expat.case"].create(
            {
                "person_id": person.id,
                "main_case_id": main.id,
                "family_role": self.family_role,
                "company_id": main.company_id.id,
                "shared_company_ids": [fields.Command.set(main.shared_company_ids.ids)],
                "user_id": main.user_id.id,
                "employer_id": main.employer_id.id,
                "company_contact_id": main.company_contact_id.id,
                "municipality_id": main.municipality_id.id,
                "country_of_residence_id": main.country_of_residence_id.id,
                "nationality_id": self.nationality_id.id,
                "channel": main.channel,
                "legal_basis": self.legal_basis,
                "consent_date": self.consent_date,
                "topic_ids": [fields.Command.set(topic.ids)] if topic else [],
            }
        )
        return {"type": "ir.actions.act_window_close"}
