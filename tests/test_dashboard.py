import json
import re
from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tests import new_test_user

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


class TestDashboard(ExpatDeskCase):
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

    def test_dashboard_declaration(self):
        group = self.env.ref(
            "expat_service_desk.spreadsheet_dashboard_group_expat_desk"
        )
        reporting = self.env.ref("expat_service_desk.group_expat_desk_reporting")
        self.assertEqual(self.dashboard.dashboard_group_id, group)
        self.assertEqual(group.name, "Expat Service Desk")
        self.assertIn(self.dashboard, group.published_dashboard_ids)
        self.assertTrue(self.dashboard.is_published)
        self.assertEqual(self.dashboard.group_ids, reporting)
        self.assertEqual(self.dashboard.main_data_model_ids.model, MODEL)

    def test_spreadsheet_loads(self):
        self.assertIsInstance(self.data, dict)
        self.assertEqual(self.data["version"], "18.5.10")
        self.assertEqual(self.data["sheets"][0]["name"], "Dashboard")
        (period,) = [gf for gf in self.data["globalFilters"] if gf["type"] == "date"]
        self.assertEqual(period["defaultValue"], "this_year")
        self.assertGreaterEqual(len(self.data["pivots"]), 6)
        self.assertGreaterEqual(len(self._charts()), 2)

    def test_data_sources_read_the_report_only(self):
        sources = (
            [pivot["model"] for pivot in self.data["pivots"].values()]
            + [list_["model"] for list_ in self.data["lists"].values()]
            + [chart["metaData"]["resModel"] for chart in self._charts()]
            + [link["action"]["modelName"] for link in self._view_links()]
        )
        self.assertTrue(sources)
        self.assertEqual(set(sources), {MODEL})
        self.assertEqual(
            {pivot["type"] for pivot in self.data["pivots"].values()}, {"ODOO"}
        )
        for global_filter in self.data["globalFilters"]:
            if global_filter["type"] == "relation":
                self.assertIn(global_filter["modelName"], self.env)

    def test_fields_exist_on_the_report(self):
        for pivot_id, pivot in self.data["pivots"].items():
            where = f"pivot {pivot_id} ({pivot['name']})"
            measure_ids = set()
            for measure in pivot["measures"]:
                measure_ids.add(measure["id"])
                if measure["fieldName"] == "__count":
                    continue
                self._assert_path(measure["fieldName"], where)
                field = self.report._fields[measure["fieldName"]]
                self.assertTrue(field.store, where)
                self.assertTrue(
                    measure.get("aggregator") or field.aggregator,
                    f"{where}: {field.name} has no aggregator",
                )
            for dimension in pivot["rows"] + pivot["columns"]:
                self._assert_groupby(dimension["fieldName"], where)
            self._assert_domain(pivot["domain"], where)
            self._assert_matching(pivot["fieldMatching"], where)
            if pivot.get("sortedColumn"):
                self.assertIn(pivot["sortedColumn"]["measure"], measure_ids, where)
        for list_id, list_ in self.data["lists"].items():
            for name in list_["columns"]:
                self._assert_path(name, f"list {list_id}")
            self._assert_domain(list_["domain"], f"list {list_id}")
        for chart in self._charts():
            where = f"chart {chart['chartId']}"
            meta, search = chart["metaData"], chart["searchParams"]
            for groupby in meta["groupBy"] + search["groupBy"]:
                self._assert_groupby(groupby, where)
            if meta["measure"] != "__count":
                self._assert_path(meta["measure"], where)
                self.assertTrue(self.report._fields[meta["measure"]].aggregator, where)
            self._assert_domain(search["domain"], where)
            self._assert_matching(chart["fieldMatching"], where)
        for link in self._view_links():
            self._assert_domain(link["action"]["domain"], link["name"])
            for groupby in link["action"]["context"]["group_by"]:
                self._assert_groupby(groupby, link["name"])

    def test_formulas_use_defined_pivots_and_measures(self):
        pivots = self.data["pivots"]
        used = set()
        for sheet in self.data["sheets"]:
            for xc, content in sheet["cells"].items():
                where = f"{sheet['name']}!{xc}"
                for pivot_id in PIVOT_TABLE.findall(content):
                    self.assertIn(pivot_id, pivots, where)
                    used.add(pivot_id)
                for pivot_id, measure_id, args in PIVOT_VALUE.findall(content):
                    self.assertIn(pivot_id, pivots, where)
                    used.add(pivot_id)
                    pivot = pivots[pivot_id]
                    self.assertIn(
                        measure_id, [m["id"] for m in pivot["measures"]], where
                    )
                    groupbys = [
                        d["fieldName"] for d in pivot["rows"] + pivot["columns"]
                    ]
                    for field in re.findall(r'"([^"]*)"', args)[::2]:
                        self.assertIn(field, groupbys, where)
        self.assertEqual(used, set(pivots), "every pivot is shown somewhere")
        # Scorecards show the Data sheet: this period, compared with the last.
        data_cells = self._sheet("Data")["cells"]
        scorecards = [
            figure["data"]
            for figure in self._sheet("Dashboard")["figures"]
            if figure["tag"] == "chart" and figure["data"]["type"] == "scorecard"
        ]
        self.assertEqual(
            sorted(card["title"]["text"] for card in scorecards), sorted(KPIS)
        )
        for card in scorecards:
            key, baseline = card["keyValue"], card["baseline"]
            self.assertRegex(key, r"^Data!B\d+$")
            self.assertEqual(baseline, key.replace("!B", "!C"))
            self.assertEqual(
                label(data_cells[key.replace("Data!B", "A")]), card["title"]["text"]
            )

    def test_previous_period_is_the_current_one_shifted(self):
        """Column C of the Data sheet is column B one period earlier."""
        cells = self._sheet("Data")["cells"]
        current = {
            p
            for f in (cells[f"B{r}"] for r in range(2, 8))
            for p, *_ in PIVOT_VALUE.findall(f)
        }
        previous = {
            p
            for f in (cells[f"C{r}"] for r in range(2, 8))
            for p, *_ in PIVOT_VALUE.findall(f)
        }
        self.assertEqual(len(current), 1)
        self.assertEqual(len(previous), 1)
        now, before = (
            self.data["pivots"][current.pop()],
            self.data["pivots"][previous.pop()],
        )
        self.assertEqual(
            [m["chain"] for m in now["fieldMatching"].values() if m["type"] == "date"],
            ["date"],
        )
        self.assertEqual(
            [
                m.get("offset", 0)
                for m in now["fieldMatching"].values()
                if m["type"] == "date"
            ],
            [0],
        )
        self.assertEqual(
            [
                m.get("offset", 0)
                for m in before["fieldMatching"].values()
                if m["type"] == "date"
            ],
            [-1],
        )
        for key in ("model", "domain", "measures", "rows", "columns"):
            self.assertEqual(now[key], before[key], key)
        for row in range(2, 8):
            self.assertEqual(
                cells[f"C{row}"],
                cells[f"B{row}"].replace("PIVOT.VALUE(1,", "PIVOT.VALUE(2,"),
            )

    def test_reporting_user_reads_the_dashboard(self):
        viewer = new_test_user(
            self.env,
            login="esd_dashboard_viewer",
            groups="base.group_user,expat_service_desk.group_expat_desk_reporting",
        )
        dashboard = self.dashboard.with_user(viewer)
        self.assertEqual(dashboard.read(["name"])[0]["name"], "Expat Service Desk")
        # What the dashboard menu fetches, then /spreadsheet/dashboard/data.
        groups = (
            self.env["spreadsheet.dashboard.group"]
            .with_user(viewer)
            .search([("published_dashboard_ids", "!=", False)])
        )
        self.assertIn(dashboard, groups.published_dashboard_ids)
        served = json.loads(dashboard._get_serialized_readonly_dashboard())
        self.assertEqual(served["snapshot"]["pivots"], self.data["pivots"])
        self.assertEqual(served["translation_namespace"], "expat_service_desk")
        # Every pivot and chart fetches its data as that user.
        report = self.report.with_user(viewer)
        for pivot in self.data["pivots"].values():
            groupby = [d["fieldName"] for d in pivot["rows"] + pivot["columns"]]
            specs = [self._aggregate_spec(m) for m in pivot["measures"]]
            report.formatted_read_group(pivot["domain"], groupby, specs)
        for chart in self._charts():
            meta = chart["metaData"]
            spec = self._aggregate_spec({"fieldName": meta["measure"]})
            report.formatted_read_group(
                chart["searchParams"]["domain"], meta["groupBy"], [spec]
            )

    def test_other_employees_do_not_see_it(self):
        employee = new_test_user(
            self.env, login="esd_dashboard_employee", groups="base.group_user"
        )
        Dashboard = self.env["spreadsheet.dashboard"].with_user(employee)
        self.assertFalse(Dashboard.search([("id", "=", self.dashboard.id)]))
        with self.assertRaises(AccessError):
            self.dashboard.with_user(employee).read(["name"])
        with self.assertRaises(AccessError):
            self.report.with_user(employee).formatted_read_group([], [], ["__count"])

    def test_figures_match_the_desk_kpis(self):
        """The Data sheet's figures, computed as the dashboard asks for them,
        are the desk's official KPIs (expat.desk.report.get_kpis)."""
        Consultation = self.env["expat.consultation"]
        employer_2 = self.env["res.partner"].create(
            {
                "name": "Hildener Werkzeug KG",
                "is_company": True,
                "company_size": "10_49",
            }
        )
        contact_1 = self._create_company_contact()
        contact_2 = self._create_company_contact(partner_id=employer_2.id)
        case_1 = self._create_case()
        case_2 = self._create_case(
            person_id=self.env["res.partner"].create({"name": "Mei Lin"}).id
        )
        Consultation.create(
            [
                {
                    "company_contact_id": contact_1.id,
                    "date": "2020-01-01",
                    "duration": 1.0,
                },
                {
                    "company_contact_id": contact_1.id,
                    "date": "2020-06-15",
                    "duration": 0.5,
                },
                {
                    "company_contact_id": contact_2.id,
                    "date": "2020-12-31",
                    "duration": 0.75,
                },
                {"case_id": case_1.id, "date": "2020-03-01", "duration": 1.5},
                {"case_id": case_1.id, "date": "2020-04-01", "duration": 0.25},
                {"case_id": case_2.id, "date": "2020-05-01", "duration": 2.0},
                # outside the period
                {
                    "company_contact_id": contact_1.id,
                    "date": "2021-01-01",
                    "duration": 8.0,
                },
                {"case_id": case_2.id, "date": "2019-12-31", "duration": 8.0},
            ]
        )
        event = self.env["event.event"].create(
            {
                "name": "Infoabend",
                "is_expat_desk": True,
                "date_begin": datetime(2020, 2, 5, 17, 0),
                "date_end": datetime(2020, 2, 5, 20, 0),
                "date_tz": "Europe/Berlin",
                "company_id": self.org_a.id,
            }
        )
        registrations = self.env["event.registration"].create(
            [{"event_id": event.id, "name": f"Guest {i}"} for i in range(4)]
        )
        registrations[:3].action_set_done()  # the fourth did not come

        figures = self._data_sheet_figures("B", PERIOD, self.reporting)
        self.assertEqual(set(figures), set(KPIS))
        self.assertEqual(
            figures,
            {
                "Companies advised": 2,
                "Individuals advised": 2,
                "Consultations": 6,
                "Hours": 6.0,
                "Events": 1,
                "Participants": 3,
            },
        )
        kpis = self.report.with_user(self.reporting).get_kpis(*PERIOD)
        self.assertEqual(figures, {label: kpis[key] for label, key in KPIS.items()})
        # The previous period (column C) reads the same way.
        self.assertEqual(self._data_sheet_figures("C", PERIOD, self.reporting), figures)

    def test_events_nobody_attended_count_as_events(self):
        """The dashboard's event figure is get_kpis' ``events``: events
        held in the period, attended or not."""
        Event = self.env["event.event"]
        attended, nobody_came = Event.create(
            [
                {
                    "name": name,
                    "is_expat_desk": True,
                    "date_begin": datetime(2020, month, 5, 17, 0),
                    "date_end": datetime(2020, month, 5, 20, 0),
                    "date_tz": "Europe/Berlin",
                    "company_id": self.org_a.id,
                }
                for name, month in (("Infoabend", 2), ("Stammtisch", 3))
            ]
        )
        registrations = self.env["event.registration"].create(
            [
                {"event_id": attended.id, "name": "Guest"},
                {"event_id": nobody_came.id, "name": "No-show"},
            ]
        )
        registrations[0].action_set_done()
        figures = self._data_sheet_figures("B", PERIOD, self.reporting)
        kpis = self.report.with_user(self.reporting).get_kpis(*PERIOD)
        self.assertEqual(kpis["events"], 2)
        self.assertEqual(kpis["event_participants"], 1)
        self.assertEqual(figures, {label: kpis[key] for label, key in KPIS.items()})
