"""Reading a signature sheet: rows of document number + birth date, from the 20-row form or a CSV file.

Nothing here touches the database: rows in, parsed rows (or the reason a row is unreadable) out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from decide.refusals import Invalid

ROWS_PER_SHEET = 20
CSV_MAX_BYTES = 256 * 1024
CSV_MAX_ROWS = 2000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


@dataclass(frozen=True)
class SheetLine:
    """One numbered line of a sheet: the values as typed, or the reason they cannot be read."""

    line: int
    document_number: str
    birth_date: date | None
    problem: str = ""


def birth_date_parse(raw: str) -> date | None:
    raw = (raw or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def sheet_line(line: int, document_number: str, birth_date_raw: str) -> SheetLine | None:
    """A numbered line, None when both cells are empty (an unused line of the sheet)."""
    number = "".join((document_number or "").split())
    raw_date = (birth_date_raw or "").strip()
    if not number and not raw_date:
        return None
    if not number or not any(c.isalnum() for c in number) or len(number) > 30:
        return SheetLine(line, number[:30], None, _("The document number is missing or unreadable."))
    born = birth_date_parse(raw_date)
    if born is None or born > date.today():
        return SheetLine(line, number, None, _("The birth date is missing or unreadable (e.g. 28/07/1984)."))
    return SheetLine(line, number, born)


def sheet_lines_from_csv(data: bytes) -> list[SheetLine]:
    """Lines of a CSV with columns document_number,birth_date (header optional); numbered as in the file."""
    if len(data) > CSV_MAX_BYTES:
        raise Invalid(_("This file is too large for a signature sheet (at most 256 KB)."))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise Invalid(_("This is a spreadsheet: save it as CSV (comma-separated values) and upload that."))
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines: list[SheetLine] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > CSV_MAX_ROWS:
                raise Invalid(_("A sheet file has at most %(rows)d lines.") % {"rows": CSV_MAX_ROWS})
            if number == 1 and cells and not any(ch.isdigit() for ch in "".join(cells)):
                continue  # a header line
            cells = [*cells, "", ""]
            parsed = sheet_line(number, cells[0], cells[1])
            if parsed is not None:
                lines.append(parsed)
    except csv.Error as exc:
        raise Invalid(_("The file could not be read as CSV: %(error)s") % {"error": exc}) from exc
    if not lines:
        raise Invalid(_("The file has no rows with a document number and a birth date."))
    return lines
