from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

SMALL_CELL = 3  # counts of fewer individuals than this are printed as "<3"


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
        self.ensure_one()
        # The organisations chosen, whether or not the user may read them:
        # the check refuses those the user does not work for.
        self.env["expat.desk.report"]._kpi_company_ids(self.sudo().company_ids.ids)
        return self.env.ref(
            "expat_service_desk.action_report_expat_annual"
        ).report_action(self)

    # ------------------------------------------------------------------
    # Figures of the report
    # ------------------------------------------------------------------

    def _previous_period(self):
        """The period of the same length just before: whole months (a
        quarter, a year) are compared with as many months before, other
        periods with as many days before."""
        self.ensure_one()
        start, end = self.date_from, self.date_to
        day_after = end + relativedelta(days=1)
        if start.day == 1 and day_after.day == 1:
            months = (day_after.year - start.year) * 12 + day_after.month - start.month
            return start - relativedelta(months=months), start - relativedelta(days=1)
        previous_end = start - relativedelta(days=1)
        return previous_end - (end - start), previous_end

    @api.model
    def _small(self, count):
        """Print a count of individuals, hiding those under the threshold."""
        if 0 < count < SMALL_CELL:
            return f"<{SMALL_CELL}"
        return str(count)

    @api.readonly
    def _report_data(self):
        """Everything the template prints, computed with a handful of
        grouped queries. The caller must be allowed to see the chosen
        organisations (checked first)."""
        self.ensure_one()
        Report = self.env["expat.desk.report"]
        company_ids = Report._kpi_company_ids(self.sudo().company_ids.ids)
        previous_from, previous_to = self._previous_period()
        current = Report.get_kpis(self.date_from, self.date_to, company_ids)
        previous = Report.get_kpis(previous_from, previous_to, company_ids)
        labels = [
            ("companies_advised", self.env._("Companies advised"), False),
            ("individuals_advised", self.env._("Individuals advised"), True),
            ("consultations", self.env._("Consultations"), False),
            ("hours", self.env._("Hours of advice"), False),
            ("events", self.env._("Events"), False),
            ("event_participants", self.env._("Event participants"), True),
            ("ratings", self.env._("Satisfaction ratings"), True),
        ]
        headline = []
        for key, label, individuals in labels:
            now, before = current[key], previous[key]
            if key == "hours":
                shown_now, shown_before = f"{now:.1f}", f"{before:.1f}"
            elif individuals:
                shown_now, shown_before = self._small(now), self._small(before)
            else:
                shown_now, shown_before = str(now), str(before)
            change = (
                f"{(now - before) / before * 100:+.0f} %"
                if before and not (individuals and min(now, before) < SMALL_CELL)
                else "–"
            )
            headline.append(
                {
                    "label": label,
                    "value": shown_now,
                    "previous": shown_before,
                    "change": change,
                }
            )
        headline.append(self._satisfaction_line(current, previous))
        return {
            "period": (self.date_from, self.date_to),
            "previous_period": (previous_from, previous_to),
            "organisations": self.sudo().company_ids.sorted("name").mapped("name"),
            "headline": headline,
            "tables": [
                self._breakdown(field, title, activities, company_ids)
                for field, title, activities in self._breakdowns()
            ],
            "small_cell": SMALL_CELL,
        }

    def _satisfaction_line(self, current, previous):
        """The headline line of the average rating (1–5): printed only for
        periods with at least ``SMALL_CELL`` ratings, else "–"."""

        def shown(kpis):
            if kpis["ratings"] < SMALL_CELL:
                return "–"
            return f"{kpis['satisfaction']:.1f}"

        both = min(current["ratings"], previous["ratings"]) >= SMALL_CELL
        change = current["satisfaction"] - previous["satisfaction"]
        return {
            "label": self.env._("Average satisfaction (1–5)"),
            "value": shown(current),
            "previous": shown(previous),
            "change": f"{change:+.1f}" if both else "–",
        }

    def _breakdowns(self):
        """(group-by, title, activity types or None for all) of the
        breakdown tables, in print order. What describes individuals is
        counted over individual consultations only."""
        _ = self.env._
        consultations = ("company", "individual")
        individuals = ("individual",)
        return [
            ("date:month", _("By month"), None),
            ("company_id", _("By partner organisation"), None),
            (
                "topic_ids",
                _("By topic (a consultation counts once per topic)"),
                consultations,
            ),
            ("nationality_id", _("Individuals by nationality"), individuals),
            (
                "nationality_area",
                _("Individuals from EU and non-EU countries"),
                individuals,
            ),
            ("residence_status", _("Individuals by residence status"), individuals),
            ("municipality_id", _("By municipality"), None),
            ("company_size", _("By company size"), None),
            ("channel", _("By channel"), None),
            ("is_first", _("First and follow-up contacts"), consultations),
        ]

    def _breakdown(self, groupby, title, activities, company_ids):
        """One table: per value of ``groupby``, the consultations, hours,
        distinct companies and individuals, and event participants."""
        Report = self.env["expat.desk.report"].sudo()
        domain = [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("company_id", "in", company_ids),
        ]
        # The tables show consultations and event participation; the rows
        # of events held only feed the headline figure.
        domain.append(
            ("activity_type", "in", activities or ("company", "individual", "event"))
        )
        groups = Report._read_group(
            domain,
            [groupby, "activity_type"],
            [
                "__count",
                "duration:sum",
                "organisation_id:count_distinct",
                "person_key:count_distinct",
            ],
        )
        rows = {}
        for value, activity, count, hours, companies, persons in groups:
            row = rows.setdefault(
                value,
                {
                    "consultations": 0,
                    "hours": 0.0,
                    "companies": 0,
                    "individuals": 0,
                    "participants": 0,
                },
            )
            if activity == "event":
                row["participants"] += count
                continue
            row["consultations"] += count
            row["hours"] += hours
            if activity == "company":
                row["companies"] += companies
            else:
                row["individuals"] += persons
        field_name = groupby.split(":")[0]
        # In a table about individuals, a row of one or two persons would
        # also reveal their consultations: those are hidden as well.
        about_individuals = activities == ("individual",)
        lines = []
        for value, row in rows.items():
            hidden = about_individuals and 0 < row["individuals"] < SMALL_CELL
            lines.append(
                {
                    "label": self._group_label(field_name, value),
                    "sort": value,
                    "order": row["consultations"],
                    "consultations": "–" if hidden else str(row["consultations"]),
                    "hours": "–" if hidden else f"{row['hours']:.1f}",
                    "companies": row["companies"],
                    "individuals": self._small(row["individuals"]),
                    "participants": self._small(row["participants"]),
                }
            )
        if field_name == "date":
            lines.sort(key=lambda line: line["sort"])
        else:
            lines.sort(key=lambda line: (-line["order"], line["label"]))
        return {"title": title, "lines": lines}

    def _group_label(self, field_name, value):
        field = self.env["expat.desk.report"]._fields[field_name]
        if field.type == "date":
            return format_date(self.env, value, date_format="MMMM y")
        if field.type == "boolean":
            return self.env._("First contact") if value else self.env._("Follow-up")
        if not value:
            return self.env._("Not recorded")
        if field.type == "selection":
            return dict(field._description_selection(self.env))[value]
        return value.display_name
