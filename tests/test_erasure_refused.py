from datetime import date

from odoo.exceptions import UserError

from odoo.addons.base.models.ir_cron import IrCron

from .common_erasure import NAME, TRACES, ExpatErasureCase


class TestErasureRefused(ExpatErasureCase):
    """Another app in the shared database refuses to let some messages be
    changed (an accounting audit trail, say)."""

    def _refuse_changes_on(self, model):
        Message = type(self.env["mail.message"])
        original = Message.write

        def write(messages, vals):
            if "body" in vals and any(m.model == model for m in messages):
                raise UserError(messages.env._("Audit trail: no change."))
            return original(messages, vals)

        self.patch(Message, "write", write)

    def _run_retention(self):
        self.patch(
            IrCron,
            "_commit_progress",
            lambda cron, processed=0, *, remaining=None, deactivate=False: 60.0,
        )
        return self.env["expat.case"]._cron_anonymize_expired()

    def test_the_rest_is_anonymised_and_the_kept_is_logged(self):
        history = self._rich_history()
        referral = history["referral"]
        referral.message_post(body=f"{NAME} confirmed the appointment")
        self._flush_tracking()
        self.case.stage_id = self.stage_closed
        self.case.sudo().closed_date = date(2020, 1, 1)
        # Anonymised in the same batch, with nothing kept.
        former = self.env["res.partner"].create({"name": "Former client"})
        former_case = self._create_case(person_id=former.id)
        former_case.stage_id = self.stage_closed
        former_case.sudo().closed_date = date(2020, 1, 1)
        self._refuse_changes_on("expat.referral")
        self.assertEqual(self._run_retention(), 2)
        self._flush_tracking()
        self.assertTrue(self.ana.expat_anonymized)
        self.assertTrue(self.case.anonymized)
        # Only the refused messages still name her.
        kept = referral.sudo().message_ids
        self.assertIn(NAME, " ".join(kept.mapped("body")))
        hits = self._columns_holding(*TRACES)
        self.assertTrue(hits)
        kept_tables = ("mail_message.", "mail_tracking_value.")
        self.assertFalse([hit for hit in hits if not hit.startswith(kept_tables)], hits)
        log = self.env["expat.privacy.log"].search([("partner_id", "=", self.ana.id)])
        self.assertIn("Art. 17(3)(b)", log.note)
        self.assertIn("Referral", log.note)
        for message in kept:
            self.assertIn(str(message.id), log.note)
        former_log = self.env["expat.privacy.log"].search(
            [("partner_id", "=", former.id)]
        )
        self.assertTrue(former.expat_anonymized)
        self.assertNotIn("Art. 17(3)", former_log.note)
        run = self.env["expat.privacy.log"].search([("action", "=", "retention")])
        self.assertIn("2 of 2", run.note)
