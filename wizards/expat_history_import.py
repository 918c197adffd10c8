"""Import of the desk's history from its spreadsheets (CSV or XLSX).

One row per consultation. The import runs in two phases: the *plan* reads
the file, checks every row, identifies persons, companies and dossiers
(one question per distinct person, one query per kind of record for the
rest), and decides what to create; the *execution* creates it in batches.
A dry run stops after the plan, so it reports exactly what the real run
would create. The work is done by the plain modules of ``history_import``
(reading, checking a row, planning, executing); this model holds the
wizard's fields and actions.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .history_import.executor import execute
from .history_import.planner import make_plan
from .history_import.reader import read_file


class ExpatHistoryImport(models.TransientModel):
    _name = "expat.history.import"
    _description = "Import of the Desk's History"

    file = fields.Binary(
        attachment=False,
        help="CSV (UTF-8, separated by , or ;) or XLSX, one row per consultation.",
    )
    file_name = fields.Char()
    company_id = fields.Many2one(
        "res.company",
        string="Organisation",
        required=True,
        default=lambda self: self.env.company,
        help="The organisation of the rows that name none in the column organisation.",
    )
    dry_run = fields.Boolean(
        default=True,
        help="Check the file and report what would be created, without "
        "writing anything.",
    )
    close_dossiers = fields.Boolean(
        string="Close Past Dossiers",
        help="Close the dossiers that receive consultations from this file "
        "and whose last consultation lies before the date below; each is "
        "closed on the date of its last consultation. A status column in "
        "the file decides for the dossiers of its rows.",
    )
    close_before = fields.Date(
        string="Last Consultation Before",
        default=fields.Date.context_today,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("checked", "Checked"), ("done", "Imported")],
        default="draft",
        readonly=True,
    )
    created_person_count = fields.Integer(string="Persons", readonly=True)
    created_company_count = fields.Integer(string="Companies", readonly=True)
    created_case_count = fields.Integer(string="Cases", readonly=True)
    created_company_contact_count = fields.Integer(
        string="Company Contacts", readonly=True
    )
    created_consultation_count = fields.Integer(string="Consultations", readonly=True)
    closed_dossier_count = fields.Integer(string="Dossiers Closed", readonly=True)
    skipped_count = fields.Integer(
        string="Rows Already Imported",
        readonly=True,
        help="Rows imported before (from this or another file): skipped.",
    )
    error_count = fields.Integer(string="Rows Refused", readonly=True)
    log = fields.Text(
        readonly=True, help="One line per refused row: its row number and why."
    )
    summary = fields.Text(readonly=True)

    @api.constrains("company_id")
    def _check_company_id(self):
        for wizard in self:
            if wizard.company_id not in self.env.user.company_ids:
                raise UserError(
                    self.env._(
                        "You do not work for %(organisation)s: import its "
                        "history from an account of that organisation.",
                        organisation=wizard.company_id.name,
                    )
                )

    @api.onchange("file", "company_id", "close_dossiers", "close_before")
    def _onchange_reset_check(self):
        """Another file or other options need a new dry run."""
        if self.state == "checked":
            self.state = "draft"
            self.dry_run = True

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_import(self):
        """Check the file and, unless ``dry_run``, import it.

        Every good row becomes one consultation; persons and companies are
        found or created with the desk's identity rules; one case per person
        and organisation and one company contact per company and
        organisation, reused across rows and imports (the open one, else a
        new one). Rows imported before are skipped, refused rows are
        listed in ``log``; the counts of what was (or, in a dry run, would
        be) created are written on the wizard.

        :raises UserError: for a file that cannot be read as a whole (empty,
            not UTF-8, not CSV or XLSX, no header, unknown or missing
            columns, more than ``MAX_ROWS`` rows); nothing is written then.
        :return: the action showing this wizard with its results
        """
        self.ensure_one()
        if self.company_id not in self.env.companies:
            raise UserError(
                self.env._(
                    "Select %(organisation)s in the company switcher before "
                    "importing its history.",
                    organisation=self.company_id.name,
                )
            )
        rows, notes = read_file(self.env, self.file)
        plan = make_plan(self, rows)
        if not self.dry_run:
            execute(self, plan)
        self._expat_write_results(plan, notes)
        return self._expat_reopen()

    def action_import_confirmed(self):
        """The real import after a dry run."""
        self.ensure_one()
        self.dry_run = False
        return self.action_import()

    def _expat_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import History"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _expat_write_results(self, plan, notes):
        lines = list(notes)
        if plan["skipped"]:
            lines.append(
                self.env._(
                    "%(count)s rows were imported before and are skipped.",
                    count=plan["skipped"],
                )
            )
        if self.dry_run:
            lines.append(
                self.env._(
                    "Dry run: nothing was written. The figures are what the "
                    "import would create."
                )
            )
        self.write(
            {
                "state": "checked" if self.dry_run else "done",
                "created_person_count": len(plan["persons"]),
                "created_company_count": len(plan["companies"]),
                "created_case_count": len(plan["cases"]),
                "created_company_contact_count": len(plan["company_contacts"]),
                "created_consultation_count": len(plan["rows"]),
                "closed_dossier_count": len(plan["to_close"]),
                "skipped_count": plan["skipped"],
                "error_count": len(plan["refused"]),
                "log": "\n".join(
                    self.env._("Row %(row)s: %(reason)s", row=row, reason=reason)
                    for row, reason in plan["refused"]
                ),
                "summary": "\n".join(lines),
            }
        )
