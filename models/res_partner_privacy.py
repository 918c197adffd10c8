import json

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, escape_psql, html2plaintext

from .expat_groups import MANAGER_GROUP

RETENTION_PARAM = "expat_service_desk.retention_months"
RETENTION_DEFAULT = 36

# Contact data replaced on the person; statistics live on the dossiers.
PARTNER_ERASED_FIELDS = (
    "email",
    "phone",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "website",
    "comment",
    "vat",
    "function",
    "ref",
    "company_name",
    "barcode",
    "image_1920",
    "parent_id",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    expat_data_export = fields.Binary(
        string="Personal Data Export",
        attachment=True,
        readonly=True,
        copy=False,
        groups=MANAGER_GROUP,
        help="The Art. 15 exports of this person. Stored as attachments of "
        "this field so that only desk managers can read them.",
    )
    expat_retention_due = fields.Boolean(
        string="Due for Anonymisation",
        compute="_compute_expat_retention_due",
        search="_search_expat_retention_due",
        groups=MANAGER_GROUP,
        help="Every case of this person is closed for longer than the "
        "retention period (Settings).",
    )

    # ------------------------------------------------------------------
    # Who is concerned
    # ------------------------------------------------------------------

    def _expat_check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only Expat Service Desk managers may export or anonymise "
                    "personal data."
                )
            )

    def _expat_records(self):
        """Everything the desk holds about this person, as superuser:
        the cases (archived ones too) and what hangs off them, and the
        event registrations."""
        self.ensure_one()
        env = self.sudo().with_context(active_test=False).env
        cases = env["expat.case"].search([("person_id", "=", self.id)])
        mine = [
            [("partner_id", "=", self.id)],
            [("expat_case_id", "in", cases.ids)],
        ]
        if self.email_normalized:
            # Registrations typed in with the person's address, not linked.
            mine.append([("email", "=ilike", escape_psql(self.email_normalized))])
        registrations = env["event.registration"].search(Domain.OR(mine))
        return {
            "cases": cases,
            "consultations": cases.consultation_ids,
            "referrals": cases.referral_ids,
            "registrations": registrations,
            "ratings": cases._expat_ratings(),
        }

    def _expat_check_cases_visible(self, cases):
        """The manager must be able to see every case of the person."""
        visible = (
            self.env["expat.case"]
            .with_context(active_test=False)
            .search_count([("id", "in", cases.ids)])
        )
        if visible != len(cases):
            raise AccessError(
                self.env._(
                    "%(person)s has cases you cannot see: select all the "
                    "organisations you work for, or ask a manager of the "
                    "others.",
                    person=self.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Anonymisation (Art. 17 GDPR)
    # ------------------------------------------------------------------

    def action_expat_anonymize(self):
        """Irreversibly replace the personal data of these persons, keeping
        the statistical fields of their dossiers. Managers only; refused
        while a person has an open case unless the confirmation wizard
        passed ``expat_anonymize_open_cases``. Idempotent."""
        self._expat_check_manager()
        for partner in self:
            records = partner._expat_records()
            partner._expat_check_cases_visible(records["cases"])
            if partner.sudo().with_context(active_test=False).user_ids:
                raise UserError(
                    self.env._(
                        "%(person)s has a user account. Remove the account "
                        "(Settings > Users) before anonymising the person.",
                        person=partner.display_name,
                    )
                )
            open_cases = records["cases"].filtered(lambda c: not c.stage_id.is_closed)
            if open_cases and not self.env.context.get("expat_anonymize_open_cases"):
                raise UserError(
                    self.env._(
                        "%(person)s still has open cases (%(cases)s). Close "
                        "them first, or confirm the anonymisation in the "
                        "wizard.",
                        person=partner.display_name,
                        cases=", ".join(open_cases.mapped("name")),
                    )
                )
        for partner in self:
            partner._expat_anonymize()
        return True

    def _expat_anonymize(self):
        self.ensure_one()
        partner = self.sudo().with_context(
            active_test=False, tracking_disable=True, mail_notrack=True
        )
        records = partner._expat_records()
        already = partner.expat_anonymized
        threads = [
            partner,
            records["cases"],
            records["referrals"],
            records["registrations"],
        ]
        name = self.env._("Anonymised person %(ref)s", ref=partner.id)
        partner.bank_ids.unlink()
        partner.child_ids.write({"parent_id": False})
        partner.write(
            {
                **{fname: False for fname in PARTNER_ERASED_FIELDS},
                "name": name,
                "expat_anonymized": True,
                "active": False,
            }
        )
        records["cases"].write(
            {"description": False, "occupation": False, "anonymized": True}
        )
        records["consultations"].write({"note": False})
        records["referrals"].write({"reason": self.env._("Anonymised"), "note": False})
        registrations = records["registrations"]
        registrations.write(
            {"name": name, "email": False, "phone": False, "company_name": False}
        )
        registrations.registration_answer_ids.filtered("value_text_box").write(
            {"value_text_box": False}
        )
        records["cases"]._expat_anonymize_ratings()
        counts = partner._expat_erase_chatter(threads)
        self.env["mail.followers"].sudo().search(
            [("partner_id", "=", partner.id)]
        ).unlink()
        self.env["expat.privacy.log"]._log(
            "anonymize",
            partner,
            self.env._(
                "%(state)s: %(cases)s cases, %(consultations)s consultations, "
                "%(referrals)s referrals, %(registrations)s registrations, "
                "%(messages)s messages, %(attachments)s attachments.",
                state=self.env._("Again") if already else self.env._("Anonymised"),
                cases=len(records["cases"]),
                consultations=len(records["consultations"]),
                referrals=len(records["referrals"]),
                registrations=len(registrations),
                messages=counts["messages"],
                attachments=counts["attachments"],
            ),
        )

    @api.model
    def _expat_erase_chatter(self, threads):
        """Blank the messages, tracking values and activities on these
        records (a list of record sets) and delete their attachments."""
        env = self.env(su=True)
        by_model = {records._name: records.ids for records in threads if records}

        def on_records(model_field):
            return Domain.OR(
                Domain(model_field, "=", model) & Domain("res_id", "in", ids)
                for model, ids in by_model.items()
            )

        messages = env["mail.message"].search(on_records("model"))
        # Field attachments too (res_field set), such as the data exports.
        attachments = (
            env["ir.attachment"].search(
                on_records("res_model")
                & (Domain("res_field", "=", False) | Domain("res_field", "!=", False))
            )
            | messages.attachment_ids
        )
        attachment_count = len(attachments)
        attachments.unlink()
        messages.write({"body": "", "subject": False, "email_from": False})
        messages.tracking_value_ids.write(
            {
                "old_value_char": False,
                "new_value_char": False,
                "old_value_text": False,
                "new_value_text": False,
            }
        )
        env["mail.mail"].search([("mail_message_id", "in", messages.ids)]).unlink()
        env["mail.activity"].with_context(active_test=False).search(
            on_records("res_model")
        ).write({"summary": False, "note": False})
        return {"messages": len(messages), "attachments": attachment_count}

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------

    @api.model
    def _expat_retention_months(self):
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
        try:
            months = int(value) if value else RETENTION_DEFAULT
        except ValueError:
            months = RETENTION_DEFAULT
        return max(months, 1)

    @api.model
    def _expat_retention_due_ids(self):
        """Persons not yet anonymised who have at least one case and whose
        cases, archived ones included, are all closed since before the
        retention period. Persons with a user account are left to a manager:
        their contact is also their login."""
        limit = fields.Date.context_today(self) - relativedelta(
            months=self._expat_retention_months()
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.person_id
                  FROM expat_case c
                  JOIN res_partner p ON p.id = c.person_id
                  LEFT JOIN expat_stage s ON s.id = c.stage_id
                 WHERE NOT COALESCE(p.expat_anonymized, FALSE)
                   AND NOT EXISTS (
                       SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
                 GROUP BY c.person_id
                HAVING bool_and(COALESCE(s.is_closed AND c.closed_date < %(limit)s,
                                         FALSE))
                 ORDER BY c.person_id
                """,
                limit=limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _compute_expat_retention_due(self):
        due = set(self._expat_retention_due_ids())
        for partner in self:
            partner.expat_retention_due = partner.id in due

    def _search_expat_retention_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        self._expat_check_manager()
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", self._expat_retention_due_ids())]

    # ------------------------------------------------------------------
    # Access export (Art. 15 GDPR)
    # ------------------------------------------------------------------

    def action_expat_data_export(self):
        """Create a JSON document with all personal data the desk holds
        about this person, attach it to the contact and download it."""
        self.ensure_one()
        self._expat_check_manager()
        records = self._expat_records()
        self._expat_check_cases_visible(records["cases"])
        document = self._expat_export_document(records)
        today = fields.Date.context_today(self)
        attachments = self.env["ir.attachment"].sudo()
        stem = f"expat-data-export-{self.id}-{today}"
        attachment = attachments.create(
            {
                "name": f"{stem}.json",
                "raw": json.dumps(
                    document, ensure_ascii=False, indent=2, default=str
                ).encode(),
                "mimetype": "application/json",
                "res_model": "res.partner",
                "res_id": self.id,
                "res_field": "expat_data_export",
            }
        )
        # The same, readable by the person, beside it.
        readable = attachments.create(
            {
                "name": f"{stem}.html",
                "raw": self.env["ir.qweb"]
                ._render(
                    "expat_service_desk.data_export_document",
                    {
                        "doc": document,
                        "labels": self._expat_export_labels(),
                        "sections": self._expat_export_sections(),
                    },
                )
                .encode(),
                "mimetype": "text/html",
                "res_model": "res.partner",
                "res_id": self.id,
                "res_field": "expat_data_export",
            }
        )
        self.env["expat.privacy.log"]._log(
            "export",
            self,
            self.env._("Exported as %(file)s.", file=attachment.name),
            attachments=attachment | readable,
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    @api.model
    def _expat_export_sections(self):
        """(key, title) of the record sections of the readable export."""
        keys = [
            "cases",
            "consultations",
            "referrals",
            "event_registrations",
            "ratings",
        ]
        titles = [
            self.env._("Cases"),
            self.env._("Consultations"),
            self.env._("Referrals"),
            self.env._("Event Registrations"),
            self.env._("Satisfaction Ratings"),
        ]
        return list(zip(keys, titles, strict=True))

    @api.model
    def _expat_export_labels(self):
        """Field labels for the readable export, per section."""
        models_by_section = {
            "person": "res.partner",
            "cases": "expat.case",
            "consultations": "expat.consultation",
            "referrals": "expat.referral",
            "event_registrations": "event.registration",
            "ratings": "rating.rating",
        }
        return {
            section: {
                name: field._description_string(self.env)
                for name, field in self.env[model]._fields.items()
            }
            for section, model in models_by_section.items()
        }

    def _expat_export_document(self, records):
        partner = self.sudo()

        def values(recordset, fnames):
            result = []
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
                    elif value is False:
                        value = None
                    row[fname] = value
                result.append(row)
            return result

        threads = [
            *partner,
            *records["cases"],
            *records["referrals"],
            *records["registrations"],
        ]
        messages = []
        attachments = []
        for thread in threads:
            for message in thread.message_ids.sorted("date"):
                messages.append(
                    {
                        "record": f"{thread._name},{thread.id}",
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
                )
            attachments += [
                {"record": f"{thread._name},{thread.id}", "name": attachment.name}
                for attachment in self.env["ir.attachment"]
                .sudo()
                .search([("res_model", "=", thread._name), ("res_id", "=", thread.id)])
            ]
        case_fields = [
            name
            for name in (
                "name",
                "company_id",
                "user_id",
                "stage_id",
                "opened_date",
                "closed_date",
                "channel",
                "topic_ids",
                "employer_id",
                "nationality_id",
                "country_of_residence_id",
                "municipality_id",
                "residence_status",
                "permit_expiry_date",
                "qualification_level",
                "occupation",
                "recognition_status",
                "family_member_count",
                "legal_basis",
                "consent_date",
                "consent_withdrawn_date",
                "description",
                "active",
            )
            if name in records["cases"]._fields
        ]
        return {
            "document": "Art. 15 GDPR access export, Expat Service Desk",
            "controllers": self.env["res.company"]
            ._expat_joint_controllers()
            .mapped("name"),
            "created": fields.Datetime.now(),
            "person": values(
                partner,
                [
                    "name",
                    "email",
                    "phone",
                    "street",
                    "street2",
                    "zip",
                    "city",
                    "country_id",
                    "parent_id",
                    "function",
                    "lang",
                    "comment",
                    "municipality_id",
                ],
            )[0],
            "cases": values(records["cases"], case_fields),
            "consultations": values(
                records["consultations"],
                [
                    "case_id",
                    "date",
                    "duration",
                    "channel",
                    "user_id",
                    "topic_ids",
                    "note",
                ],
            ),
            "referrals": values(
                records["referrals"],
                [
                    "case_id",
                    "agency_id",
                    "date",
                    "reason",
                    "outcome",
                    "follow_up_date",
                    "note",
                ],
            ),
            "event_registrations": values(
                records["registrations"],
                ["event_id", "name", "email", "phone", "company_name", "state"],
            ),
            "ratings": values(
                records["ratings"].filtered("consumed"),
                ["expat_case_id", "rated_on", "rating_text", "feedback"],
            ),
            "messages": messages,
            "attachments": attachments,
        }
