import logging

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, escape_psql

_logger = logging.getLogger(__name__)

# What an erased message keeps of its text and addresses: nothing.
MESSAGE_ADDRESS_FIELDS = (
    "email_from",
    "reply_to",
    "incoming_email_cc",
    "incoming_email_to",
    "outgoing_email_to",
)
MESSAGE_ERASED_VALUES = {
    "body": "",
    "subject": False,
    **dict.fromkeys(MESSAGE_ADDRESS_FIELDS, False),
}


class ExpatAnonymization(models.AbstractModel):
    """Art. 17 GDPR: erase persons from every record of the inventory
    (``expat.personal.data``) and from what the mail framework keeps about
    those records and about the persons anywhere else. Everything is done
    for a batch of persons at once, a fixed number of queries per batch."""

    _name = "expat.anonymization"
    _description = "Anonymisation of Persons"

    @api.model
    def _on_records_domain(self, ids_by_model, model_field, id_field="res_id"):
        """Domain of the rows (messages, activities, attachments, ...) that
        point at these records through a (model, id) pair of fields.

        :param ids_by_model: dict {model name: list of ids}
        """
        return Domain.OR(
            Domain(model_field, "=", model) & Domain(id_field, "in", ids)
            for model, ids in ids_by_model.items()
        )

    @api.model
    def _anonymize(self, partners):
        """Anonymise ``partners`` (no checks: see
        ``res.partner.action_expat_anonymize``). Messages another
        application refuses to change are kept and named in the privacy log
        with their legal ground (Art. 17(3)(b) GDPR); the rest goes on.

        :param partners: ``res.partner`` recordset
        :return: dict with ``records`` ({model: count}), ``messages``,
            ``attachments`` (counts erased), ``kept`` ({model: message
            ids kept}) and ``kept_by_partner`` ({partner id: {model: message
            ids}})
        """
        env = self.env(
            su=True,
            context=dict(
                self.env.context,
                active_test=False,
                tracking_disable=True,
                mail_notrack=True,
            ),
        )
        return self.with_env(env)._anonymize_batch(partners.with_env(env))

    @api.model
    def _anonymize_batch(self, partners):
        env = self.env
        if not partners:
            return {"records": {}, "messages": 0, "attachments": 0, "kept": {}}
        already = partners.filtered("expat_anonymized")
        patterns = self._address_patterns(partners)
        name_patterns = [
            f"%{escape_psql(name)}%"
            for name in partners.mapped("name")
            if name and len(name) > 3
        ]
        records = env["expat.personal.data"]._personal_records(partners)
        records.setdefault("res.partner", partners)
        ids_by_model = {model: recs.ids for model, recs in records.items()}
        thread_class = self.pool["mail.thread"]
        threads = {
            model: ids
            for model, ids in ids_by_model.items()
            if issubclass(self.pool[model], thread_class)
        }

        messages = env["mail.message"].search(
            self._on_records_domain(threads, "model")
            | Domain("author_id", "in", partners.ids)
        )
        kept = self._write_messages(messages, MESSAGE_ERASED_VALUES)
        erased = messages.filtered(lambda m: m.id not in kept["ids"])
        # Messages on other records that carry a person's address (Cc, To).
        elsewhere = (
            env["mail.message"].browse(
                self._ids_matching("mail_message", MESSAGE_ADDRESS_FIELDS, patterns)
            )
            - messages
        )
        kept_elsewhere = self._write_messages(
            elsewhere, dict.fromkeys(MESSAGE_ADDRESS_FIELDS, False)
        )
        for model, ids in kept_elsewhere["by_model"].items():
            kept["by_model"].setdefault(model, []).extend(ids)
        kept["ids"] |= kept_elsewhere["ids"]
        kept_by_partner = self._kept_by_partner(partners, kept["ids"])
        self._erase_tracking_values(erased)
        attachment_count = self._erase_attachments(ids_by_model, erased)
        self._erase_mails(erased, partners, patterns, kept["ids"])
        env["mail.notification"].search(
            Domain("mail_message_id", "in", erased.ids)
            | Domain("res_partner_id", "in", partners.ids)
        ).write({"mail_email_address": False, "failure_reason": False})
        env["mail.followers"].search([("partner_id", "in", partners.ids)]).unlink()
        env["mail.scheduled.message"].search(
            self._on_records_domain(threads, "model")
        ).unlink()
        activities = env["mail.activity"].search(
            self._on_records_domain(ids_by_model, "res_model")
        )
        activities.write({"summary": False, "note": False})
        ratings = self._erase_rating_feedback(ids_by_model, partners)

        # The inventory itself, the persons last.
        partners.bank_ids.unlink()
        (partners.child_ids - partners).write({"parent_id": False})
        for recordset in records.values():
            env["expat.personal.data"]._clear(recordset)
        # Names other records show of these ones: recomputed from the
        # anonymised records.
        activities.modified(["res_id"])
        if ratings:
            ratings.modified(["res_id"])
        env.flush_all()
        self._rename_tracked_references(records, kept["ids"])
        self._erase_live_notifications(patterns + name_patterns)
        result = {
            "records": {model: len(recs) for model, recs in records.items()},
            "messages": len(erased),
            "attachments": attachment_count,
            "kept": kept["by_model"],
            "kept_by_partner": kept_by_partner,
        }
        env["expat.privacy.log"]._log_anonymization(partners, already, result)
        return result

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    @api.model
    def _address_patterns(self, partners):
        """ILIKE patterns of the persons' e-mail addresses."""
        emails = {email for email in partners.mapped("email_normalized") if email}
        return [f"%{escape_psql(email)}%" for email in sorted(emails)]

    @api.model
    def _ids_matching(self, table, columns, patterns):
        """Ids of the rows of ``table`` where one of ``columns`` contains
        one of the ILIKE ``patterns`` (one query)."""
        if not patterns:
            return []
        self.env.flush_all()
        condition = SQL(" OR ").join(
            SQL("%s ILIKE ANY(%s)", SQL.identifier(column), patterns)
            for column in columns
        )
        self.env.cr.execute(
            SQL("SELECT id FROM %s WHERE %s", SQL.identifier(table), condition)
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _write_messages(self, messages, values):
        """Write ``values`` on ``messages``, all at once if possible. When
        another application refuses (its ``write()`` raises a UserError,
        e.g. an audit trail), each message is tried alone and the refused
        ones are kept.

        :return: dict ``ids`` (set of kept message ids) and ``by_model``
            ({model: [ids]})
        """
        kept = {"ids": set(), "by_model": {}}
        if not messages:
            return kept
        try:
            with self.env.cr.savepoint():
                messages.write(values)
            return kept
        except UserError:
            _logger.info("Anonymisation: messages refused, retrying one by one")
        for message in messages:
            try:
                with self.env.cr.savepoint():
                    message.write(values)
            except UserError as error:
                _logger.warning(
                    "Anonymisation: message %s kept, %s refused the change: %s",
                    message.id,
                    message.model,
                    type(error).__name__,
                )
                kept["ids"].add(message.id)
                kept["by_model"].setdefault(message.model or "", []).append(message.id)
        return kept

    @api.model
    def _kept_by_partner(self, partners, kept_ids):
        """Whose are the kept messages (only when some were kept, before
        anything else changes): the messages on a person's records, written
        by them or carrying their address.

        :return: dict {partner id: {model: [message ids]}}
        """
        if not kept_ids:
            return {}
        thread_class = self.pool["mail.thread"]
        kept = self.env["mail.message"].browse(sorted(kept_ids))
        result = {}
        for partner in partners:
            threads = {
                (model, record_id)
                for model, recordset in self.env["expat.personal.data"]
                ._personal_records(partner)
                .items()
                if issubclass(self.pool[model], thread_class)
                for record_id in recordset.ids
            } | {("res.partner", partner.id)}
            email = partner.email_normalized
            for message in kept:
                addresses = " ".join(
                    message[fname] or "" for fname in MESSAGE_ADDRESS_FIELDS
                ).lower()
                if (
                    (message.model, message.res_id) in threads
                    or message.author_id == partner
                    or (email and email in addresses)
                ):
                    result.setdefault(partner.id, {}).setdefault(
                        message.model or "", []
                    ).append(message.id)
        return result

    @api.model
    def _erase_tracking_values(self, messages):
        """Blank every value tracked on the erased messages."""
        if not messages:
            return
        self.env["mail.tracking.value"].search(
            [("mail_message_id", "in", messages.ids)]
        ).write(
            {
                "old_value_char": False,
                "new_value_char": False,
                "old_value_text": False,
                "new_value_text": False,
            }
        )

    @api.model
    def _erase_attachments(self, ids_by_model, messages):
        """Delete the files of the records (field attachments too, such as
        the data exports) and of the erased messages.

        :return: number of attachments deleted
        """
        attachments = self.env["ir.attachment"].search(
            self._on_records_domain(ids_by_model, "res_model")
            & (Domain("res_field", "=", False) | Domain("res_field", "!=", False))
        )
        attachments |= messages.attachment_ids
        count = len(attachments)
        attachments.unlink()
        return count

    @api.model
    def _erase_mails(self, messages, partners, patterns, kept_ids):
        """Delete the outgoing mails of the erased messages and every mail
        addressed to the persons."""
        Mail = self.env["mail.mail"]
        mail_ids = set(
            self._ids_matching(
                "mail_mail", ("email_to", "email_cc", "headers"), patterns
            )
        )
        mails = (
            Mail.search(
                Domain("mail_message_id", "in", messages.ids)
                | Domain("recipient_ids", "in", partners.ids)
            )
            | Mail.browse(mail_ids)
        ).filtered(lambda mail: mail.mail_message_id.id not in kept_ids)
        mails.unlink()

    @api.model
    def _erase_rating_feedback(self, ids_by_model, partners):
        """Clear the comments of the ratings given on the records or by the
        persons (only when the rating app is installed)."""
        if "rating.rating" not in self.env:
            return None
        ratings = self.env["rating.rating"].search(
            self._on_records_domain(ids_by_model, "res_model")
            | Domain("partner_id", "in", partners.ids)
        )
        ratings.write({"feedback": False})
        return ratings

    @api.model
    def _rename_tracked_references(self, records, kept_ids):
        """Tracking values of a many2one to one of the anonymised records,
        on any model, keep the record's name as it was: replace it by the
        record's new name, and blank the values of fields related through
        that many2one tracked with it. Two queries per model of the
        inventory."""
        cr = self.env.cr
        for model, recordset in records.items():
            names = {record.id: record.display_name or "" for record in recordset}
            cr.execute(
                SQL(
                    """
                    WITH names AS (
                        SELECT unnest(%(ids)s::int[]) AS id,
                               unnest(%(names)s::varchar[]) AS name
                    )
                    UPDATE mail_tracking_value t
                       SET old_value_char = COALESCE(
                               (SELECT n.name FROM names n
                                 WHERE n.id = t.old_value_integer),
                               t.old_value_char),
                           new_value_char = COALESCE(
                               (SELECT n.name FROM names n
                                 WHERE n.id = t.new_value_integer),
                               t.new_value_char)
                      FROM ir_model_fields f
                     WHERE f.id = t.field_id
                       AND f.ttype = 'many2one'
                       AND f.relation = %(model)s
                       AND (t.old_value_integer = ANY(%(ids)s)
                            OR t.new_value_integer = ANY(%(ids)s))
                       AND NOT t.mail_message_id = ANY(%(kept)s)
                    """,
                    ids=list(names),
                    names=list(names.values()),
                    model=model,
                    kept=list(kept_ids),
                )
            )
            # Fields related through that many2one (the person's e-mail
            # shown on a case) were tracked in the same message.
            cr.execute(
                SQL(
                    """
                    UPDATE mail_tracking_value s
                       SET old_value_char = CASE WHEN t.old_value_integer
                               = ANY(%(ids)s) THEN NULL ELSE s.old_value_char END,
                           old_value_text = CASE WHEN t.old_value_integer
                               = ANY(%(ids)s) THEN NULL ELSE s.old_value_text END,
                           new_value_char = CASE WHEN t.new_value_integer
                               = ANY(%(ids)s) THEN NULL ELSE s.new_value_char END,
                           new_value_text = CASE WHEN t.new_value_integer
                               = ANY(%(ids)s) THEN NULL ELSE s.new_value_text END
                      FROM mail_tracking_value t, ir_model_fields f,
                           ir_model_fields sf
                     WHERE f.id = t.field_id
                       AND f.ttype = 'many2one'
                       AND f.relation = %(model)s
                       AND (t.old_value_integer = ANY(%(ids)s)
                            OR t.new_value_integer = ANY(%(ids)s))
                       AND s.mail_message_id = t.mail_message_id
                       AND sf.id = s.field_id
                       AND sf.model = f.model
                       AND sf.related LIKE f.name || '.%%'
                       AND NOT t.mail_message_id = ANY(%(kept)s)
                    """,
                    ids=list(names),
                    model=model,
                    kept=list(kept_ids),
                )
            )
        self.env["mail.tracking.value"].invalidate_model()

    @api.model
    def _erase_live_notifications(self, patterns):
        """Drop the pending live-update envelopes of the bus (kept for a
        couple of minutes for open browser tabs) that name the persons."""
        if patterns:
            self.env.cr.execute(
                SQL("DELETE FROM bus_bus WHERE message ILIKE ANY(%s)", patterns)
            )
