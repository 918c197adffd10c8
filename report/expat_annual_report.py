from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_date

SMALL_CELL = 3  # counts of fewer individuals than this are printed as "<3"


class ReportExpatAnnual(models.AbstractModel):
    """The values of the annual report (QWeb template
    ``expat_service_desk.report_expat_annual``): headline figures from
    ``expat.desk.report.get_kpis`` compared with the period before, and
    breakdown tables read from the rows of ``expat.desk.report``."""

    _name = "report.expat_service_desk.report_expat_annual"
    _description = "Expat Service Desk Annual Report Figures"

    @api.readonly
    @api.model
    def _get_report_values(self, docids, data=None):
        """The values the template prints.

        :param docids: ids of ``expat.annual.report.wizard`` (the period and
            organisations are read from the wizard when ``data`` has none)
        :param data: dict from the wizard's ``action_print``: ``date_from``
            and ``date_to`` (``YYYY-MM-DD``) and ``company_ids`` (list of
            ``res.company`` ids)
        :return: dict with ``doc_ids``, ``doc_model``, ``docs`` and the
            figures of ``_annual_figures``
        :raise UserError: when the period is empty or reversed, or an
            organisation does not exist
        :raise AccessError: when the caller may not read the figures or asks
            for an organisation they do not work for
        """
        data = data or {}
        docs = self.env["expat.annual.report.wizard"].browse(docids)
        if data.get("date_from"):
            date_from = fields.Date.to_date(data["date_from"])
            date_to = fields.Date.to_date(data["date_to"])
            company_ids = data.get("company_ids") or []
        else:
            wizard = docs.ensure_one()
            date_from, date_to = wizard.date_from, wizard.date_to
            # The organisations chosen, whether or not the user may read
            # them: the check refuses those the user does not work for.
            company_ids = wizard.sudo().company_ids.ids
        return {
            "doc_ids": docids,
            "doc_model": "expat.annual.report.wizard",
            "docs": docs,
            **self._annual_figures(date_from, date_to, company_ids),
        }

    @api.model
    def _annual_figures(self, date_from, date_to, company_ids):
        """Everything the template prints, computed with a handful of
        grouped queries. The organisations are checked once, first.

        :param date_from: first day (date)
        :param date_to: last day (date)
        :param company_ids: list of ``res.company`` ids
        :return: dict with ``period`` and ``previous_period`` (pairs of
            dates), ``organisations`` (names), ``headline`` (list of dicts
            ``label``, ``value``, ``previous``, ``change``, all strings),
            ``tables`` (list of dicts ``title``, ``lines``) and
            ``small_cell`` (int)
        """
        Report = self.env["expat.desk.report"]
        company_ids = Report._kpi_company_ids(company_ids)
        previous_from, previous_to = self._previous_period(date_from, date_to)
        current = Report.get_kpis(date_from, date_to, company_ids)
        previous = Report.get_kpis(previous_from, previous_to, company_ids)
        organisations = self.env["res.company"].sudo().browse(company_ids)
        return {
            "period": (date_from, date_to),
            "previous_period": (previous_from, previous_to),
            "organisations": organisations.sorted("name").mapped("name"),
            "headline": self._headline(current, previous),
            "tables": [
                self._breakdown(
                    date_from, date_to, field, title, activities, company_ids
                )
                for field, title, activities in self._breakdowns()
            ],
            "small_cell": SMALL_CELL,
        }

    @api.model
    def _previous_period(self, date_from, date_to):
        """The period of the same length just before: whole months (a
        quarter, a year) are compared with as many months before, other
        periods with as many days before.

        :return: (first day, last day) of the previous period
        """
        day_after = date_to + relativedelta(days=1)
        if date_from.day == 1 and day_after.day == 1:
            months = (
                (day_after.year - date_from.year) * 12
                + day_after.month
                - date_from.month
            )
            return (
                date_from - relativedelta(months=months),
                date_from - relativedelta(days=1),
            )
        previous_end = date_from - relativedelta(days=1)
        return previous_end - (date_to - date_from), previous_end

    @api.model
    def _small(self, count):
        """Print a count of individuals, hiding those under the threshold."""
        if 0 < count < SMALL_CELL:
            return f"<{SMALL_CELL}"
        return str(count)

    @api.model
    def _headline(self, current, previous):
        """The headline lines from two ``get_kpis`` answers."""
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
        return headline

    @api.model
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

    @api.model
    def _breakdowns(self):
        """(group-by, title, activity types or None for all) of the
        breakdown tables, in print order. What describes individuals is
        counted over individual consultations only."""
        consultations = ("company", "individual")
        individuals = ("individual",)
        return [
            ("date:month", self.env._("By month"), None),
            ("company_id", self.env._("By partner organisation"), None),
            (
                "topic_ids",
                self.env._("By topic (a consultation counts once per topic)"),
                consultations,
            ),
            ("nationality_id", self.env._("Individuals by nationality"), individuals),
            (
                "nationality_area",
                self.env._("Individuals from EU and non-EU countries"),
                individuals,
            ),
            (
                "residence_status",
                self.env._("Individuals by residence status"),
                individuals,
            ),
            ("municipality_id", self.env._("By municipality"), None),
            ("company_size", self.env._("By company size"), None),
            ("channel", self.env._("By channel"), None),
            ("is_first", self.env._("First and follow-up contacts"), consultations),
        ]

    @api.model
    def _breakdown(self, date_from, date_to, groupby, title, activities, company_ids):
        """One table: per value of ``groupby``, the consultations, hours,
        distinct companies and individuals, and event participants."""
        Report = self.env["expat.desk.report"].sudo()
        domain = [
            ("date", ">=", date_from),
            ("date", "<=", date_to),
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

    @api.model
    def _group_label(self, field_name, value):
        """The printed label of one group-by value."""
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
