from odoo import api, fields, models

from .expat_activity import activities_by_record, place_activity

REFERRAL_AGENCY_CATEGORY = "expat_service_desk.res_partner_category_referral_agency"


class ExpatReferral(models.Model):
    _name = "expat.referral"
    _description = "Referral"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    case_id = fields.Many2one(
        "expat.case", required=True, index=True, ondelete="cascade"
    )
    agency_id = fields.Many2one(
        "res.partner",
        string="Referred to",
        index=True,
        tracking=True,
        domain=lambda self: [
            ("category_id", "in", self.env.ref(REFERRAL_AGENCY_CATEGORY).ids)
        ],
        help="The body the person is handed over to (contacts tagged "
        '"Referral agency").',
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Char(required=True)
    outcome = fields.Selection(
        [
            ("pending", "Pending"),
            ("successful", "Successful"),
            ("unsuccessful", "Unsuccessful"),
            ("unknown", "Unknown"),
        ],
        default="pending",
        required=True,
        tracking=True,
    )
    follow_up_date = fields.Date(
        tracking=True,
        help="The case's advisor gets an activity to follow up on this date.",
    )
    note = fields.Text()
    user_id = fields.Many2one(related="case_id.user_id", string="Advisor")
    company_id = fields.Many2one(
        related="case_id.company_id", store=True, index=True, string="Organisation"
    )

    @api.depends("case_id", "agency_id")
    def _compute_display_name(self):
        for referral in self:
            referral.display_name = self.env._(
                "%(case)s → %(agency)s",
                case=referral.case_id.name or "",
                agency=referral.agency_id.name or self.env._("(no agency)"),
            )

    # Inventory of personal data (see models/expat_personal_data.py)

    def _expat_personal_fields(self):
        return ["reason", "note"]

    def _expat_personal_kept_fields(self):
        return ["case_id", "agency_id", "date", "outcome", "follow_up_date"]

    @api.model
    def _expat_personal_records(self, partners):
        """The referrals of the persons' cases."""
        return self.search([("case_id.person_id", "in", partners.ids)])

    @api.model_create_multi
    def create(self, vals_list):
        referrals = super().create(vals_list)
        referrals._sync_follow_up_activity()
        return referrals

    def write(self, vals):
        res = super().write(vals)
        if {"follow_up_date", "outcome", "case_id"} & set(vals):
            self._sync_follow_up_activity()
        return res

    def _sync_follow_up_activity(self):
        """One follow-up activity per pending referral with a follow-up date:
        moved with the date, marked done once the outcome is known."""
        activity_type = self.env.ref(
            "expat_service_desk.mail_activity_type_referral_follow_up"
        )
        existing_by_referral = activities_by_record(self, activity_type)
        for referral in self:
            activity = existing_by_referral.get(referral.id)
            if referral.outcome != "pending":
                if activity:
                    activity.action_feedback(
                        feedback=self.env._(
                            "Outcome: %(outcome)s",
                            outcome=dict(
                                referral._fields["outcome"]._description_selection(
                                    self.env
                                )
                            )[referral.outcome],
                        )
                    )
                continue
            if not referral.follow_up_date:
                if activity:
                    activity.unlink()
                continue
            user = referral.case_id.user_id or self.env.user
            summary = self.env._(
                "Follow up referral to %(agency)s",
                agency=referral.agency_id.name or "",
            )
            place_activity(
                referral,
                activity,
                activity_type,
                referral.follow_up_date,
                user,
                summary,
            )
