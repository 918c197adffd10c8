from .common_erasure import EMAIL, NAME, TRACES, ExpatErasureCase


class TestErasureSweep(ExpatErasureCase):
    def test_no_column_of_any_table_holds_the_person(self):
        history = self._rich_history()
        before = self._columns_holding(*TRACES)
        # The history really is rich: the sweep sees her in all these places.
        for column in (
            "res_partner.name",
            "mail_message.body",
            "mail_message.email_from",
            "mail_tracking_value.old_value_char",
            "mail_tracking_value.new_value_char",
            "mail_activity.res_name",
            "expat_case.person_name",
            "expat_consultation.note",
            "expat_referral.reason",
            "event_registration.name",
            "event_registration_answer.value_text_box",
            "ir_attachment.name",
        ):
            self.assertTrue(any(hit.startswith(column + " ") for hit in before), column)
        self._anonymize()
        self.assertEqual(self._columns_holding(*TRACES), [])
        # Others are left alone, the statistics stay.
        self.assertEqual(history["corrected"].person_id, self.kenji)
        self.assertEqual(self.kenji.name, "Kenji Sato")
        self.assertEqual(history["contact"].contact_person_id, self.ana)
        self.assertEqual(len(self.case.consultation_ids), 3)
        self.assertEqual(self._columns_holding("Carlos Souza"), [])

    def test_tracking_of_a_contact_person_and_a_corrected_case(self):
        """Failing input 1."""
        history = self._rich_history()

        def tracked(record, fname):
            values = record.sudo().message_ids.tracking_value_ids.filtered(
                lambda value: value.field_id.name == fname
            )
            return values.mapped("old_value_char") + values.mapped("new_value_char")

        self.assertIn(NAME, tracked(history["contact"], "contact_person_id"))
        self.assertIn(NAME, tracked(history["corrected"], "person_id"))
        self._anonymize()
        for record, fname in (
            (history["contact"], "contact_person_id"),
            (history["corrected"], "person_id"),
        ):
            values = tracked(record, fname)
            self.assertNotIn(NAME, values, record._name)
            self.assertIn(self.ana.with_context(active_test=False).name, values)
        # Kenji's name stays in the history of the corrected case.
        self.assertIn("Kenji Sato", tracked(history["corrected"], "person_id"))

    def test_mention_on_a_record_that_names_her_in_a_role(self):
        history = self._rich_history()
        note = (
            history["contact"]
            .sudo()
            .message_ids.filtered(lambda m: "coordinates" in (m.body or ""))
        )
        self._anonymize()
        self.assertNotIn(NAME, note.body)
        self.assertNotIn(EMAIL, note.body.lower())
        self.assertNotIn(NAME, note.subject)
        self.assertIn("coordinates the hires", note.body)

    def test_addresses_and_subject_of_the_request_mail(self):
        """Failing input 2."""
        request = self.case.sudo().message_ids.filtered(
            lambda m: m.message_type == "email"
        )
        self.assertIn("carlos.souza@example.org", request.incoming_email_cc)
        self.assertIn(EMAIL, request.email_from)
        self._anonymize()
        for fname in (
            "incoming_email_cc",
            "incoming_email_to",
            "reply_to",
            "email_from",
            "subject",
            "outgoing_email_to",
        ):
            self.assertFalse(request[fname], fname)
        self.assertFalse(request.body)

    def test_activities_lose_the_name(self):
        """Failing input 3."""
        self._rich_history()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "expat.case"), ("res_id", "=", self.case.id)]
        )
        self.assertGreaterEqual(len(activities), 2, "to-do and permit reminder")
        self.assertTrue(all(NAME in a.res_name for a in activities))
        self._anonymize()
        for activity in activities:
            self.assertNotIn(NAME, activity.res_name)
            self.assertIn(self.case.name, activity.res_name)
            self.assertFalse(activity.note)
            self.assertFalse(activity.summary)

    def test_address_in_the_cc_of_another_persons_mail(self):
        """Carlos, in Cc of Ana's request, is anonymised himself."""
        carlos = self.env["res.partner"].create(
            {"name": "Carlos Souza", "email": "carlos.souza@example.org"}
        )
        self._create_case(person_id=carlos.id)
        self._anonymize(carlos)
        request = self.case.sudo().message_ids.filtered(
            lambda m: m.message_type == "email"
        )
        self.assertFalse(request.incoming_email_cc)
        self.assertIn(NAME, request.body)  # Ana's own message is hers
        self.assertEqual(self._columns_holding("carlos.souza@example.org"), [])

    def test_log_names_no_personal_data(self):
        self._rich_history()
        self._anonymize()
        logs = self.env["expat.privacy.log"].search([("partner_id", "=", self.ana.id)])
        self.assertEqual(logs.action, "anonymize")
        text = " ".join(logs.mapped("note"))
        for trace in TRACES:
            self.assertNotIn(trace, text)
