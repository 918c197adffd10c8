import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every

from .expat_groups import MANAGER_GROUP

_logger = logging.getLogger(__name__)

RETENTION_PARAM = "expat_service_desk.retention_months"
RETENTION_DEFAULT = 36


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
    # Inventory of personal data (see models/expat_personal_data.py)
    # ------------------------------------------------------------------

    def _expat_personal_fields(self):
        """The person's own contact data, address, free text and picture.

        :return: list of field names cleared by the anonymisation
        """
        return [
            "name",
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
            "company_registry",
            "function",
            "ref",
            "company_name",
            "barcode",
            "image_1920",
            "parent_id",
            "partner_latitude",
            "partner_longitude",
        ]

    def _expat_personal_kept_fields(self):
        """Kept after anonymisation (statistics), exported while it lasts."""
        return ["lang", "municipality_id"]

    def _expat_anonymized_values(self):
        """The person stays as an archived placeholder, marked anonymised."""
        return {
            "name": self.env._("Anonymised person"),
            "expat_anonymized": True,
            "active": False,
        }

    @api.model
    def _expat_personal_records(self, partners):
        """The persons themselves."""
        return partners

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

    def _expat_check_cases_visible(self, cases):
        """The manager must be able to see every case of these persons."""
        visible = (
            self.env["expat.case"]
            .with_context(active_test=False)
            .search([("id", "in", cases.ids)])
        )
        hidden = cases - visible
        if hidden:
            raise AccessError(
                self.env._(
                    "%(person)s has cases you cannot see: select all the "
                    "organisations you work for, or ask a manager of the "
                    "others.",
                    person=hidden[0].sudo().person_id.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Anonymisation (Art. 17 GDPR)
    # ------------------------------------------------------------------

    def action_expat_anonymize(self):
        """Irreversibly replace the personal data of these persons wherever
        the inventory (``expat.personal.data``) and the mail framework keep
        it, keeping the statistical fields of their dossiers (Art. 17 GDPR;
        statistics under Art. 89). Idempotent: anonymising again changes
        nothing but adds a log entry.

        :return: True
        :raise AccessError: the user is not a desk Manager, or cannot see
            every case of the persons (all organisations selected)
        :raise UserError: a person has a user account, or an open case and
            the confirmation wizard did not pass
            ``expat_anonymize_open_cases``
        """
        self._expat_check_manager()
        cases = self.env["expat.case"].sudo()._expat_personal_records(self)
        self._expat_check_cases_visible(cases)
        with_users = self.sudo().with_context(active_test=False).filtered("user_ids")
        if with_users:
            raise UserError(
                self.env._(
                    "%(person)s has a user account. Remove the account "
                    "(Settings > Users) before anonymising the person.",
                    person=with_users[0].display_name,
                )
            )
        open_cases = cases.filtered(lambda c: not c.stage_id.is_closed)
        if open_cases and not self.env.context.get("expat_anonymize_open_cases"):
            raise UserError(
                self.env._(
                    "%(person)s still has open cases (%(cases)s). Close "
                    "them first, or confirm the anonymisation in the wizard.",
                    person=open_cases[0].person_id.display_name,
                    cases=", ".join(open_cases.mapped("name")),
                )
            )
        self._expat_anonymize()
        return True

    def _expat_anonymize(self):
        """Anonymise these persons in one batch, without the checks of
        :meth:`action_expat_anonymize` (the retention run calls it).

        :return: dict, see ``expat.anonymization._anonymize``
        """
        return self.env["expat.anonymization"]._anonymize(self)

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

    @api.model
    def _expat_anonymize_expired(self, batch_size=200):
        """Anonymise every person due under the retention period (Art. 5(1)(e)
        GDPR, storage limitation), ``batch_size`` persons at a time. Each
        batch is committed (``ir.cron._commit_progress``), so an interrupted
        run loses at most the batch in hand and the next run carries on with
        who is left. A batch that fails is retried person by person; a person
        who cannot be anonymised (UserError) is undone, reported in the
        run's log entry and does not hold up the others. Messages another
        application refuses to change are kept and logged (Art. 17(3)), never
        failing the run.

        :return: number of persons anonymised
        """
        cron = self.env["ir.cron"]
        due = self._expat_retention_due_ids()
        cron._commit_progress(remaining=len(due))
        done = 0
        failed = []
        for batch in split_every(batch_size, due):
            persons = self.browse(batch)
            try:
                with self.env.cr.savepoint():
                    persons._expat_anonymize()
                done += len(persons)
            except UserError:
                for person in persons:
                    try:
                        with self.env.cr.savepoint():
                            person._expat_anonymize()
                        done += 1
                    except UserError as error:
                        _logger.warning(
                            "Retention: partner %s skipped: %s", person.id, error
                        )
                        failed.append(person.id)
            if not cron._commit_progress(len(batch)):
                break
        note = self.env._(
            "%(done)s of %(due)s persons due anonymised (retention period "
            "%(months)s months).",
            done=done,
            due=len(due),
            months=self._expat_retention_months(),
        )
        if failed:
            note += " " + self.env._(
                "Not anonymised because of an error (see the server log): "
                "partners %(ids)s.",
                ids=", ".join(map(str, failed)),
            )
        self.env["expat.privacy.log"]._log("retention", note=note)
        return done

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
        """Art. 15 GDPR: write every piece of personal data the desk holds
        about this person (the inventory of ``expat.personal.data``, their
        messages and the names of their attachments) into a JSON document
        and a readable HTML twin, attach both to the contact (field
        ``expat_data_export``, Managers only), log the export and download
        the JSON.

        The JSON's top-level keys: ``document`` (title), ``controllers``
        (the joint controllers' names), ``created`` (UTC date-time),
        ``person`` (the contact's fields), ``records`` ({model name: list of
        rows, one per record, ``id`` and the exported fields}), ``messages``
        (record, date, author, subject, body, tracked ``changes``) and
        ``attachments`` (record, name).

        :return: an ``ir.actions.act_url`` downloading the JSON
        :raise AccessError: the user is not a desk Manager or cannot see
            every case of the person
        """
        self.ensure_one()
        self._expat_check_manager()
        self._expat_check_cases_visible(
            self.env["expat.case"].sudo()._expat_personal_records(self)
        )
        exporter = self.env["expat.data.export"]
        document = exporter._document(self)
        today = fields.Date.context_today(self)
        attachments = self.env["ir.attachment"].sudo()
        stem = f"expat-data-export-{self.id}-{today}"
        common = {
            "res_model": "res.partner",
            "res_id": self.id,
            "res_field": "expat_data_export",
        }
        attachment = attachments.create(
            {
                "name": f"{stem}.json",
                "raw": exporter._json(document),
                "mimetype": "application/json",
                **common,
            }
        )
        # The same, readable by the person, beside it.
        readable = attachments.create(
            {
                "name": f"{stem}.html",
                "raw": exporter._html(document),
                "mimetype": "text/html",
                **common,
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
