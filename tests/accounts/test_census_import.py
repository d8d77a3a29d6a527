"""Census import from the command line: good, bad, re-imported, oddly encoded and large files."""

from __future__ import annotations

import logging
import tracemalloc
from collections.abc import Iterator
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts import census_import
from accounts.census import document_hash
from accounts.census_import import census_import_file
from accounts.models import AuditEntry, CensusImport, CensusRecord
from tests.accounts.conftest import CensusFile
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.usefixtures("la_libertad")


def run_import(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_census", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing_import(path: Path) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_census", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


GOOD_ROWS = [
    ("40000001", "1980-02-29", "130101", "female"),  # a real 29 February
    ("40000002", "15/07/1975", "130302", "M"),
    ("40.000.003", "1999-12-31", "130614", "Femenino"),
    ("40000004", "2001-01-01", "130102", "otro"),
    ("40000005", "1950-06-06", "131201", "unknown"),
]


def test_good_file_is_imported_with_hashes_areas_and_genders(census_file: CensusFile) -> None:
    out, err = run_import(census_file(GOOD_ROWS))

    assert "5 rows: 5 new, 0 updated, 0 unchanged" in out
    assert "Importing [" in err and "100%" in err
    assert CensusRecord.objects.count() == 5
    record = CensusRecord.objects.get(document_hash=document_hash("40000003"))
    assert (record.birth_date, record.district.code, record.gender, record.area) == (
        date(1999, 12, 31),
        "130614",
        "female",
        "rural",
    )
    second = CensusRecord.objects.get(document_hash=document_hash("40000002"))
    assert (second.birth_date, second.gender, second.area) == (date(1975, 7, 15), "male", "rural")
    assert CensusRecord.objects.get(document_hash=document_hash("40000004")).gender == "another"
    assert not CensusRecord.objects.filter(document_hash__contains="4000000").exists()
    done = CensusImport.objects.get()
    assert (done.status, done.rows_total, done.rows_created, done.encoding) == ("done", 5, 5, "utf-8")
    assert AuditEntry.objects.filter(action="census.import", target_id=str(done.pk)).exists()


def test_area_column_overrides_the_district(census_file: CensusFile) -> None:
    rows = [("50000001", "1980-01-01", "130101", "female", "rural"), ("50000002", "1980-01-01", "130302", "m", "")]
    run_import(census_file(rows, header=("document_number", "birth_date", "district_code", "gender", "area")))
    assert CensusRecord.objects.get(document_hash=document_hash("50000001")).area == "rural"
    assert CensusRecord.objects.get(document_hash=document_hash("50000002")).area == "rural"


def test_reimporting_the_same_file_changes_nothing(census_file: CensusFile) -> None:
    path = census_file(GOOD_ROWS)
    run_import(path)
    before = list(CensusRecord.objects.order_by("pk").values_list())
    out, _err = run_import(path)
    assert "5 rows: 0 new, 0 updated, 5 unchanged" in out
    assert list(CensusRecord.objects.order_by("pk").values_list()) == before


def test_a_person_who_moved_is_updated_and_keeps_their_binding(census_file: CensusFile) -> None:
    run_import(census_file(GOOD_ROWS))
    record = CensusRecord.objects.get(document_hash=document_hash("40000001"))
    citizen = VerifiedUserFactory(census_record=record)
    moved = [("40000001", "1980-02-29", "130302", "female"), *GOOD_ROWS[1:]]
    out, _err = run_import(census_file(moved))
    assert "0 new, 1 updated, 4 unchanged" in out
    record.refresh_from_db()
    assert (record.district.code, record.area) == ("130302", "rural")
    citizen.refresh_from_db()
    assert citizen.census_record_id == record.pk


def test_every_bad_row_is_reported_and_nothing_is_imported(
    census_file: CensusFile, caplog: pytest.LogCaptureFixture
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    rows = [
        ("61000001", "1980-01-01", "130101", "female"),  # line 2: good, yet not imported
        ("61000002", "1980-01-01", "999999", "female"),  # 3: unknown district
        ("61000003", "2001-02-30", "130101", "male"),  # 4: impossible date
        ("61000004", tomorrow, "130101", "male"),  # 5: future
        ("", "1980-01-01", "130101", "male"),  # 6: missing document
        ("61000006", "1980-01-01", "130101", "robot"),  # 7: bad gender
        ("61.000.001", "1970-01-01", "130102", "male"),  # 8: same document as line 2
        ("61000008", "1880-01-01", "130101", "male"),  # 9: before 1900
        ("61000009", "1980-01-01", "", "male"),  # 10: missing district
        ("6!", "1980-01-01", "130101", "male"),  # 11: not a document number
    ]
    with caplog.at_level(logging.DEBUG):
        err = failing_import(census_file(rows))

    expected = {
        3: "unknown district 999999",
        4: "not a real date",
        5: "in the future",
        6: "missing document_number",
        7: "unknown gender",
        8: "the same document as line 2",
        9: "before 1900",
        10: "missing district_code",
        11: "document number is not valid",
    }
    for line, reason in expected.items():
        assert f"line {line}: " in err and reason in err, (line, reason)
    assert "line 2:" not in err
    assert CensusRecord.objects.count() == 0
    rejected = CensusImport.objects.get()
    assert rejected.status == "rejected"
    assert rejected.problems_total == 9
    assert [problem["line"] for problem in rejected.problems] == sorted(expected)
    # The document numbers appear nowhere: not in the messages, the record or the logs.
    for text in (err, str(rejected.problems), caplog.text):
        for number in ("61000001", "61000002", "61.000.001", "61000008"):
            assert number not in text


def test_problems_kept_on_the_record_are_capped_but_all_are_counted(
    census_file: CensusFile, settings: pytest.FixtureRequest
) -> None:
    settings.CENSUS_IMPORT_PROBLEMS_KEPT = 3  # type: ignore[attr-defined]
    rows = [(f"6200000{n}", "1980-01-01", "000000", "female") for n in range(8)]
    err = failing_import(census_file(rows))
    assert err.count("unknown district") == 8
    rejected = CensusImport.objects.get()
    assert (len(rejected.problems), rejected.problems_total) == (3, 8)


def test_latin1_file_is_read(census_file: CensusFile) -> None:
    header = ("document_number", "birth_date", "district_code", "gender", "nombre")
    rows = [
        ("63000001", "1980-01-01", "130401", "Femenino", "María Muñoz"),
        ("63000002", "1981-01-01", "130402", "masculino", "Iñigo"),
    ]
    path = census_file(rows, header=header, encoding="latin-1")
    assert "Muñoz".encode("latin-1") in path.read_bytes()
    out, _err = run_import(path)
    assert "2 new" in out
    assert CensusImport.objects.get().encoding == "latin-1"


def test_utf8_with_bom_and_semicolons_is_read(census_file: CensusFile) -> None:
    path = census_file([("64000001", "1980-01-01", "130101", "F")], encoding="utf-8-sig", delimiter=";")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    out, _err = run_import(path)
    assert "1 new" in out


def test_missing_header_is_refused_without_echoing_the_first_row(census_file: CensusFile) -> None:
    err = failing_import(census_file([("65000001", "1980-01-01", "130101", "F")], header=None))
    assert "line 1: Line 1 must be the header document_number,birth_date,district_code,gender" in err
    assert "65000001" not in err
    assert CensusRecord.objects.count() == 0


def test_utf16_and_empty_files_are_refused_clearly(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.csv"
    utf16.write_text("document_number,birth_date,district_code,gender\n66000001,1980-01-01,130101,F\n", "utf-16")
    assert "UTF-16" in failing_import(utf16)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in failing_import(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text("document_number,birth_date,district_code,gender\n")
    assert "no rows" in failing_import(header_only)


def test_broken_quotes_and_extra_fields_are_line_problems(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        "document_number,birth_date,district_code,gender\n"
        "67000001,1980-01-01,130101,F\n"
        "67000002,1980-01-01,130101,F,extra\n"
        '67000003,"1980-01-01,130101,F\n'
    )
    err = failing_import(path)
    assert "line 3: has 5 fields, the header has 4" in err
    assert "line 4:" in err


def test_a_failure_while_writing_leaves_the_census_untouched(
    census_file: CensusFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_import(census_file(GOOD_ROWS))
    before = list(CensusRecord.objects.order_by("pk").values_list())
    real_insert = census_import._Staging.insert_new

    def insert_then_fail(self: census_import._Staging) -> int:
        # The update and the inserts have run when the database gives up: both must be undone.
        assert real_insert(self) == 1
        raise DatabaseError("disk full")

    monkeypatch.setattr(census_import._Staging, "insert_new", insert_then_fail)
    moved = [("40000001", "1980-02-29", "130302", "female"), *GOOD_ROWS[1:], ("40000009", "1990-01-01", "130101", "F")]
    result = census_import_file(path=census_file(moved))
    assert result.status == "rejected"
    assert "nothing was imported" in result.problems[0]["reason"]
    assert list(CensusRecord.objects.order_by("pk").values_list()) == before


def test_rows_are_staged_in_batches_and_duplicates_are_found_across_them(
    census_file: CensusFile, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CENSUS_IMPORT_BATCH_SIZE = 500  # type: ignore[attr-defined]
    sizes: list[int] = []
    real_add = census_import._Staging.add

    def spy(self: census_import._Staging, rows: list[tuple[int, str, str, int, str, str]]) -> None:
        sizes.append(len(rows))
        real_add(self, rows)

    monkeypatch.setattr(census_import._Staging, "add", spy)
    rows = [(f"{68000000 + n}", "1980-01-01", "130101", "F") for n in range(2000)]
    result = census_import_file(path=census_file(rows))
    assert result.rows_created == 2000 == CensusRecord.objects.count()
    assert sizes == [500, 500, 500, 500, 0]

    sizes.clear()
    again = [*rows[:1500], ("68-000-001", "1970-01-01", "130102", "M"), *rows[1500:], rows[2]]
    err = failing_import(census_file(again))
    assert sizes == [500, 500, 500, 500, 2]
    assert "line 1502: the same document as line 3" in err
    assert "line 2003: the same document as line 4" in err
    rejected = CensusImport.objects.order_by("-pk").first()
    assert rejected is not None
    assert (rejected.problems_total, [problem["line"] for problem in rejected.problems]) == (2, [1502, 2003])


def test_the_staging_table_is_gone_after_an_import(census_file: CensusFile) -> None:
    """Hashes staged for an import do not outlive it, whether the file was accepted or refused."""
    run_import(census_file(GOOD_ROWS))
    failing_import(census_file([*GOOD_ROWS, GOOD_ROWS[0]]))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM census_import_staging")


def test_a_large_file_imports_in_bounded_memory(census_file: CensusFile, settings: pytest.FixtureRequest) -> None:
    """Peak memory does not grow with the file: 20,000 rows peak about as low as 3,000 rows.

    Small batches keep the test quick; memory is bounded by the batch, whatever its size.
    """
    settings.CENSUS_IMPORT_BATCH_SIZE = 500  # type: ignore[attr-defined]
    codes = ["130101", "130302", "130614", "131201"]

    def rows(start: int, count: int) -> Iterator[tuple[str, str, str, str]]:
        for n in range(start, start + count):
            yield (f"{10000000 + n}", f"{1940 + n % 60}-{1 + n % 12:02d}-{1 + n % 28:02d}", codes[n % 4], "female")

    def peak_importing(path: Path) -> int:
        tracemalloc.start()
        try:
            result = census_import_file(path=path)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result.status == "done", result.problems
        return peak

    small = peak_importing(census_file(rows(0, 3_000)))
    # The second import also compares with what the census holds: the heavier path.
    large = peak_importing(census_file(rows(3_000, 20_000)))
    assert CensusRecord.objects.count() == 23_000
    assert large < small * 1.5 + 1_000_000, f"3k rows: {small / 1e6:.1f} MB, 20k rows: {large / 1e6:.1f} MB"
    assert large < 8_000_000


@pytest.mark.parametrize("pepper", ["short-pepper", "p" * 64, "a much longer pepper than one SHA-256 block " * 3])
def test_the_import_hasher_gives_the_same_hash_as_document_hash(settings: pytest.FixtureRequest, pepper: str) -> None:
    """The import hashes with HMAC written out over pre-keyed states: it must match verification's hash."""
    from accounts.census import document_hasher

    settings.CENSUS_PEPPER = pepper  # type: ignore[attr-defined]
    digest = document_hasher()
    for number in ("12345678", "A1B2C3D4E5", "00000", "Z" * 20):
        assert digest(number) == document_hash(number)


def _census_catalogue() -> dict[str, list[tuple[str, ...]]]:
    """The census table's indexes, constraints and the foreign keys pointing at it, by name and definition."""
    table = CensusRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1",
            [table],
        )
        own = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE confrelid = %s::regclass ORDER BY 1, 2",
            [table],
        )
        pointing = cursor.fetchall()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchall()
    return {"indexes": indexes, "own": own, "pointing": pointing, "sequence": sequence}


@pytest.mark.postgres
def test_a_first_import_swaps_in_a_table_with_every_index_and_constraint_of_the_census(
    census_file: CensusFile,
) -> None:
    """Into an empty census the rows go to a fresh table indexed after the load; what the rules rely on stays."""
    before = _census_catalogue()
    assert before["pointing"], "users, participations and supports point at the census"
    out, _err = run_import(census_file(GOOD_ROWS))
    assert "5 rows: 5 new, 0 updated, 0 unchanged" in out
    assert _census_catalogue() == before
    record = CensusRecord.objects.get(document_hash=document_hash("40000001"))
    citizen = VerifiedUserFactory(census_record=record)  # a person binds to an imported record
    assert citizen.census_record_id == record.pk
    # New records still get fresh ids; the constraints are still enforced.
    extra = CensusRecord.objects.create(
        document_hash="f" * 64, birth_date=date(1990, 1, 1), district=record.district, gender="male", area="urban"
    )
    assert extra.pk > max(CensusRecord.objects.exclude(pk=extra.pk).values_list("pk", flat=True))
    census = CensusRecord._meta.db_table  # a model's table name, not input
    refused: list[tuple[str, list[object]]] = [
        (  # the same document twice
            f"INSERT INTO {census} (document_hash, birth_date, district_id, gender, area, imported_at)"  # noqa: S608
            " VALUES (%s, '1990-01-01', %s, 'male', 'urban', now())",
            [record.document_hash, record.district_id],
        ),
        (f"UPDATE {census} SET gender = 'nobody' WHERE id = %s", [record.pk]),  # noqa: S608 - a CHECK
        (f"UPDATE {census} SET district_id = 999999 WHERE id = %s", [record.pk]),  # noqa: S608 - its foreign key
        ("UPDATE accounts_user SET census_record_id = 999999 WHERE id = %s", [citizen.pk]),  # a key pointing at it
    ]
    for statement, params in refused:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(statement, params)


@pytest.mark.postgres
def test_a_failure_in_the_swap_leaves_the_empty_census_as_it_was(
    census_file: CensusFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _census_catalogue()
    real_load = census_import._Staging.load_fresh

    def load_then_fail(self: census_import._Staging) -> int:
        assert real_load(self) == len(GOOD_ROWS)  # swapped in, not committed
        raise DatabaseError("disk full")

    monkeypatch.setattr(census_import._Staging, "load_fresh", load_then_fail)
    result = census_import_file(path=census_file(GOOD_ROWS))
    assert result.status == "rejected"
    assert "nothing was imported" in result.problems[0]["reason"]
    assert not CensusRecord.objects.exists()
    assert _census_catalogue() == before
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM census_import_staging_fresh")
    # And the next import works, then a re-import of the same file changes nothing (idempotent).
    monkeypatch.undo()
    path = census_file(GOOD_ROWS)
    assert "5 new" in run_import(path)[0]
    assert "0 new, 0 updated, 5 unchanged" in run_import(path)[0]


@pytest.mark.postgres
def test_a_view_on_the_census_keeps_the_first_import_on_the_row_by_row_path(census_file: CensusFile) -> None:
    """A table swap would drop or break what depends on the census: with a view on it, no swap."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE VIEW census_genders AS SELECT gender FROM {CensusRecord._meta.db_table}")  # noqa: S608
    out, _err = run_import(census_file(GOOD_ROWS))
    assert "5 rows: 5 new, 0 updated, 0 unchanged" in out
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM census_genders")
        assert cursor.fetchone() == (5,)
