from odoo import api, fields, models


class ExpatProcedureDocument(models.Model):
    """A document that a procedure step needs: the checklist line, and the
    file once it was received."""

    _name = "expat.procedure.document"
    _description = "Procedure Document"
    _order = "procedure_id, step_sequence, sequence, id"

    step_id = fields.Many2one(
        "expat.procedure.step", required=True, index=True, ondelete="cascade"
    )
    step_sequence = fields.Integer(
        related="step_id.sequence", store=True, string="Step Sequence"
    )
    procedure_id = fields.Many2one(
        related="step_id.procedure_id", store=True, index=True
    )
    company_id = fields.Many2one(
        related="step_id.procedure_id.company_id", store=True, index=True
    )
    name = fields.Char(string="Document")
    sequence = fields.Integer(default=10)
    received = fields.Boolean()
    received_date = fields.Date(string="Received on")
    file = fields.Binary(attachment=True, copy=False)
    file_name = fields.Char()

    @api.onchange("file")
    def _onchange_file(self):
        if self.file and not self.received:
            self.received = True

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._stamp_received(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._stamp_received(vals)
        return super().write(vals)

    def _stamp_received(self, vals):
        """A file makes the document received; received documents get the
        day, unreceived ones lose it."""
        if vals.get("file"):
            vals.setdefault("received", True)
        if "received" in vals:
            if vals["received"]:
                if not vals.get("received_date"):
                    vals["received_date"] = fields.Date.context_today(self)
            else:
                vals["received_date"] = False

    def _expat_personal_fields(self):
        """The document's name, file name and file may identify the person."""
        return ["name", "file_name", "file"]

    def _expat_personal_kept_fields(self):
        """Whether and when the document came in."""
        return ["step_id", "received", "received_date"]

    def _expat_personal_records(self, partners):
        """The checklist lines of the procedures of ``partners``' cases."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search([("procedure_id.case_id.person_id", "in", partners.ids)])
        )
