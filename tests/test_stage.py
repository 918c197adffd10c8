from freezegun import freeze_time

from .common import ExpatDeskCase


class TestStage(ExpatDeskCase):
    def test_closed_date_set_and_cleared_by_stage(self):
        case = self._create_case()
        self.assertFalse(case.closed_date)
        with freeze_time("2026-06-15"):
            case.stage_id = self.stage_closed
        self.assertEqual(str(case.closed_date), "2026-06-15")
        self.assertTrue(case.is_closed)
        case.stage_id = self.stage_in_progress
        self.assertFalse(case.closed_date)

    def test_closed_date_kept_between_closed_stages(self):
        other_closed = self.env["expat.stage"].create(
            {"name": "Closed (no show)", "is_closed": True, "sequence": 95}
        )
        contact = self._create_company_contact()
        with freeze_time("2026-02-01"):
            contact.stage_id = self.stage_closed
        with freeze_time("2026-03-01"):
            contact.stage_id = other_closed
        self.assertEqual(str(contact.closed_date), "2026-02-01")

    def test_created_closed_gets_closed_date(self):
        case = self._create_case(stage_id=self.stage_closed.id)
        self.assertTrue(case.closed_date)

    def test_kanban_shows_every_stage(self):
        self._create_case()
        result = (
            self.env["expat.case"]
            .with_user(self.advisor_a)
            .with_context(read_group_expand=True)
            .web_read_group(
                [], ["stage_id"], ["__count"], unfold_read_specification={"name": {}}
            )
        )
        stage_ids = [group["stage_id"][0] for group in result["groups"]]
        self.assertEqual(stage_ids, self.env["expat.stage"].search([]).ids)
        # The closed column stays folded: its records are not loaded.
        unfolded = [
            group["stage_id"][0] for group in result["groups"] if "__records" in group
        ]
        self.assertNotIn(self.stage_closed.id, unfolded)
        self.assertIn(self.stage_new.id, unfolded)

    def test_time_in_stage_tracked(self):
        case = self._create_case()
        self._flush_tracking()
        # The case was opened three days ago and moved on today.
        self.env.cr.execute(
            "UPDATE expat_case SET create_date = now() - interval '3 days' "
            "WHERE id = %s",
            [case.id],
        )
        case.invalidate_recordset(["create_date"])
        case.stage_id = self.stage_in_progress
        self._flush_tracking()
        case.invalidate_recordset(["duration_tracking"])
        seconds_in_new = case.duration_tracking[str(self.stage_new.id)]
        self.assertAlmostEqual(seconds_in_new, 3 * 86400, delta=60)
        self.assertTrue(case.date_last_stage_update)
