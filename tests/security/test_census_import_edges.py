"""Census import edge cases (issue 13, item 9): every failure ends the import, with its reason, in one language.

Before: a header over 128 KiB crashed with a traceback and left the import "running" forever;
.xlsx/.xls files were called "UTF-16"; an unclosed quote was reported at the end of the file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from accounts import census_import
from accounts.census_import import census_import_create, census_import_file, census_import_run
from accounts.models import CensusImport, CensusRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("la_libertad")

HEADER = "document_number,birth_date,district_code,gender\n"
ROW = "4000000{n},1980-01-01,130101,female\n"


def _file(tmp_path: Path, content: str | bytes, name: str = "census.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _english_import(path: Path) -> CensusImport:
    with translation.override("en"):
        return census_import_file(path=path)


@pytest.mark.django_db
def test_a_header_over_128_kib_ends_the_import_rejected_with_its_reason(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER.rstrip("\n") + "," + "y" * 200_000 + "\n" + ROW.format(n=1))

    result = _english_import(path)

    assert CensusImport.objects.get(pk=result.pk).status == CensusImport.Status.REJECTED
    assert result.problems == [{"line": 1, "reason": "Line 1 is longer than 128 KiB: this is not a census header."}]
    assert result.finished_at is not None


@pytest.mark.django_db
def test_a_field_over_128_kib_is_reported_at_its_line_and_stops_the_check(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + ROW.format(n=1) + '40000002,1980-01-01,130101,"' + "x" * 200_000 + '"\n')

    result = _english_import(path)

    assert result.status == CensusImport.Status.REJECTED
    (problem,) = result.problems
    assert problem["line"] == 3
    assert "longer than 128 KiB" in str(problem["reason"])


@pytest.mark.django_db
def test_an_unclosed_quote_is_reported_at_the_line_that_opens_it(tmp_path: Path) -> None:
    rows = [ROW.format(n=n) for n in range(1, 4)]
    rows.insert(1, '40000009,"1980-01-01,130101,male\n')  # line 3 opens a quote nobody closes
    path = _file(tmp_path, HEADER + "".join(rows))

    result = _english_import(path)

    assert result.status == CensusImport.Status.REJECTED
    assert result.problems == [
        {"line": 3, "reason": "a quote opened on this line is never closed (the rest of the file was not checked)"}
    ]
    assert not CensusRecord.objects.exists()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("census.xlsx", _xlsx()),
        ("census.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000),  # OLE2, old Excel
    ],
)
def test_spreadsheets_are_named_as_spreadsheets_not_utf16(tmp_path: Path, name: str, content: bytes) -> None:
    result = _english_import(_file(tmp_path, content, name))

    assert result.status == CensusImport.Status.REJECTED
    (problem,) = result.problems
    assert "spreadsheet" in str(problem["reason"])
    assert "UTF-16" not in str(problem["reason"])


@pytest.mark.django_db
def test_an_unexpected_error_ends_the_import_failed_with_the_reason_never_running(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + ROW.format(n=1))

    with (
        mock.patch.object(census_import, "_write", side_effect=RuntimeError("disk on fire")),
        pytest.raises(RuntimeError),
        translation.override("en"),
    ):
        census_import_file(path=path)

    stored = CensusImport.objects.get()
    assert stored.status == CensusImport.Status.FAILED
    assert stored.finished_at is not None
    assert stored.problems == [{"line": 0, "reason": "the import stopped on an unexpected error; nothing was imported"}]


@pytest.mark.django_db
def test_messages_are_in_the_language_of_whoever_started_the_import(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + '40000009,"1980-01-01,130101,male\n' + "4000X,2020-13-45,999999,robot\n")
    with translation.override("fr"):  # the administrator's request, in French
        started = census_import_create(file_name="census.csv", started_by=UserFactory())
    with translation.override("es"):  # the worker that runs it has the site's language
        result = census_import_run(census_import=started, path=path)

    assert result.problems == [
        {
            "line": 2,
            "reason": "un guillemet ouvert sur cette ligne n\u2019est jamais fermé"
            " (la suite du fichier n\u2019a pas été vérifiée)",
        }
    ]


@pytest.mark.django_db
def test_the_command_line_speaks_one_language(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + "40000001,1980-01-01,999999,female\n")
    err = io.StringIO()

    with translation.override("es"), pytest.raises(CommandError) as refused:
        call_command("import_census", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)

    assert "línea 2: distrito desconocido 999999" in err.getvalue()
    assert "nada se importó" in str(refused.value)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_import_session_gets_long_timeouts_and_gives_them_back(tmp_path: Path) -> None:
    seen: list[str] = []

    def progress(phase: str, done: int, total: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            seen.append(cursor.fetchone()[0])

    census_import_file(path=_file(tmp_path, HEADER + ROW.format(n=1)), on_progress=progress)

    assert seen and set(seen) == {"30min"}
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"
