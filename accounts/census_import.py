"""Importing a census file: check the whole file, then write it in one transaction, or write nothing.

Pass 1 reads the file as a stream and stages each good row in a throw-away SQLite
file keyed by document hash, which is also how duplicates within the file are
found without holding a million hashes in memory. Pass 2 reads the staged rows in
batches and inserts or updates census records inside a single transaction, so a
failure half way leaves the census as it was.

A record already in the census (same document hash) is updated when the file says
something else about it (birth date, district, gender, area): the registry is the
source of truth, and a person who moved keeps their binding. Records missing from
the file are left alone: an import adds and corrects, it never deletes.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .census_csv import CensusFileRefused, CensusReader, CensusRow, DistrictInfo, Problem
from .models import CensusImport, CensusRecord, District, User

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]
ProblemCallback = Callable[[Problem], None]
CHECKING = "checking"
IMPORTING = "importing"
_PROGRESS_EVERY = 10_000


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass(frozen=True)
class ImportProgress:
    phase: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class _Staging:
    """Good rows of the file, keyed by document hash, in a temporary SQLite file.

    Rows are staged in chunks; a chunk that inserts fewer rows than it holds has a
    duplicate, and only then is each of its rows looked at.
    """

    _CHUNK = 5000

    def __init__(self) -> None:
        work_dir = getattr(settings, "CENSUS_WORK_DIR", None) or tempfile.gettempdir()
        descriptor, name = tempfile.mkstemp(prefix="census-staging-", suffix=".sqlite3", dir=work_dir)
        os.close(descriptor)
        self.path = Path(name)
        self.db = sqlite3.connect(self.path)
        # A scratch file: losing it in a crash only means running the import again.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(
            "CREATE TABLE staged (hash BLOB PRIMARY KEY, line INTEGER, birth_date TEXT,"
            " district_id INTEGER, gender TEXT, area TEXT) WITHOUT ROWID"
        )
        self._pending: list[tuple[bytes, int, str, int, str, str]] = []

    def add(self, row: CensusRow) -> list[tuple[int, int]]:
        """Stage the row; returns (line, first line) for every duplicate found so far."""
        self._pending.append(
            (
                bytes.fromhex(row.document_hash),
                row.line,
                row.birth_date.isoformat(),
                row.district_id,
                row.gender,
                row.area,
            )
        )
        return self.flush() if len(self._pending) >= self._CHUNK else []

    def flush(self) -> list[tuple[int, int]]:
        chunk, self._pending = self._pending, []
        if not chunk:
            return []
        cursor = self.db.executemany("INSERT OR IGNORE INTO staged VALUES (?, ?, ?, ?, ?, ?)", chunk)
        if cursor.rowcount == len(chunk):
            return []
        duplicates = []
        for key, line, *_rest in chunk:
            first = int(self.db.execute("SELECT line FROM staged WHERE hash = ?", (key,)).fetchone()[0])
            if first != line:
                duplicates.append((line, first))
        return duplicates

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM staged").fetchone()[0])

    def batches(self, size: int) -> Iterator[list[tuple[str, date, int, str, str]]]:
        self.db.commit()
        cursor = self.db.execute("SELECT hash, birth_date, district_id, gender, area FROM staged ORDER BY hash")
        while rows := cursor.fetchmany(size):
            yield [(h.hex(), date.fromisoformat(b), int(d), g, a) for h, b, d, g, a in rows]

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)


def census_import_create(*, file_name: str, started_by: User | None) -> CensusImport:
    census_import = CensusImport(file_name=file_name[:255], started_by=started_by)
    census_import.full_clean()
    census_import.save()
    return census_import


def census_import_run(
    *,
    census_import: CensusImport,
    path: Path,
    on_progress: ProgressCallback | None = None,
    on_problem: ProblemCallback | None = None,
) -> CensusImport:
    """Check `path` as a whole, then import it all in one transaction, or import nothing.

    Not one atomic block on purpose: the check pass records its progress as it goes,
    so the admin can follow it; only the writing pass is a transaction.
    """
    _save(census_import, status=CensusImport.Status.RUNNING)
    staging = _Staging()
    try:
        problems = _check(census_import, path, staging, on_progress, on_problem)
        if problems:
            return _reject(census_import, problems)
        try:
            _write(census_import, staging, on_progress)
        except DatabaseError as exc:
            logger.exception("census import %s failed while writing", census_import.pk)
            failure = Problem(
                0,
                _("the import failed while writing (%(error)s); nothing was imported")
                % {
                    "error": type(exc).__name__,
                },
            )
            census_import.problems_total = 1
            return _reject(census_import, [failure])
    except CensusFileRefused as exc:
        census_import.problems_total = 1
        return _reject(census_import, [Problem(1, str(exc))])
    except OSError as exc:
        census_import.problems_total = 1
        return _reject(
            census_import, [Problem(0, _("the file could not be read (%(error)s)") % {"error": exc.strerror})]
        )
    finally:
        staging.close()
        cache.delete(_progress_key(census_import.pk))
    logger.info(
        "census import %s done: %s created, %s updated, %s unchanged",
        census_import.pk,
        census_import.rows_created,
        census_import.rows_updated,
        census_import.rows_unchanged,
    )
    return census_import


def census_import_file(
    *,
    path: Path,
    started_by: User | None = None,
    file_name: str | None = None,
    on_progress: ProgressCallback | None = None,
    on_problem: ProblemCallback | None = None,
) -> CensusImport:
    """Create the import record and run it (the command line and the demo use this)."""
    census_import = census_import_create(file_name=file_name or path.name, started_by=started_by)
    return census_import_run(census_import=census_import, path=path, on_progress=on_progress, on_problem=on_problem)


def census_import_progress(census_import: CensusImport) -> ImportProgress:
    """Progress while running (the writing pass is inside a transaction, so it goes through the cache)."""
    live = cache.get(_progress_key(census_import.pk))
    if census_import.status == CensusImport.Status.RUNNING and live:
        return ImportProgress(*live)
    if census_import.status == CensusImport.Status.DONE:
        return ImportProgress(IMPORTING, census_import.rows_total, census_import.rows_total)
    return ImportProgress(CHECKING, census_import.rows_done, census_import.rows_total)


def _check(
    census_import: CensusImport,
    path: Path,
    staging: _Staging,
    on_progress: ProgressCallback | None,
    on_problem: ProblemCallback | None,
) -> list[Problem]:
    """Pass 1: every row checked and staged; returns the problems kept for the record."""
    districts = {code: DistrictInfo(pk, area) for pk, code, area in District.objects.values_list("pk", "code", "area")}
    reader = CensusReader(path, districts=districts, today=timezone.localdate())
    census_import.encoding = reader.encoding
    kept: list[Problem] = []
    keep = _setting("CENSUS_IMPORT_PROBLEMS_KEPT", 1000)
    rows = problems_total = 0

    def problem(found: Problem) -> None:
        nonlocal problems_total
        problems_total += 1
        if len(kept) < keep:
            kept.append(found)
        if on_problem is not None:
            on_problem(found)

    for item in reader:
        rows += 1
        if isinstance(item, Problem):
            problem(item)
        else:
            for line, first_line in staging.add(item):
                problem(Problem(line, _("the same document as line %(line)d") % {"line": first_line}))
        if rows % _PROGRESS_EVERY == 0:
            _forget_queries()
            _report(census_import, CHECKING, reader.bytes_read(), reader.size, on_progress)
            _save(census_import, rows_done=rows, rows_total=rows)
    for line, first_line in staging.flush():
        problem(Problem(line, _("the same document as line %(line)d") % {"line": first_line}))
    kept.sort(key=lambda found: found.line)
    _report(census_import, CHECKING, reader.size, reader.size, on_progress)
    census_import.problems_total = problems_total
    _save(census_import, rows_done=rows, rows_total=rows, encoding=reader.encoding)
    if rows == 0 and not kept:
        census_import.problems_total = 1
        return [Problem(2, _("the file has a header but no rows"))]
    return kept


@transaction.atomic
def _write(census_import: CensusImport, staging: _Staging, on_progress: ProgressCallback | None) -> None:
    """Pass 2: insert new records and correct changed ones, batch by batch, all in this transaction."""
    batch_size = _setting("CENSUS_IMPORT_BATCH_SIZE", 2000)
    total = staging.count()
    created = updated = unchanged = done = 0
    insert = _RecordInsert()
    # The first import into an empty census has nothing to compare with.
    census_was_empty = not CensusRecord.objects.exists()
    for batch in staging.batches(batch_size):
        existing = {} if census_was_empty else _existing(batch)
        new: list[tuple[str, date, int, str, str]] = []
        changed: list[CensusRecord] = []
        for staged in batch:
            found = existing.get(staged[0])
            if found is None:
                new.append(staged)
            elif found[1:] != staged[1:]:
                hash_, birth_date, district_id, gender, area = staged
                changed.append(
                    CensusRecord(
                        pk=found[0],
                        document_hash=hash_,
                        birth_date=birth_date,
                        district_id=district_id,
                        gender=gender,
                        area=area,
                    )
                )
            else:
                unchanged += 1
        insert(new)
        if changed:
            CensusRecord.objects.bulk_update(changed, ["birth_date", "district", "gender", "area"], batch_size=500)
        created += len(new)
        updated += len(changed)
        done += len(batch)
        _forget_queries()
        _report(census_import, IMPORTING, done, total, on_progress)
    census_import.rows_created, census_import.rows_updated, census_import.rows_unchanged = created, updated, unchanged
    _save(
        census_import,
        status=CensusImport.Status.DONE,
        rows_created=created,
        rows_updated=updated,
        rows_unchanged=unchanged,
        problems=[],
        problems_total=0,
        finished_at=timezone.now(),
    )
    audit_record(
        actor=census_import.started_by,
        action="census.import",
        target=census_import,
        detail={"rows": total, "created": created, "updated": updated, "unchanged": unchanged},
    )


def _existing(batch: list[tuple[str, date, int, str, str]]) -> dict[str, tuple[Any, ...]]:
    """What the census already holds for these hashes: hash -> (pk, birth_date, district_id, gender, area)."""
    return {
        row[0]: row[1:]
        for row in CensusRecord.objects.filter(document_hash__in=[staged[0] for staged in batch]).values_list(
            "document_hash", "pk", "birth_date", "district_id", "gender", "area"
        )
    }


class _RecordInsert:
    """Plain inserts: for a million rows the ORM's per-object work costs more than the database.

    PostgreSQL gets COPY (one stream per batch); other databases a prepared executemany.
    Pass 1 checked every value, and the table's constraints check them again.
    """

    _NAMES = ("document_hash", "birth_date", "district", "gender", "area", "imported_at")

    def __init__(self) -> None:
        meta = CensusRecord._meta
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.columns = ", ".join(quote(_column(meta.get_field(name))) for name in self._NAMES)
        self.now = timezone.now()

    def __call__(self, rows: list[tuple[str, date, int, str, str]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
                with raw.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, self.now))
                return
            adapt_date = connection.ops.adapt_datefield_value
            now = connection.ops.adapt_datetimefield_value(self.now)
            cursor.executemany(
                f"INSERT INTO {self.table} ({self.columns}) "  # noqa: S608 - names from the model
                f"VALUES ({', '.join(['%s'] * len(self._NAMES))})",
                [
                    (hash_, adapt_date(born), district, gender, area, now)
                    for hash_, born, district, gender, area in rows
                ],
            )


def _forget_queries() -> None:
    """Under DEBUG, Django logs every query: a million rows of SQL would fill the memory."""
    if settings.DEBUG:
        reset_queries()


def _column(field: object) -> str:
    column = getattr(field, "column", None)
    assert isinstance(column, str)
    return column


def _reject(census_import: CensusImport, problems: list[Problem]) -> CensusImport:
    _save(
        census_import,
        status=CensusImport.Status.REJECTED,
        problems=[found.as_dict() for found in problems],
        problems_total=max(census_import.problems_total, len(problems)),
        finished_at=timezone.now(),
    )
    logger.info("census import %s rejected: %s problems", census_import.pk, census_import.problems_total)
    return census_import


def _report(
    census_import: CensusImport, phase: str, done: int, total: int, on_progress: ProgressCallback | None
) -> None:
    cache.set(_progress_key(census_import.pk), (phase, done, total), timeout=3600)
    if on_progress is not None:
        on_progress(phase, done, total)


def _save(census_import: CensusImport, **values: Any) -> None:
    for name, value in values.items():
        setattr(census_import, name, value)
    census_import.save(update_fields=list(values))


def _progress_key(pk: int) -> str:
    return f"census-import-progress:{pk}"
