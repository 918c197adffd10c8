from odoo import api, fields, models
from odoo.exceptions import UserError


class ExpatPrivacyLog(models.Model):
    """Accountability under Art. 5(2) GDPR: every access export,
    anonymisation and retention run, kept unchangeable. The entries name
    no personal data beyond the (anonymised) contact they concern."""

    _name = "expat.privacy.log"
    _description = "Privacy Log"
    _order = "date desc, id desc"
    _rec_name = "action"

    action = fields.Selection(
        [
            ("export", "Data export (Art. 15)"),
            ("anonymize", "Anonymisation"),
            ("retention", "Retention run"),
        ],
        required=True,
        readonly=True,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users",
        string="By",
        readonly=True,
        ondelete="set null",
        default=lambda self: self.env.user,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    note = fields.Text(readonly=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", string="Files", readonly=True, copy=False
    )

    @api.model
    def _log(self, action, partner=None, note=None, attachments=None):
        """Write an entry; the log is written by the system, never by hand."""
        return self.sudo().create(
            {
                "action": action,
                "partner_id": partner.id if partner else False,
                "user_id": self.env.uid,
                "note": note,
                "attachment_ids": attachments.ids if attachments else [],
            }
        )

    @api.model
    def _log_many(self, action, partners, notes):
        """One entry per partner in one ``create``.

        :param notes: dict {partner id: note}
        """
        return self.sudo().create(
            [
                {
                    "action": action,
                    "partner_id": partner.id,
                    "user_id": self.env.uid,
                    "note": notes.get(partner.id),
                }
                for partner in partners
            ]
        )

    # The log is append-only: nothing, not even the superuser, changes it.
    def write(self, vals):  # pylint: disable=method-required-super
        self.check_access("write")
        raise UserError(self.env._("The privacy log cannot be changed."))

    def unlink(self):  # pylint: disable=method-required-super
        self.check_access("unlink")
        raise UserError(self.env._("The privacy log cannot be deleted."))
