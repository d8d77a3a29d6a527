"""Reading a census CSV file: encoding, header, and one checked row at a time.

Nothing here writes to the database, and no message ever carries a document
number: problems name the line and the reason only.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .census import document_hash, normalise_document
from .models import Area, Gender

REQUIRED_COLUMNS = ("document_number", "birth_date", "district_code", "gender")
OPTIONAL_COLUMNS = ("area",)
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
_DOCUMENT = re.compile(r"^[0-9A-Z]{5,20}$")
_SNIFF_BYTES = 1 << 20

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


@dataclass(frozen=True, slots=True)
class CensusRow:
    line: int
    document_hash: str
    birth_date: date
    district_id: int
    gender: str
    area: str


@dataclass(frozen=True, slots=True)
class DistrictInfo:
    pk: int
    area: str


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, else Latin-1; refuse what is neither."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:4096]:
            raise CensusFileRefused(_("The file is in UTF-16. Save it as CSV in UTF-8 and upload it again."))
        if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
            raise CensusFileRefused(
                _("This is a spreadsheet, not a CSV file. Save it as CSV (UTF-8) and upload it again.")
            )
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
    """Iterate the checked rows and problems of one file, in order, in bounded memory."""

    def __init__(self, path: Path, *, districts: Mapping[str, DistrictInfo], today: date) -> None:
        self.path = path
        self.encoding = detect_encoding(path)
        self.districts = districts
        self.today = today
        self.size = path.stat().st_size
        self._handle: IO[str] | None = None

    def bytes_read(self) -> int:
        """How far into the file the reader is (for a progress bar)."""
        if self._handle is None:
            return 0
        buffer = self._handle.buffer  # type: ignore[attr-defined]
        return min(int(buffer.tell()), self.size)

    def __iter__(self) -> Iterator[CensusRow | Problem]:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            self._handle = handle
            try:
                yield from self._rows(handle)
            finally:
                self._handle = None

    def _rows(self, handle: IO[str]) -> Iterator[CensusRow | Problem]:
        first = handle.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = [
            name.replace("\ufeff", "").replace("ï»¿", "").strip().lower()
            for name in next(csv.reader([first], delimiter=delimiter), [])
        ]
        columns = self._columns(header)
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        width = len(header)
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:
                # The reader counts from the line after the header.
                yield Problem(reader.line_num + 1, _("the line is not valid CSV (check the quotes)"))
                continue
            line = reader.line_num + 1
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank lines (often the last one) carry nothing
            if len(fields) > width:
                yield Problem(
                    line,
                    _("has %(found)d fields, the header has %(expected)d")
                    % {
                        "found": len(fields),
                        "expected": width,
                    },
                )
                continue
            values = {name: fields[index] if index < len(fields) else "" for name, index in columns.items()}
            yield self._check(line, values)

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

    def _check(self, line: int, row: dict[str, str]) -> CensusRow | Problem:
        values = {name: value.strip() for name, value in row.items()}
        for name in REQUIRED_COLUMNS:
            if not values[name]:
                return Problem(line, _("missing %(column)s") % {"column": name})
        document = normalise_document(values["document_number"])
        if not _DOCUMENT.match(document):
            return Problem(line, _("the document number is not valid (5 to 20 letters and digits)"))
        birth_date = _parse_date(values["birth_date"])
        if birth_date is None:
            return Problem(line, _("the birth date is not a real date (use YYYY-MM-DD or DD/MM/YYYY)"))
        if birth_date > self.today:
            return Problem(line, _("the birth date is in the future"))
        if birth_date < EARLIEST_BIRTH_DATE:
            return Problem(line, _("the birth date is before 1900"))
        district = self.districts.get(values["district_code"])
        if district is None:
            return Problem(line, _("unknown district %(code)s") % {"code": values["district_code"][:12]})
        gender = GENDER_VALUES.get(values["gender"].lower())
        if gender is None:
            return Problem(
                line,
                _("unknown gender %(value)s (use female, male, another or unknown)")
                % {
                    "value": repr(values["gender"][:20]),
                },
            )
        area = district.area
        if values.get("area"):
            area_value = AREA_VALUES.get(values["area"].lower())
            if area_value is None:
                return Problem(
                    line,
                    _("unknown area %(value)s (use rural or urban)")
                    % {
                        "value": repr(values["area"][:20]),
                    },
                )
            area = area_value
        return CensusRow(line, document_hash(document), birth_date, district.pk, gender, area)


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
