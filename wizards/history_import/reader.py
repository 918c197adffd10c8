"""Reading a history file as a whole (CSV or XLSX, a header in English or
German): all or nothing, a UserError for a file that cannot be read."""

import base64
import csv
import io
import zipfile

from odoo.exceptions import UserError

from .common import (
    COLUMNS,
    HEADERS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    XLS_MAGIC,
    XLSX_MAGIC,
    UncalculatedFormula,
    normalize_word,
)


def read_file(env, file):
    """The rows of a history file.

    :param env: the environment whose language the messages take
    :param file: the file's content, base64-encoded (the wizard's ``file``)
    :return: ``(rows, notes)``: rows as ``(row number, {column key: raw
        value})`` below the header, empty rows left out; notes for the user
    :raises UserError: for a file that cannot be read as a whole (empty, not
        UTF-8, not CSV or XLSX, no header, unknown or missing columns, more
        than ``MAX_ROWS`` rows)
    """
    data = base64.b64decode(file or b"")
    if not data.strip(b" \t\r\n\x00").removeprefix(b"\xef\xbb\xbf").strip():
        raise UserError(env._("The file is empty: nothing was imported."))
    notes = []
    if data.startswith(XLSX_MAGIC):
        table = read_xlsx(env, data, notes)
    elif data.startswith(XLS_MAGIC):
        raise UserError(
            env._(
                "This is an old Excel file (.xls). Save it as an Excel "
                "workbook (.xlsx) or as CSV UTF-8 and import that."
            )
        )
    else:
        table = read_csv(env, data)
    return table_rows(env, table), notes


def read_csv(env, data):
    """The table of a CSV file in UTF-8, separated by ``,`` or ``;``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UserError(
            env._(
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
            env._(
                "The file cannot be read as CSV: %(error)s. Nothing was imported.",
                error=error,
            )
        ) from None


def read_xlsx(env, data, notes):
    """The first sheet of a workbook. A formula counts with the value
    the spreadsheet program last calculated and saved with it; a
    formula saved without a value refuses its row."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    def open_workbook(data_only):
        try:
            return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
            raise UserError(
                env._(
                    "The file cannot be read as an Excel workbook "
                    "(.xlsx). Save it again from the spreadsheet program, "
                    "or as CSV UTF-8. Nothing was imported."
                )
            ) from None

    workbook = open_workbook(data_only=False)
    sheets = workbook.worksheets
    if not sheets:
        raise UserError(env._("The workbook has no sheet."))
    if len(workbook.sheetnames) > 1:
        notes.append(
            env._(
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
                value = UncalculatedFormula(f"{get_column_letter(column + 1)}{number}")
            table[number - 1][1][column] = value
    return table


def table_rows(env, table):
    """The rows of a table below its header, as ``(row number, {column key:
    raw value})``; the header checked against the known columns."""

    def is_empty(cells):
        return all(cell is None or str(cell).strip() == "" for cell in cells)

    table = [(number, cells) for number, cells in table if not is_empty(cells)]
    if not table:
        raise UserError(env._("The file is empty: nothing was imported."))
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
                env._(
                    'The column "%(column)s" appears twice in the header.',
                    column=title,
                )
            )
        else:
            columns[index] = key
    accepted = ", ".join(
        f"{key} / {german}" if key != german.lower() else key for key, german in COLUMNS
    )
    if not columns:
        raise UserError(
            env._(
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
            env._(
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
            env._(
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
                    env._(
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
            env._(
                "The file has a header (row %(row)s) but no rows below "
                "it: nothing was imported.",
                row=header_number,
            )
        )
    if len(rows) > MAX_ROWS:
        raise UserError(
            env._(
                "The file has more than %(max)s rows. Split it (by year, "
                "for instance) and import the parts one after another: "
                "rows already imported are skipped. Nothing was imported.",
                max=f"{MAX_ROWS:,}",
            )
        )
    return rows
