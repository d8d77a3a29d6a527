"""Reading a census CSV file: encoding, header, and one checked row at a time.

Nothing here writes to the database, and no message ever carries a document
number: problems name the line and the reason only.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .census import document_hasher, normalise_document
from .models import Area, Gender

REQUIRED_COLUMNS = ("document_number", "birth_date", "district_code", "gender")
OPTIONAL_COLUMNS = ("area",)
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
_SNIFF_BYTES = 1 << 20
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other old Office files)
_SPREADSHEET_ZIP = (b"xl/", b"opendocument.spreadsheet")  # .xlsx names its parts xl/...; .ods says so
# Python's csv refuses longer fields; a census field is a few bytes, so one this long is an unclosed quote.
FIELD_LIMIT_KIB = csv.field_size_limit() // 1024

# Registry exports say the same thing many ways; these are the ones seen in Peru and in English.
GENDER_VALUES: Mapping[str, str] = {
    **dict.fromkeys(("female", "f", "femenino", "femenina", "mujer", "fem", "w", "woman"), Gender.FEMALE),
    **dict.fromkeys(("male", "m", "masculino", "hombre", "varon", "varón", "masc", "h", "man"), Gender.MALE),
    **dict.fromkeys(("another", "other", "otro", "otra", "x", "no binario", "no binaria"), Gender.ANOTHER),
    **dict.fromkeys(("unknown", "u", "desconocido", "no registra", "sin dato", "nd"), Gender.UNKNOWN),
}
AREA_VALUES: Mapping[str, str] = {
    **dict.fromkeys(("rural",), Area.RURAL),
    **dict.fromkeys(("urban", "urbano", "urbana"), Area.URBAN),
}


class CensusFileRefused(ValueError):
    """The file as a whole cannot be read (encoding, header): nothing was checked row by row."""


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    reason: str

    def as_dict(self) -> dict[str, int | str]:
        return {"line": self.line, "reason": self.reason}


CensusRow = tuple[int, str, str, int, str, str]
"""One checked row: (line, document hash, birth date as YYYY-MM-DD, district id, gender, area)."""
ProblemCallback = Callable[[Problem], None]


@dataclass(frozen=True, slots=True)
class DistrictInfo:
    pk: int
    area: str


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, else Latin-1; refuse what is neither."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
        # Spreadsheets first, by their magic bytes: both formats are full of NUL bytes and would pass for UTF-16.
        if head.startswith(_OLE2) or (head.startswith(_ZIP) and any(mark in head for mark in _SPREADSHEET_ZIP)):
            raise CensusFileRefused(
                _("This is a spreadsheet, not a CSV file. Save it as CSV (UTF-8) and upload it again.")
            )
        if head.startswith(_ZIP):
            raise CensusFileRefused(_("This is a zip archive, not a CSV file. Extract the CSV file and upload it."))
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:4096]:
            raise CensusFileRefused(_("The file is in UTF-16. Save it as CSV in UTF-8 and upload it again."))
        if not head.strip():
            raise CensusFileRefused(_("The file is empty."))
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(_SNIFF_BYTES)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "latin-1"
    return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"


class CensusReader:
    """The checked rows of one file, in order, in bounded memory; problems go to a callback as found."""

    def __init__(self, path: Path, *, districts: Mapping[str, DistrictInfo], today: date) -> None:
        self.path = path
        self.encoding = detect_encoding(path)
        self.districts = districts
        self.today = today
        self.size = path.stat().st_size
        self.lines = 0  # rows read so far, good or bad (blank lines are not rows)
        self._handle: IO[str] | None = None

    def bytes_read(self) -> int:
        """How far into the file the reader is (for a progress bar)."""
        if self._handle is None:
            return 0
        buffer = self._handle.buffer  # type: ignore[attr-defined]
        return min(int(buffer.tell()), self.size)

    def rows(self, on_problem: ProblemCallback) -> Iterator[CensusRow]:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            self._handle = handle
            try:
                yield from self._rows(handle, on_problem)
            finally:
                self._handle = None

    def _rows(self, handle: IO[str], problem: ProblemCallback) -> Iterator[CensusRow]:
        """The hot loop of an import: a million turns, so no per-row objects beyond the row itself.

        The checks and their order are those of the messages: missing fields, document,
        date, district, gender, area; the first one that fails is the row's problem.
        """
        first = handle.readline(csv.field_size_limit() + 1)
        if len(first) > csv.field_size_limit():
            raise CensusFileRefused(
                _("Line 1 is longer than %(limit)d KiB: this is not a census header.") % {"limit": FIELD_LIMIT_KIB}
            )
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            names = next(csv.reader([first], delimiter=delimiter, strict=True), [])
        except csv.Error as exc:
            raise CensusFileRefused(_("Line 1 (the header) is not valid CSV (check the quotes).")) from exc
        header = [name.replace("\ufeff", "").replace("ï»¿", "").strip().lower() for name in names]
        columns = self._columns(header)
        i_document, i_birth, i_district, i_gender = (columns[name] for name in REQUIRED_COLUMNS)
        i_area = columns.get("area")
        width = len(header)
        padding = [""] * width
        districts = {code: (info.pk, info.area) for code, info in self.districts.items()}
        genders, areas = GENDER_VALUES, AREA_VALUES
        today, earliest = self.today, EARLIEST_BIRTH_DATE
        from_iso = date.fromisoformat
        digest = document_hasher()
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        while True:
            # The line where this record starts (the reader counts from the line after the header).
            starts = reader.line_num + 2
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.lines += 1
                reason = _csv_error_reason(exc)
                if reason is None:
                    problem(Problem(starts, _("the line is not valid CSV (check the quotes)")))
                    continue
                # An open quote swallowed the rest of the file (or 128 KiB of it): what follows cannot be trusted.
                problem(Problem(starts, reason))
                return
            line = reader.line_num + 1
            count = len(fields)
            if count != width:
                if not fields or (count == 1 and not fields[0].strip()):
                    continue  # blank lines (often the last one) carry nothing
                if count > width:
                    self.lines += 1
                    problem(
                        Problem(
                            line,
                            _("has %(found)d fields, the header has %(expected)d")
                            % {"found": count, "expected": width},
                        )
                    )
                    continue
                fields += padding[count:]
            self.lines += 1
            document = fields[i_document].strip()
            born = fields[i_birth].strip()
            code = fields[i_district].strip()
            sex = fields[i_gender].strip()
            if not (document and born and code and sex):
                missing = next(
                    name for name, value in zip(REQUIRED_COLUMNS, (document, born, code, sex), strict=True) if not value
                )
                problem(Problem(line, _("missing %(column)s") % {"column": missing}))
                continue
            # Letters and digits only is the usual case: normalise_document's expression has nothing to remove.
            document = document.upper() if document.isalnum() else normalise_document(document)
            if not (5 <= len(document) <= 20 and document.isascii() and document.isalnum()):
                problem(Problem(line, _("the document number is not valid (5 to 20 letters and digits)")))
                continue
            birth_date: date | None
            if len(born) == 10 and born[4] == "-" and born[7] == "-":
                # YYYY-MM-DD, the usual form: fromisoformat is fast and refuses 2001-02-30.
                try:
                    birth_date = from_iso(born)
                except ValueError:
                    birth_date = None
            else:
                birth_date = _parse_date(born)
                born = birth_date.isoformat() if birth_date is not None else born
            if birth_date is None:
                problem(Problem(line, _("the birth date is not a real date (use YYYY-MM-DD or DD/MM/YYYY)")))
                continue
            if birth_date > today:
                problem(Problem(line, _("the birth date is in the future")))
                continue
            if birth_date < earliest:
                problem(Problem(line, _("the birth date is before 1900")))
                continue
            district = districts.get(code)
            if district is None:
                problem(Problem(line, _("unknown district %(code)s") % {"code": code[:12]}))
                continue
            gender = genders.get(sex)
            if gender is None:
                gender = genders.get(sex.lower())
                if gender is None:
                    problem(
                        Problem(
                            line,
                            _("unknown gender %(value)s (use female, male, another or unknown)")
                            % {"value": repr(sex[:20])},
                        )
                    )
                    continue
            area = district[1]
            if i_area is not None:
                given = fields[i_area].strip()
                if given:
                    found = areas.get(given.lower())
                    if found is None:
                        problem(
                            Problem(
                                line,
                                _("unknown area %(value)s (use rural or urban)") % {"value": repr(given[:20])},
                            )
                        )
                        continue
                    area = found
            yield (line, digest(document), born, district[0], gender, area)

    def _columns(self, header: list[str]) -> dict[str, int]:
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            # Never echo the line: without a header it is a person's data.
            raise CensusFileRefused(
                _("Line 1 must be the header %(expected)s (area is optional). Missing: %(missing)s.")
                % {"expected": ",".join(REQUIRED_COLUMNS), "missing": ", ".join(missing)}
            )
        if len(set(header)) != len(header):
            raise CensusFileRefused(_("Line 1 (the header) names a column twice."))
        return {name: header.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if name in header}


def _csv_error_reason(error: csv.Error) -> str | None:
    """The reason for a record that cannot be read past, or None when the reader can go on to the next line."""
    text = str(error)
    if "field larger than field limit" in text:
        return _(
            "a field starting on this line is longer than %(limit)d KiB: is a quote left open? "
            "(the rest of the file was not checked)"
        ) % {"limit": FIELD_LIMIT_KIB}
    if "unexpected end of data" in text or "EOF" in text:
        return _("a quote opened on this line is never closed (the rest of the file was not checked)")
    return None


def _parse_date(value: str) -> date | None:
    try:
        if "/" in value:
            return datetime.strptime(value, "%d/%m/%Y").date()
        # fromisoformat is the fast path for the usual YYYY-MM-DD (and fails on 2001-02-30).
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def write_rows(handle: IO[str], rows: Iterable[Sequence[str]]) -> None:
    """Write a census file (tests and the demo use it to make files of any size)."""
    writer = csv.writer(handle)
    writer.writerow(REQUIRED_COLUMNS)
    writer.writerows(rows)
