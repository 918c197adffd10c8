import logging
import re

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

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


class ExpatAnonymizationMail(models.AbstractModel):
    """The part of the anonymisation (``expat.anonymization``) that concerns
    the mail framework: messages, their tracking values, outgoing mails and
    the live notifications of the bus."""

    _name = "expat.anonymization.mail"
    _description = "Anonymisation of Messages"

    @api.model
    def _erase_messages(self, threads, partners, patterns):
        """Erase the messages on the persons' records and those they wrote;
        blank their addresses in messages on other records (Cc, To); replace
        their names and addresses where the messages of records that name
        them in a role mention them. Messages another application refuses to
        change are kept.

        :param threads: dict {model: ids} of the persons' records with a chatter
        :param patterns: ILIKE patterns of the persons' addresses
        :return: (messages on the persons' records and by them, dict ``ids``
            (set) and ``by_model`` ({model: [ids]}) of the kept messages)
        """
        env = self.env
        messages = env["mail.message"].search(
            env["expat.anonymization"]._on_records_domain(threads, "model")
            | Domain("author_id", "in", partners.ids)
        )
        kept = self._write_messages(messages, MESSAGE_ERASED_VALUES)
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
        # Messages on the records that name a person in a role (a company
        # contact's contact person, say) and mention them in their text:
        # the mention is replaced, the rest of the text stays.
        pointing = env["expat.anonymization"]._on_records_domain(
            self._records_pointing_at(partners), "model"
        )
        mentions = self._redact_mentions(
            env["mail.message"].search(pointing) - messages, partners
        )
        for model, ids in mentions.items():
            kept["by_model"].setdefault(model, []).extend(ids)
            kept["ids"].update(ids)
        return messages, kept

    @api.model
    def _records_pointing_at(self, partners):
        """Records with a chatter whose tracked partner fields (the roles a
        person plays: contact person, attendee, ...) point at ``partners``;
        one query per such field.

        :return: dict {model: [ids]}
        """
        thread_class = self.pool["mail.thread"]
        fields = (
            self.env["ir.model.fields"]
            .sudo()
            .search(
                [
                    ("ttype", "=", "many2one"),
                    ("relation", "=", "res.partner"),
                    ("store", "=", True),
                    ("tracking", ">", 0),
                ]
            )
        )
        self.env.flush_all()
        result = {}
        for field in fields:
            model_class = self.pool.get(field.model)
            if (
                model_class is None
                or model_class._abstract
                or not issubclass(model_class, thread_class)
                or field.name not in model_class._fields
            ):
                continue
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE %s = ANY(%s)",
                    SQL.identifier(model_class._table),
                    SQL.identifier(field.name),
                    partners.ids,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if ids:
                result.setdefault(field.model, []).extend(ids)
        return result

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
    def _redact_mentions(self, messages, partners):
        """Replace the persons' names and addresses in the text and subject
        of ``messages`` (one write per message, as each text differs).

        :return: {model: [ids]} of the messages another app refused to change
        """
        needles = [
            (needle, replacement)
            for partner in partners
            for needle, replacement in (
                (partner.name, self.env._("Anonymised person")),
                (partner.email_normalized, "…"),
            )
            if needle and len(needle) > 3
        ]

        def redact(text):
            for needle, replacement in needles:
                text = re.sub(re.escape(needle), replacement, text, flags=re.I)
            return text

        lowered = [needle.lower() for needle, _replacement in needles]
        messages = messages.filtered(
            lambda message: any(
                needle in f"{message.subject or ''} {message.body or ''}".lower()
                for needle in lowered
            )
        )
        kept = {}
        for message in messages:
            values = {"subject": redact(message.subject or "") or False}
            if message.body:
                values["body"] = Markup(redact(str(message.body)))
            for model, ids in self._write_messages(message, values)["by_model"].items():
                kept.setdefault(model, []).extend(ids)
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
