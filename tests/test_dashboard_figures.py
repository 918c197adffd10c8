import json
from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common_dashboard import (
    KPIS,
    PERIOD,
    ExpatDashboardCase,
)


class TestDashboardFigures(ExpatDashboardCase):
    """Who sees the dashboard, and its figures against get_kpis."""

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
