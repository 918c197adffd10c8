"""Import of the desk's history from its spreadsheets (CSV or XLSX).

One row per consultation. The import runs in two phases: the *plan* reads
the file, checks every row, identifies persons, companies and dossiers
(one question per distinct person, one query per kind of record for the
rest), and decides what to create; the *execution* creates it in batches.
A dry run stops after the plan, so it reports exactly what the real run
would create.
"""

import base64
import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from datetime import date, datetime

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, split_every

from ..models.expat_consultation import MAX_DURATION_HOURS
from ..models.expat_dossier_mixin import CHANNELS

# At about 460 rows per second (docs/performance.md) this is under a minute
# of work, within Odoo's default limit_time_real (120 s) for a request.
# Larger files are split, e.g. by year: the parts can be imported one after
# another because rows already imported are skipped.
MAX_ROWS = 20_000
BATCH_SIZE = 1000
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Column key (the contract's English name) and its German header.
COLUMNS = [
    ("date", "Datum"),
    ("kind", "Art"),
    ("name", "Name"),
    ("email", "E-Mail"),
    ("phone", "Telefon"),
    ("nationality", "Staatsangehörigkeit"),
    ("employer", "Arbeitgeber"),
    ("municipality", "Kommune"),
    ("topics", "Themen"),
    ("duration", "Dauer"),
    ("channel", "Kanal"),
    ("organisation", "Organisation"),
    ("status", "Status"),
]
REQUIRED_COLUMNS = ("date", "kind", "name")
KINDS = {
    "individual": "individual",
    "person": "individual",
    "company": "company",
    "unternehmen": "company",
}
STATUSES = {
    "open": "open",
    "offen": "open",
    "closed": "closed",
    "abgeschlossen": "closed",
}
# Channel keys, their English labels and the German ones (i18n/de.po).
CHANNEL_WORDS = {
    "persoenlich": "in_person",
    "telefon": "phone",
    "videoanruf": "video",
    "veranstaltung": "event",
    "webformular": "web_form",
    "sonstiges": "other",
}
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
HOURS = re.compile(r"^\d+(?:[.,]\d+)?$")
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalize_name(text):
    """Case- and whitespace-insensitive form of a name."""
    return " ".join(str(text or "").split()).casefold()


def normalize_word(text):
    """A header or a value word: case, umlauts, accents and anything but
    letters and digits ignored ("E-Mail" = "email", "Düsseldorf" =
    "duesseldorf")."""
    text = normalize_name(text).translate(UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text)


HEADERS = {
    **{normalize_word(key): key for key, _german in COLUMNS},
    **{normalize_word(german): key for key, german in COLUMNS},
    "organization": "organisation",
}
CHANNEL_WORDS.update({normalize_word(key): key for key, _label in CHANNELS})
CHANNEL_WORDS.update({normalize_word(label): key for key, label in CHANNELS})


class RowError(Exception):
    """A row that is refused, with the translated reason."""


class Pending:
    """A record the import will create: its values, and the record once
    created."""

    __slots__ = ("record", "vals")

    def __init__(self, vals):
        self.vals = vals
        self.record = None


def resolve(ref):
    """The record behind a reference: an existing record or a Pending one."""
    return ref.record if isinstance(ref, Pending) else ref


class UncalculatedFormula:
    """An XLSX cell holding a formula whose value was never calculated."""

    __slots__ = ("coordinate",)

    def __init__(self, coordinate):
        self.coordinate = coordinate


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
        rows, notes = self._expat_read_file()
        plan = self._expat_plan(rows)
        if not self.dry_run:
            self._expat_execute(plan)
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

    # ------------------------------------------------------------------
    # Reading the file (all or nothing)
    # ------------------------------------------------------------------

    def _expat_read_file(self):
        """The rows of the file as ``(row number, {column: raw value})``
        and notes for the user; UserError for a file that cannot be read."""
        data = base64.b64decode(self.file or b"")
        if not data.strip(b" \t\r\n\x00").removeprefix(b"\xef\xbb\xbf").strip():
            raise UserError(self.env._("The file is empty: nothing was imported."))
        notes = []
        if data.startswith(XLSX_MAGIC):
            table = self._expat_read_xlsx(data, notes)
        elif data.startswith(XLS_MAGIC):
            raise UserError(
                self.env._(
                    "This is an old Excel file (.xls). Save it as an Excel "
                    "workbook (.xlsx) or as CSV UTF-8 and import that."
                )
            )
        else:
            table = self._expat_read_csv(data)
        return self._expat_table_rows(table), notes

    def _expat_read_csv(self, data):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise UserError(
                self.env._(
                    "The file is not in UTF-8 (line %(line)s). Save it as "
                    '"CSV UTF-8" (in Excel: "CSV UTF-8 (comma delimited)"), '
                    "or as an Excel workbook (.xlsx), and import it again. "
                    "Nothing was imported.",
                    line=line,
                )
            ) from None
        first_line = text.lstrip("\r\n").split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:
            return list(
                enumerate(
                    csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                    start=1,
                )
            )
        except csv.Error as error:
            raise UserError(
                self.env._(
                    "The file cannot be read as CSV: %(error)s. Nothing was imported.",
                    error=error,
                )
            ) from None

    def _expat_read_xlsx(self, data, notes):
        """The first sheet of a workbook. A formula counts with the value
        the spreadsheet program last calculated and saved with it; a
        formula saved without a value refuses its row."""
        from openpyxl import load_workbook
        from openpyxl.utils import get_column_letter

        def open_workbook(data_only):
            try:
                return load_workbook(
                    io.BytesIO(data), read_only=True, data_only=data_only
                )
            except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
                raise UserError(
                    self.env._(
                        "The file cannot be read as an Excel workbook "
                        "(.xlsx). Save it again from the spreadsheet program, "
                        "or as CSV UTF-8. Nothing was imported."
                    )
                ) from None

        workbook = open_workbook(data_only=False)
        sheets = workbook.worksheets
        if not sheets:
            raise UserError(self.env._("The workbook has no sheet."))
        if len(workbook.sheetnames) > 1:
            notes.append(
                self.env._(
                    "The workbook has %(count)s sheets; only the first one, "
                    '"%(sheet)s", was read.',
                    count=len(workbook.sheetnames),
                    sheet=sheets[0].title,
                )
            )
        table = []
        formulas = []
        for number, cells in enumerate(sheets[0].iter_rows(), start=1):
            values = []
            for column, cell in enumerate(cells):
                if cell.data_type == "f":
                    formulas.append((number, column))
                values.append(cell.value)
            table.append((number, values))
            if len(table) > MAX_ROWS + 100:
                break  # enough to say the file is too long
        workbook.close()
        if formulas:
            workbook = open_workbook(data_only=True)
            cached = {}
            wanted = {number for number, _column in formulas}
            for number, cells in enumerate(
                workbook.worksheets[0].iter_rows(max_row=max(wanted)), start=1
            ):
                if number in wanted:
                    cached[number] = [cell.value for cell in cells]
            workbook.close()
            for number, column in formulas:
                row = cached.get(number, [])
                value = row[column] if column < len(row) else None
                if value is None:
                    value = UncalculatedFormula(
                        f"{get_column_letter(column + 1)}{number}"
                    )
                table[number - 1][1][column] = value
        return table

    def _expat_table_rows(self, table):
        def is_empty(cells):
            return all(cell is None or str(cell).strip() == "" for cell in cells)

        table = [(number, cells) for number, cells in table if not is_empty(cells)]
        if not table:
            raise UserError(self.env._("The file is empty: nothing was imported."))
        header_number, header = table[0]
        columns = {}
        unknown = []
        for index, cell in enumerate(header):
            title = str(cell or "").strip()
            if not title:
                continue
            key = HEADERS.get(normalize_word(title))
            if not key:
                unknown.append(title)
            elif key in columns.values():
                raise UserError(
                    self.env._(
                        'The column "%(column)s" appears twice in the header.',
                        column=title,
                    )
                )
            else:
                columns[index] = key
        accepted = ", ".join(
            f"{key} / {german}" if key != german.lower() else key
            for key, german in COLUMNS
        )
        if not columns:
            raise UserError(
                self.env._(
                    "The first row of the file is not a header: none of its "
                    "cells (%(cells)s) is a column name. Add a header row "
                    "with the column names (%(accepted)s), as in the "
                    "template. Nothing was imported.",
                    cells=", ".join(str(cell) for cell in header[:4]),
                    accepted=accepted,
                )
            )
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown columns: %(unknown)s. The columns are, in "
                    "English or German: %(accepted)s. Rename or remove "
                    "them. Nothing was imported.",
                    unknown=", ".join(f'"{title}"' for title in unknown),
                    accepted=accepted,
                )
            )
        missing = [key for key in REQUIRED_COLUMNS if key not in columns.values()]
        if missing:
            raise UserError(
                self.env._(
                    "The header lacks the columns %(missing)s, which every "
                    "row needs. Nothing was imported.",
                    missing=", ".join(missing),
                )
            )
        rows = []
        for number, cells in table[1:]:
            for index in range(len(cells)):
                if index not in columns and not is_empty([cells[index]]):
                    raise UserError(
                        self.env._(
                            "Row %(row)s has a value in column %(column)s, "
                            "which has no name in the header. Name the column "
                            "or clear it. Nothing was imported.",
                            row=number,
                            column=index + 1,
                        )
                    )
            rows.append(
                (
                    number,
                    {
                        key: cells[index] if index < len(cells) else None
                        for index, key in columns.items()
                    },
                )
            )
        if not rows:
            raise UserError(
                self.env._(
                    "The file has a header (row %(row)s) but no rows below "
                    "it: nothing was imported.",
                    row=header_number,
                )
            )
        if len(rows) > MAX_ROWS:
            raise UserError(
                self.env._(
                    "The file has more than %(max)s rows. Split it (by year, "
                    "for instance) and import the parts one after another: "
                    "rows already imported are skipped. Nothing was imported.",
                    max=f"{MAX_ROWS:,}",
                )
            )
        return rows

    # ------------------------------------------------------------------
    # Checking one row
    # ------------------------------------------------------------------

    def _expat_text(self, value):
        if isinstance(value, UncalculatedFormula):
            raise RowError(
                self.env._(
                    "cell %(cell)s holds a formula that was saved without its "
                    "value. Open the file in the spreadsheet program and save "
                    "it again, or paste the values.",
                    cell=value.coordinate,
                )
            )
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime):
            value = value.date()
        return str(value).strip()

    def _expat_parse_date(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self._expat_text(value)
        if not text:
            raise RowError(self.env._("the date is missing."))
        match = ISO_DATE.match(text)
        if match:
            year, month, day = match.groups()
        else:
            match = GERMAN_DATE.match(text)
            if not match:
                raise RowError(
                    self.env._(
                        '"%(value)s" is not a date (YYYY-MM-DD or DD.MM.YYYY).',
                        value=text,
                    )
                )
            day, month, year = match.groups()
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise RowError(
                self.env._('"%(value)s" is not a valid date.', value=text)
            ) from None

    def _expat_parse_duration(self, value):
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int | float):
            hours = float(value)
        else:
            text = self._expat_text(value)
            if not text:
                return 0.0
            if not HOURS.match(text):
                raise RowError(
                    self.env._(
                        'the duration "%(value)s" is not a number of hours '
                        "(such as 1.5 or 1,5).",
                        value=text,
                    )
                )
            hours = float(text.replace(",", "."))
        if not 0 <= hours <= MAX_DURATION_HOURS:
            raise RowError(
                self.env._(
                    "the duration must be between 0 and %(max)s hours "
                    "(entered: %(value)s).",
                    max=int(MAX_DURATION_HOURS),
                    value=hours,
                )
            )
        return round(hours, 2)

    def _expat_lookup(self, mapping, value, message):
        text = self._expat_text(value)
        if not text:
            return False
        found = mapping.get(normalize_word(text))
        if found is None:
            raise RowError(message % {"value": text})
        return found

    def _expat_parse_row(self, raw, lookups):
        """The checked values of one row; RowError with the reason."""
        env = self.env
        text = self._expat_text
        kind = self._expat_lookup(
            KINDS,
            raw.get("kind"),
            env._(
                'the kind "%(value)s" is unknown (individual or company, '
                "Person or Unternehmen)."
            ),
        )
        if not kind:
            raise RowError(env._("the kind is missing (individual or company)."))
        when = self._expat_parse_date(raw.get("date"))
        if when > lookups["today"]:
            raise RowError(
                env._(
                    "the date %(date)s lies in the future.",
                    date=when.strftime("%d.%m.%Y"),
                )
            )
        name = " ".join(text(raw.get("name")).split())
        if not name:
            raise RowError(env._("the name is missing."))
        email = text(raw.get("email"))
        if email:
            normalized = email_normalize(email, strict=True)
            if not normalized:
                raise RowError(
                    env._('"%(value)s" is not one valid e-mail address.', value=email)
                )
            email = normalized
        phone = text(raw.get("phone"))
        nationality = self._expat_lookup(
            lookups["countries"],
            raw.get("nationality"),
            env._(
                'the nationality "%(value)s" is not an ISO 3166 country code '
                "(two letters, such as DE or IN)."
            ),
        )
        municipality = self._expat_lookup(
            lookups["municipalities"],
            raw.get("municipality"),
            env._('the municipality "%(value)s" is unknown.'),
        )
        channel = (
            self._expat_lookup(
                CHANNEL_WORDS,
                raw.get("channel"),
                env._(
                    'the channel "%(value)s" is unknown (in_person, phone, '
                    "email, video, event, web_form, other)."
                ),
            )
            or "other"
        )
        status = self._expat_lookup(
            STATUSES,
            raw.get("status"),
            env._(
                'the status "%(value)s" is unknown (open or closed, offen or '
                "abgeschlossen)."
            ),
        )
        organisation = self._expat_parse_organisation(raw.get("organisation"), lookups)
        topics = []
        for code in re.split(r"[,;]", text(raw.get("topics"))):
            code = code.strip().lower()
            if code and code not in topics:
                topics.append(code)
        unknown = [code for code in topics if code not in lookups["topics"]]
        if unknown:
            raise RowError(
                env._(
                    "unknown topic codes: %(codes)s.",
                    codes=", ".join(unknown),
                )
            )
        employer = " ".join(text(raw.get("employer")).split())
        return {
            "date": when,
            "kind": kind,
            "name": name,
            "email": email,
            "phone": phone,
            "nationality": nationality,
            "employer": employer if kind == "individual" else "",
            "municipality": municipality,
            "topics": topics,
            "duration": self._expat_parse_duration(raw.get("duration")),
            "channel": channel,
            "status": status,
            "organisation": organisation,
        }

    def _expat_parse_organisation(self, value, lookups):
        name = self._expat_text(value)
        if not name:
            return self.company_id.id
        key = normalize_word(name)
        if key in lookups["organisations"]:
            return lookups["organisations"][key]
        if key in lookups["my_organisations"]:
            raise RowError(
                self.env._(
                    'the organisation "%(value)s" is not among the '
                    "organisations selected in the company switcher: select "
                    "it and import again.",
                    value=name,
                )
            )
        raise RowError(
            self.env._(
                'the organisation "%(value)s" is not one you work for.',
                value=name,
            )
        )

    def _expat_lookups(self):
        """Everything a row is checked against, one query each."""
        env = self.env
        topics = env["expat.topic"].search_fetch([], ["code"])
        countries = env["res.country"].search_fetch([], ["code"])
        municipalities = env["expat.municipality"].search_fetch([], ["name"])
        return {
            "today": fields.Date.context_today(self),
            "topics": {topic.code: topic.id for topic in topics},
            "countries": {normalize_word(c.code): c.id for c in countries},
            "municipalities": {normalize_word(m.name): m.id for m in municipalities},
            "organisations": {
                normalize_word(company.name): company.id for company in env.companies
            },
            "my_organisations": {
                normalize_word(company.name): company.id
                for company in env.user.company_ids
            },
        }

    @api.model
    def _expat_row_key(self, row, occurrence):
        """Fingerprint of a checked row: the same consultation in the same
        or another file (in either header language or date format) gives
        the same key; the n-th identical row of a file gets its own."""
        payload = "\x1f".join(
            [
                "expat.history.import/1",
                row["date"].isoformat(),
                row["kind"],
                normalize_name(row["name"]),
                row["email"],
                re.sub(r"\D", "", row["phone"]),
                str(row["nationality"] or ""),
                normalize_name(row["employer"]),
                str(row["municipality"] or ""),
                ",".join(sorted(row["topics"])),
                f"{row['duration']:.2f}",
                row["channel"],
                str(row["organisation"]),
                str(occurrence),
            ]
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    # ------------------------------------------------------------------
    # The plan: what to create
    # ------------------------------------------------------------------

    def _expat_plan(self, raw_rows):
        """Check the rows and decide what to create, without writing.

        :return: dict with ``rows`` (the checked new rows, each with its
            ``key`` and ``dossier``), ``refused`` (row number, reason),
            ``skipped`` (rows imported before), ``persons``, ``companies``,
            ``cases``, ``company_contacts`` (Pending records to create) and
            ``to_close`` ({dossier reference: closing date})
        """
        lookups = self._expat_lookups()
        refused = []
        checked = []
        occurrences = Counter()
        for number, raw in raw_rows:
            try:
                row = self._expat_parse_row(raw, lookups)
            except RowError as error:
                refused.append((number, str(error.args[0])))
                continue
            base = self._expat_row_key(row, 0)
            row["key"] = self._expat_row_key(row, occurrences[base])
            occurrences[base] += 1
            row["number"] = number
            checked.append(row)
        existing = set()
        consultations = self.env["expat.consultation"].sudo()
        for keys in split_every(BATCH_SIZE, [row["key"] for row in checked]):
            existing.update(
                consultations.search_fetch(
                    [("import_key", "in", list(keys))], ["import_key"]
                ).mapped("import_key")
            )
        rows = [row for row in checked if row["key"] not in existing]
        plan = {
            "rows": rows,
            "refused": refused,
            "skipped": len(checked) - len(rows),
            "persons": [],
            "companies": [],
            "cases": [],
            "company_contacts": [],
            "to_close": {},
        }
        self._expat_plan_parties(plan)
        self._expat_plan_dossiers(plan)
        self._expat_plan_closing(plan)
        plan["refused"].sort()
        return plan

    def _expat_plan_parties(self, plan):
        """Find or plan the companies (one per name) and persons (one call
        of the identity rules per distinct person)."""
        partners = self.env["res.partner"]
        fold = partners._expat_normalize_name
        names = set()
        for row in plan["rows"]:
            for name in (
                row["employer"],
                row["name"] if row["kind"] == "company" else "",
            ):
                if name:
                    names.add(fold(name))
        companies = {}
        if names:
            # One query; the oldest company of a name wins.
            for company in partners.search_fetch(
                [("is_company", "=", True)], ["name"], order="id desc"
            ):
                key = fold(company.name)
                if key in names:
                    companies[key] = company
        # The identity rules once per distinct person, a batch at a time
        # (one search for all the e-mail addresses of the batch).
        identities = {}
        for row in plan["rows"]:
            if row["kind"] == "individual":
                identity = (fold(row["name"]), row["email"], row["phone"])
                identities.setdefault(identity, row)
        persons = {}
        for batch in split_every(BATCH_SIZE, list(identities.items())):
            found = partners._expat_identify_persons(
                [(row["name"], row["email"], row["phone"]) for _key, row in batch]
            )
            persons.update(
                (identity, person)
                for (identity, _row), person in zip(batch, found, strict=True)
            )
        new_persons = {"email": {}, "phone": {}, "name": {}}
        for row in plan["rows"]:
            employer = row["employer"]
            if employer:
                row["employer_ref"] = self._expat_company_ref(
                    employer, companies, plan, None
                )
            if row["kind"] == "company":
                row["party"] = self._expat_company_ref(
                    row["name"], companies, plan, row["municipality"]
                )
                continue
            identity = (fold(row["name"]), row["email"], row["phone"])
            if not persons[identity]:
                persons[identity] = self._expat_new_person(row, new_persons, plan)
            row["party"] = persons[identity]

    def _expat_new_person(self, row, new_persons, plan):
        """The person a row is about when no existing one is: one planned
        earlier in the file by the same rules as
        ``res.partner._expat_identify_person`` (the e-mail address with a
        name that does not clearly differ, else the phone number with such
        a name, else, with neither, the same name), or a new one."""
        partners = self.env["res.partner"]
        fold = partners._expat_normalize_name
        if row["email"]:
            bucket = new_persons["email"].setdefault(row["email"], [])
        elif row["phone"]:
            phone = (
                partners._phone_format(
                    number=row["phone"], country=self.env.company.country_id
                )
                or row["phone"]
            )
            bucket = new_persons["phone"].setdefault(phone, [])
        else:
            bucket = new_persons["name"].setdefault(fold(row["name"]), [])
        same = [p for p in bucket if fold(p.vals["name"]) == fold(row["name"])]
        alike = [
            p
            for p in bucket
            if not partners._expat_names_differ(p.vals["name"], row["name"])
        ]
        if same or alike:
            return (same or alike)[0]
        person = Pending(
            {
                # As res.partner._expat_find_or_create_person makes them.
                "name": row["name"],
                "email": row["email"] or False,
                "phone": row["phone"] or False,
                "is_company": False,
            }
        )
        bucket.append(person)
        plan["persons"].append(person)
        return person

    def _expat_company_ref(self, name, companies, plan, municipality):
        key = self.env["res.partner"]._expat_normalize_name(name)
        if key not in companies:
            companies[key] = Pending(
                {
                    "name": name,
                    "is_company": True,
                    "municipality_id": municipality or False,
                }
            )
            plan["companies"].append(companies[key])
        return companies[key]

    def _expat_plan_dossiers(self, plan):
        """One company contact per company and organisation, one case per
        person and organisation: the open one, else a new one."""
        rows = plan["rows"]
        contacts = self._expat_open_dossiers(
            "expat.company.contact",
            [row.get("employer_ref") for row in rows]
            + [row["party"] for row in rows if row["kind"] == "company"],
            rows,
        )
        cases = self._expat_open_dossiers(
            "expat.case",
            [row["party"] for row in rows if row["kind"] == "individual"],
            rows,
        )
        # Company rows first, so that the cases of their employees can be
        # linked to the company contacts they open.
        for row in sorted(
            rows,
            key=lambda row: (row["kind"] != "company", row["date"], row["number"]),
        ):
            organisation = row["organisation"]
            if row["kind"] == "company":
                key = (row["party"], organisation)
                if key not in contacts:
                    contacts[key] = Pending(
                        {
                            "partner_ref": row["party"],
                            "company_id": organisation,
                            "opened_date": row["date"],
                            "channel": row["channel"],
                            "municipality_id": row["municipality"] or False,
                            "topic_ids": [],
                            "user_id": False,
                        }
                    )
                    plan["company_contacts"].append(contacts[key])
                row["dossier"] = contacts[key]
            else:
                key = (row["party"], organisation)
                if key not in cases:
                    cases[key] = Pending(
                        {
                            "person_ref": row["party"],
                            "company_id": organisation,
                            "opened_date": row["date"],
                            "channel": row["channel"],
                            "topic_ids": [],
                            "user_id": False,
                        }
                    )
                    plan["cases"].append(cases[key])
                row["dossier"] = cases[key]
            dossier = row["dossier"]
            if isinstance(dossier, Pending):
                vals = dossier.vals
                for topic in row["topics"]:
                    if topic not in vals["topic_ids"]:
                        vals["topic_ids"].append(topic)
                if row["kind"] == "individual":
                    # The first value the rows give, in the order of dates.
                    for field, value in (
                        ("nationality_id", row["nationality"]),
                        ("municipality_id", row["municipality"]),
                        ("employer_ref", row.get("employer_ref")),
                    ):
                        if value and not vals.get(field):
                            vals[field] = value
                    employer = vals.get("employer_ref")
                    if employer and "company_contact_ref" not in vals:
                        vals["company_contact_ref"] = contacts.get(
                            (employer, organisation)
                        )

    def _expat_open_dossiers(self, model, parties, rows):
        """{(party reference, organisation id): open dossier} for the
        existing parties, one query."""
        field = self.env[model]._expat_party_field
        ids = {
            party.id for party in parties if party and not isinstance(party, Pending)
        }
        organisations = {row["organisation"] for row in rows}
        found = {}
        if not ids:
            return found
        for dossier in self.env[model].search(
            [
                (field, "in", list(ids)),
                ("company_id", "in", list(organisations)),
                ("stage_id.is_closed", "=", False),
            ]
        ):
            # The model's order puts the most recent first: it wins.
            found.setdefault((dossier[field], dossier.company_id.id), dossier)
        return found

    def _expat_plan_closing(self, plan):
        """The dossiers to close after the import, with the date of their
        last consultation: a status column decides for its rows (the row
        of the last date wins), else the wizard's option."""
        last = {}
        for row in sorted(plan["rows"], key=lambda row: (row["date"], row["number"])):
            last[row["dossier"]] = row
        existing = [dossier for dossier in last if not isinstance(dossier, Pending)]
        last_dates = {}
        for model in ("expat.case", "expat.company.contact"):
            dossiers = [d for d in existing if d._name == model]
            if not dossiers:
                continue
            field = "case_id" if model == "expat.case" else "company_contact_id"
            last_dates.update(
                self.env["expat.consultation"]._read_group(
                    [(field, "in", [d.id for d in dossiers])], [field], ["date:max"]
                )
            )
        for dossier, row in last.items():
            final = max(row["date"], last_dates.get(dossier) or row["date"])
            if row["status"] == "closed" or (
                not row["status"]
                and self.close_dossiers
                and self.close_before
                and final < self.close_before
            ):
                plan["to_close"][dossier] = final

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------

    def _expat_execute(self, plan):
        """Create what the plan says, in batches, and log it on the
        records' chatter."""
        env = self.with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
            # Tells other features (e.g. messages sent when a dossier is
            # closed) that this is the import of past work.
            expat_history_import=True,
        ).env
        origin = self.file_name or self.env._("(unnamed file)")
        topics = self._expat_lookups()["topics"]
        partners = env["res.partner"]
        for pending_list in (plan["companies"], plan["persons"]):
            for batch in split_every(BATCH_SIZE, pending_list):
                created = partners.create([pending.vals for pending in batch])
                for pending, record in zip(batch, created, strict=True):
                    pending.record = record
        for model, pending_list in (
            ("expat.company.contact", plan["company_contacts"]),
            ("expat.case", plan["cases"]),
        ):
            for batch in split_every(BATCH_SIZE, pending_list):
                created = env[model].create(
                    [self._expat_dossier_vals(pending, topics) for pending in batch]
                )
                for pending, record in zip(batch, created, strict=True):
                    pending.record = record
        consultations = env["expat.consultation"]
        for batch in split_every(BATCH_SIZE, plan["rows"]):
            vals_list = []
            for row in batch:
                dossier = resolve(row["dossier"])
                field = (
                    "case_id" if dossier._name == "expat.case" else "company_contact_id"
                )
                vals_list.append(
                    {
                        field: dossier.id,
                        "date": row["date"],
                        "duration": row["duration"],
                        "channel": row["channel"],
                        "user_id": False,
                        "topic_ids": [
                            Command.set([topics[code] for code in row["topics"]])
                        ],
                        "import_key": row["key"],
                        "import_origin": origin,
                    }
                )
            consultations.create(vals_list)
        self._expat_close(env, plan["to_close"])
        self._expat_log_chatter(plan, origin)

    def _expat_dossier_vals(self, pending, topics):
        vals = dict(pending.vals)
        for ref_field, field in (
            ("partner_ref", "partner_id"),
            ("person_ref", "person_id"),
            ("employer_ref", "employer_id"),
            ("company_contact_ref", "company_contact_id"),
        ):
            if ref_field in vals:
                record = resolve(vals.pop(ref_field))
                vals[field] = record.id if record else False
        vals["topic_ids"] = [Command.set([topics[code] for code in vals["topic_ids"]])]
        return vals

    def _expat_close(self, env, to_close):
        closed_stage = env.ref("expat_service_desk.expat_stage_closed")
        by_date = {}
        for dossier, when in to_close.items():
            record = resolve(dossier)
            by_date.setdefault((record._name, when), []).append(record.id)
        for (model, when), ids in by_date.items():
            dossiers = env[model].browse(ids).filtered(lambda d: not d.is_closed)
            dossiers.write({"stage_id": closed_stage.id, "closed_date": when})

    def _expat_log_chatter(self, plan, origin):
        """Mark what the import created or added to on the chatter."""
        env = self.env
        created = env._(
            "Created by the import of the desk's history from the file %(file)s.",
            file=origin,
        )
        created_bodies = {}
        for pending in plan["persons"] + plan["companies"]:
            created_bodies.setdefault(pending.record._name, {})[pending.record.id] = (
                Markup("<p>%s</p>") % created
            )
        added = {}
        for row in plan["rows"]:
            added.setdefault(row["dossier"], []).append(row["number"])
        for ref, numbers in added.items():
            dossier = resolve(ref)
            text = env._(
                "%(count)s consultations imported from the file %(file)s "
                "(rows %(rows)s).",
                count=len(numbers),
                file=origin,
                rows=", ".join(map(str, numbers)),
            )
            if isinstance(ref, Pending):
                text = f"{created} {text}"
            created_bodies.setdefault(dossier._name, {})[dossier.id] = (
                Markup("<p>%s</p>") % text
            )
        for model, bodies in created_bodies.items():
            env[model].browse(list(bodies))._message_log_batch(bodies)
