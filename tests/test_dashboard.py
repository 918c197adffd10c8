import re

from .common_dashboard import (
    KPIS,
    MODEL,
    PIVOT_TABLE,
    PIVOT_VALUE,
    ExpatDashboardCase,
    label,
)


class TestDashboard(ExpatDashboardCase):
    """The spreadsheet's structure: declaration, data sources, formulas."""

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
