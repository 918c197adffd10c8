"""Set-up and helpers shared by the dashboard tests."""

import json
import re
from datetime import date

from odoo.fields import Domain

from .common import ExpatDeskCase

MODEL = "expat.desk.report"
DASHBOARD = "expat_service_desk.spreadsheet_dashboard_expat_desk"
PERIOD = (date(2020, 1, 1), date(2020, 12, 31))
# =PIVOT.VALUE(1,"measure") or =PIVOT.VALUE(1,"measure","field","value",...)
PIVOT_VALUE = re.compile(r'PIVOT\.VALUE\((\d+),"([^"]+)"((?:,"[^"]*")*)\)')
PIVOT_TABLE = re.compile(r"\bPIVOT\((\d+)")
# The Data sheet's KPI labels and the get_kpis() figures they must equal.
KPIS = {
    "Companies advised": "companies_advised",
    "Individuals advised": "individuals_advised",
    "Consultations": "consultations",
    "Hours": "hours",
    "Events": "events",
    "Participants": "event_participants",
}
# A label cell: =_t("English source"), translated for each user (de.po).
TRANSLATED_LABEL = re.compile(r'^=_t\("([^"]+)"\)$')


def label(cell):
    """The English source of a label cell written as =_t("...")."""
    match = TRANSLATED_LABEL.match(cell)
    return match.group(1) if match else cell


def domain_leaves(domain):
    """The (path, operator, value) leaves of a domain given as a list."""
    return [tuple(term) for term in domain if isinstance(term, list | tuple)]


class ExpatDashboardCase(ExpatDeskCase):
    """The spreadsheet dashboard shown to the funding organisations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(DASHBOARD)
        cls.data = json.loads(cls.dashboard.spreadsheet_data)
        cls.report = cls.env[MODEL]

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _sheet(self, name):
        sheets = {sheet["name"]: sheet for sheet in self.data["sheets"]}
        self.assertIn(name, sheets)
        return sheets[name]

    def _charts(self):
        """Every chart reading Odoo data, carousels included."""
        charts = []
        for sheet in self.data["sheets"]:
            for figure in sheet["figures"]:
                if figure["tag"] == "chart" and figure["data"]["type"].startswith(
                    "odoo_"
                ):
                    charts.append(figure["data"])
                elif figure["tag"] == "carousel":
                    charts.extend(
                        chart
                        for chart in figure["data"]["chartDefinitions"].values()
                        if chart["type"].startswith("odoo_")
                    )
        return charts

    def _view_links(self):
        """The views opened by the odoo://view/ links of title cells."""
        links = []
        for sheet in self.data["sheets"]:
            for content in sheet["cells"].values():
                match = re.match(r"^\[[^\]]+\]\(odoo://view/(.+)\)$", content)
                if match:
                    links.append(json.loads(match.group(1)))
        return links

    def _assert_path(self, path, where):
        """A field path (``a.b.c``) exists, starting on the report."""
        model = self.report
        for name in path.split("."):
            self.assertIn(
                name, model._fields, f"{where}: no field {name!r} on {model._name}"
            )
            field = model._fields[name]
            if field.relational:
                model = self.env[field.comodel_name]

    def _assert_groupby(self, groupby, where):
        name, _sep, granularity = groupby.partition(":")
        self._assert_path(name, where)
        field = self.report._fields[name]
        self.assertTrue(
            field.store, f"{where}: {name!r} is not stored, it cannot be grouped by"
        )
        if granularity:
            self.assertIn(field.type, ("date", "datetime"), where)

    def _assert_domain(self, domain, where):
        for path, _operator, _value in domain_leaves(domain):
            self._assert_path(path, where)

    def _assert_matching(self, matching, where):
        filter_ids = {gf["id"] for gf in self.data["globalFilters"]}
        for filter_id, match in matching.items():
            self.assertIn(filter_id, filter_ids, f"{where}: unknown global filter")
            self._assert_path(match["chain"], where)

    def _aggregate_spec(self, measure):
        if measure["fieldName"] == "__count":
            return "__count"
        aggregator = (
            measure.get("aggregator")
            or self.report._fields[measure["fieldName"]].aggregator
        )
        return f"{measure['fieldName']}:{aggregator}"

    def _pivot_value(self, pivot, measure_id, args, period, user):
        """What =PIVOT.VALUE(pivot, measure, field, value, ...) shows when the
        date filter is ``period``, computed on the server as ``user``."""
        measure = next(m for m in pivot["measures"] if m["id"] == measure_id)
        spec = self._aggregate_spec(measure)
        (date_match,) = [
            m for m in pivot["fieldMatching"].values() if m["type"] == "date"
        ]
        domain = Domain.AND(
            [
                Domain(pivot["domain"]),
                Domain(date_match["chain"], ">=", period[0]),
                Domain(date_match["chain"], "<=", period[1]),
                *(
                    Domain(field, "=", value)
                    for field, value in zip(args[::2], args[1::2], strict=True)
                ),
            ]
        )
        groups = self.report.with_user(user).formatted_read_group(domain, [], [spec])
        return groups[0][spec] or 0

    def _data_sheet_figures(self, column, period, user):
        """The KPIs of the Data sheet's ``column`` by label."""
        sheet = self._sheet("Data")
        figures = {}
        row = 2
        while f"A{row}" in sheet["cells"]:
            formula = sheet["cells"][f"{column}{row}"]
            terms = PIVOT_VALUE.findall(formula)
            self.assertTrue(terms, formula)
            self.assertEqual(
                "=0+" + "+".join(m.group(0) for m in PIVOT_VALUE.finditer(formula)),
                formula,
                "a KPI formula is 0 plus PIVOT.VALUE terms (0 when a group is missing)",
            )
            figures[label(sheet["cells"][f"A{row}"])] = sum(
                self._pivot_value(
                    self.data["pivots"][pivot_id],
                    measure_id,
                    re.findall(r'"([^"]*)"', args),
                    period,
                    user,
                )
                for pivot_id, measure_id, args in terms
            )
            row += 1
        return figures

    # ------------------------------------------------------------------
    # tests
    # ------------------------------------------------------------------
