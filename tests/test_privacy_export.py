import json

from odoo.exceptions import AccessError, UserError

from .common_privacy import ExpatPrivacyCase


class TestExport(ExpatPrivacyCase):
    def test_export_holds_everything_and_is_logged(self):
        action = self.person.with_user(self.manager).action_expat_data_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.person.id),
                ("res_field", "=", "expat_data_export"),
                ("mimetype", "=", "application/json"),
            ]
        )
        self.assertEqual(len(attachment), 1)
        self.assertIn(f"/web/content/{attachment.id}", action["url"])
        self.assertEqual(attachment.mimetype, "application/json")
        document = json.loads(attachment.raw)
        self.assertEqual(document["person"]["name"], "Priya Raman")
        self.assertEqual(document["person"]["email"], "priya.raman@example.com")
        self.assertEqual(document["person"]["city"], "Ratingen")
        records = document["records"]
        cases = records["expat.case"]
        self.assertEqual([c["name"] for c in cases], [self.case.name])
        self.assertEqual(cases[0]["residence_status"], "EU Blue Card")
        self.assertEqual(cases[0]["occupation"], "Robotics engineer at Rheinblick")
        self.assertIn("salary threshold", records["expat.consultation"][0]["note"])
        self.assertEqual(
            records["expat.referral"][0]["reason"], "Recognition of Priya's degree"
        )
        self.assertEqual(
            sorted(r["event_id"] for r in records["event.registration"]),
            ["Blue Card Workshop", "Chamber New Year Reception"],
        )
        bodies = [message["body"] for message in document["messages"]]
        self.assertIn("Priya sent her contract", bodies)
        self.assertIn("Priya called about her appointment", bodies)
        self.assertIn(
            "contract_priya.pdf", [a["name"] for a in document["attachments"]]
        )
        self.assertNotIn("Kenji", json.dumps(document))
        log = self.env["expat.privacy.log"].search(
            [("partner_id", "=", self.person.id)]
        )
        self.assertEqual(log.action, "export")

    def test_export_lists_what_the_anonymisation_clears(self):
        """Both read one inventory: every record it finds is exported with
        every personal field, and afterwards every such field is empty or
        holds the fixed replacement."""
        inventory = self.env["expat.personal.data"]
        records = inventory._personal_records(self.person)
        self.assertEqual(
            set(records),
            {
                "res.partner",
                "expat.case",
                "expat.consultation",
                "expat.referral",
                "event.registration",
            },
        )
        self.person.with_user(self.manager).action_expat_data_export()
        document = self.env["expat.data.export"]._document(self.person)
        for model, recordset in records.items():
            if model == "res.partner":
                rows = [document["person"]]
            else:
                rows = document["records"][model]
            self.assertEqual(
                sorted(row["id"] for row in rows), sorted(recordset.ids), model
            )
            for row in rows:
                self.assertLessEqual(
                    set(recordset._expat_personal_fields()), set(row), model
                )
        self.assertEqual(document["person"]["vat"], "DE123456789")
        self._close(self.case)
        self.person.with_user(self.manager).action_expat_anonymize()
        self.env.invalidate_all()
        for model, recordset in records.items():
            replacement = inventory._anonymized_values(recordset)
            for record in recordset:
                for fname in record._expat_personal_fields():
                    with self.subTest(model=model, field=fname):
                        if isinstance(replacement[fname], str):
                            self.assertEqual(record[fname], replacement[fname])
                        else:
                            self.assertFalse(record[fname])

    def test_export_is_for_managers(self):
        for user in (self.advisor_a, self.reporting):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.person.with_user(user).action_expat_data_export()


class TestPrivacyLog(ExpatPrivacyCase):
    def test_log_is_read_only_for_everybody(self):
        entry = self.env["expat.privacy.log"]._log("export", self.person, "test")
        self.assertEqual(
            entry.with_user(self.manager).read(["action"])[0]["action"], "export"
        )
        for user in (self.advisor_a, self.reporting):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                entry.with_user(user).read(["action"])
        with self.assertRaises(AccessError):
            entry.with_user(self.manager).write({"note": "changed"})
        with self.assertRaises(AccessError):
            entry.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.env["expat.privacy.log"].with_user(self.manager).create(
                {"action": "export"}
            )
        # Not even the superuser changes it.
        with self.assertRaises(UserError):
            entry.write({"note": "changed"})
        with self.assertRaises(UserError):
            entry.unlink()
        self.assertEqual(entry.note, "test")
