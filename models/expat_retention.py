import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

RETENTION_PARAM = "expat_service_desk.retention_months"
RETENTION_DEFAULT = 36


class ExpatRetention(models.AbstractModel):
    """Storage limitation (Art. 5(1)(e) GDPR): who is due for anonymisation
    once the retention period (Settings, ``expat_service_desk.retention_months``)
    has passed, and the daily run that anonymises them (cron
    ``ir_cron_expat_retention`` through ``expat.case._cron_anonymize_expired``).
    The anonymisation itself is ``res.partner._expat_anonymize``."""

    _name = "expat.retention"
    _description = "Retention of Personal Data"

    @api.model
    def _months(self):
        """The retention period in months: the setting, else 36; at least 1.

        :return: int
        """
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
        try:
            months = int(value) if value else RETENTION_DEFAULT
        except ValueError:
            months = RETENTION_DEFAULT
        return max(months, 1)

    @api.model
    def _due_ids(self):
        """Persons not yet anonymised who have at least one case and whose
        cases, archived ones included, are all closed since before the
        retention period. Persons with a user account are left to a manager:
        their contact is also their login.

        :return: list of ``res.partner`` ids, ascending
        """
        limit = fields.Date.context_today(self) - relativedelta(months=self._months())
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
    def _anonymize_expired(self, batch_size=200):
        """Anonymise every person due under the retention period (Art. 5(1)(e)
        GDPR, storage limitation) through ``res.partner._expat_anonymize``,
        ``batch_size`` persons at a time. Each batch is committed
        (``ir.cron._commit_progress``), so an interrupted run loses at most
        the batch in hand and the next run carries on with who is left. A
        batch that fails is retried person by person; a person who cannot
        be anonymised (UserError) is undone, reported in the run's log
        entry (``expat.privacy.log``, action ``retention``) and does not
        hold up the others. Messages another application refuses to change
        are kept and logged (Art. 17(3)), never failing the run.

        :param int batch_size: persons per committed batch
        :return: number of persons anonymised
        """
        partners = self.env["res.partner"]
        cron = self.env["ir.cron"]
        due = self._due_ids()
        cron._commit_progress(remaining=len(due))
        done = 0
        failed = []
        for batch in split_every(batch_size, due):
            persons = partners.browse(batch)
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
            months=self._months(),
        )
        if failed:
            note += " " + self.env._(
                "Not anonymised because of an error (see the server log): "
                "partners %(ids)s.",
                ids=", ".join(map(str, failed)),
            )
        self.env["expat.privacy.log"]._log("retention", note=note)
        return done
