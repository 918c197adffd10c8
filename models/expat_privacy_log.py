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

    @api.model
    def _log_anonymization(self, partners, already, result):
        """One entry per anonymised person, naming no personal data: what
        was erased in the run and what another application made us keep.

        :param partners: the persons anonymised together
        :param already: those of them anonymised before
        :param result: the dict returned by ``expat.anonymization._anonymize``
        """
        counts = ", ".join(
            f"{self.env['ir.model']._get(model).name} {count}"
            for model, count in sorted(result["records"].items())
        )
        self._log_many(
            "anonymize",
            partners,
            {
                partner.id: self.env._(
                    "%(state)s (%(batch)s persons in this run): %(counts)s; "
                    "%(messages)s messages, %(attachments)s attachments erased.",
                    state=self.env._("Again")
                    if partner in already
                    else self.env._("Anonymised"),
                    batch=len(partners),
                    counts=counts,
                    messages=result["messages"],
                    attachments=result["attachments"],
                )
                + self._kept_note(
                    result["kept_by_partner"].get(partner.id)
                    if len(partners) > 1
                    else result["kept"]
                )
                for partner in partners
            },
        )

    @api.model
    def _kept_note(self, kept):
        """The sentence naming the messages kept (Art. 17(3)(b) GDPR).

        :param kept: dict {model: [message ids]}, may be empty or None
        :return: str, empty when nothing was kept
        """
        if not kept:
            return ""
        return " " + self.env._(
            "Kept because another application refused the change: "
            "%(kept)s. They are retained under Art. 17(3)(b) GDPR (a legal "
            "obligation to keep them, such as an accounting audit trail) "
            "and erased when that obligation ends.",
            kept="; ".join(
                self.env._(
                    "%(count)s messages on %(model)s (messages %(ids)s)",
                    count=len(ids),
                    model=self.env["ir.model"]._get(model).name or model,
                    ids=", ".join(map(str, sorted(ids))),
                )
                for model, ids in sorted(kept.items())
            ),
        )

    # The log is append-only: nothing, not even the superuser, changes it.
    def write(self, vals):  # pylint: disable=method-required-super
        self.check_access("write")
        raise UserError(self.env._("The privacy log cannot be changed."))

    def unlink(self):  # pylint: disable=method-required-super
        self.check_access("unlink")
        raise UserError(self.env._("The privacy log cannot be deleted."))
