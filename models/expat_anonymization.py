from odoo import api, models
from odoo.fields import Domain
from odoo.tools import escape_psql


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

        mail = env["expat.anonymization.mail"]
        messages, kept = mail._erase_messages(threads, partners, patterns)
        erased = messages.filtered(lambda m: m.id not in kept["ids"])
        kept_by_partner = mail._kept_by_partner(partners, kept["ids"])
        mail._erase_tracking_values(erased)
        attachment_count = self._erase_attachments(ids_by_model, erased)
        mail._erase_mails(erased, partners, patterns, kept["ids"])
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
        mail._rename_tracked_references(records, kept["ids"])
        mail._erase_live_notifications(patterns + name_patterns)
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
