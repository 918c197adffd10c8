import json

from odoo import api, fields, models
from odoo.tools import html2plaintext


class ExpatDataExport(models.AbstractModel):
    """The Art. 15 GDPR access export: built from the same inventory
    (``expat.personal.data``) that the anonymisation clears."""

    _name = "expat.data.export"
    _description = "Personal Data Export"

    @api.model
    def _document(self, partner, records=None):
        """Everything the desk holds about ``partner``.

        :param partner: one ``res.partner``
        :param records: the inventory's records of the partner (found when
            not given)
        :return: dict, see ``res.partner.action_expat_data_export``
        """
        partner.ensure_one()
        inventory = self.env["expat.personal.data"]
        if records is None:
            records = inventory._personal_records(partner)
        records = dict(records)
        person = records.pop("res.partner", partner.sudo())
        return {
            "document": "Art. 15 GDPR access export, Expat Service Desk",
            "controllers": self.env["res.company"]
            ._expat_joint_controllers()
            .mapped("name"),
            "created": fields.Datetime.now(),
            "person": self._rows(person, inventory._export_fields(person))[0],
            "records": {
                model: self._rows(recordset, inventory._export_fields(recordset))
                for model, recordset in records.items()
            },
            **self._chatter([person, *records.values()]),
        }

    @api.model
    def _rows(self, recordset, fnames):
        """One dict per record: ``id`` and the readable value of each field
        (display names, selection labels, plain text of html)."""
        rows = []
        for record in recordset:
            row = {"id": record.id}
            for fname in fnames:
                field = record._fields[fname]
                value = record[fname]
                if field.type == "many2one":
                    value = value.display_name or None
                elif field.type in ("many2many", "one2many"):
                    value = value.mapped("display_name")
                elif field.type == "selection":
                    value = dict(field._description_selection(self.env)).get(value)
                elif field.type == "html":
                    value = html2plaintext(value or "") or None
                elif field.type == "binary":
                    value = bool(value) or None
                elif value is False:
                    value = None
                row[fname] = value
            rows.append(row)
        return rows

    @api.model
    def _chatter(self, recordsets):
        """The messages and the attachment names of the records that have a
        chatter, one search each.

        :return: dict with the keys ``messages`` and ``attachments``
        """
        thread_class = self.pool["mail.thread"]
        threads = {
            recordset._name: recordset.ids
            for recordset in recordsets
            if recordset and issubclass(self.pool[recordset._name], thread_class)
        }
        if not threads:
            return {"messages": [], "attachments": []}
        env = self.env(su=True)
        domain = self.env["expat.anonymization"]._on_records_domain(threads, "model")
        messages = env["mail.message"].search(domain, order="date, id")
        attachments = env["ir.attachment"].search(
            self.env["expat.anonymization"]._on_records_domain(threads, "res_model"),
            order="id",
        )
        return {
            "messages": [
                {
                    "record": f"{message.model},{message.res_id}",
                    "date": message.date,
                    "author": message.author_id.display_name or message.email_from,
                    "subject": message.subject,
                    "body": html2plaintext(message.body or "") or None,
                    "changes": [
                        {
                            "field": tracking.field_id.field_description,
                            "old": tracking._format_display_value("old")[0],
                            "new": tracking._format_display_value("new")[0],
                        }
                        for tracking in message.tracking_value_ids
                    ],
                }
                for message in messages
            ],
            "attachments": [
                {
                    "record": f"{attachment.res_model},{attachment.res_id}",
                    "name": attachment.name,
                }
                for attachment in attachments | messages.attachment_ids
                if attachment.res_field != "expat_data_export"
            ],
        }

    @api.model
    def _json(self, document):
        """The document as UTF-8 JSON bytes."""
        return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()

    @api.model
    def _html(self, document):
        """The readable twin of the document (QWeb), as UTF-8 bytes."""
        sections = [
            (model, self.env["ir.model"]._get(model).name)
            for model in document["records"]
        ]
        labels = {
            model: {
                name: field._description_string(self.env)
                for name, field in self.env[model]._fields.items()
            }
            for model in ["res.partner", *document["records"]]
        }
        return (
            self.env["ir.qweb"]
            ._render(
                "expat_service_desk.data_export_document",
                {"doc": document, "labels": labels, "sections": sections},
            )
            .encode()
        )
