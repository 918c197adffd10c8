from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

REPORT = "report.expat_service_desk.report_expat_annual"


class ExpatAnnualReportWizard(models.TransientModel):
    _name = "expat.annual.report.wizard"
    _description = "Expat Service Desk Annual Report"

    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_dates()[0]
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: self._default_dates()[1]
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Organisations",
        required=True,
        default=lambda self: self.env.companies,
    )

    @api.model
    def _default_dates(self):
        """The last full calendar year."""
        today = fields.Date.context_today(self)
        start = today.replace(month=1, day=1) - relativedelta(years=1)
        return start, start.replace(month=12, day=31)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period must not end before it starts."))

    def action_print(self):
        """Print the annual report for the wizard's period and organisations.

        :return: the report action, with ``data`` holding ``date_from``,
            ``date_to`` (``YYYY-MM-DD``) and ``company_ids``
        :raise AccessError: when the user does not work for one of the
            organisations chosen
        """
        self.ensure_one()
        # The organisations chosen, whether or not the user may read them:
        # the check refuses those the user does not work for.
        data = self._report_params()
        self.env["expat.desk.report"]._kpi_company_ids(data["company_ids"])
        return self.env.ref(
            "expat_service_desk.action_report_expat_annual"
        ).report_action(self, data=data)

    def _report_params(self):
        """The period and organisations as the report's ``data``."""
        self.ensure_one()
        return {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "company_ids": self.sudo().company_ids.ids,
        }
