"""Importing a census file: check the whole file, then write it in one transaction, or write nothing.

One streaming pass reads, checks, normalises and hashes each row in Python (the
only place document numbers exist in clear) and stages the good rows in a
temporary table of the import's own database connection: COPY on PostgreSQL,
batched inserts elsewhere. The database then does what it does best on a
million rows: it finds documents given twice in the file (line numbers
reported), and, if the file has no problem at all, updates changed records and
inserts new ones with two set-based statements inside a single transaction, so
a failure half way leaves the census as it was.

A record already in the census (same document hash) is updated when the file says
something else about it (birth date, district, gender, area): the registry is the
source of truth, and a person who moved keeps their binding. Records missing from
the file are left alone: an import adds and corrects, it never deletes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, reset_queries, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .audit import audit_record
from .census_csv import CensusFileRefused, CensusReader, CensusRow, DistrictInfo, Problem
from .models import CensusImport, CensusRecord, District, User

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]
ProblemCallback = Callable[[Problem], None]
CHECKING = "checking"
IMPORTING = "importing"
_STAGING = "census_import_staging"


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
    """The good rows of the file in a temporary table of this connection (hashes only, never numbers).

    Temporary: invisible to other connections, unlogged, gone with the connection
    if the process dies; dropped explicitly when the import ends.
    """

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.rows = 0
        self._open: ExitStack | None = None
        self._copy_stream: Any = None
        meta = CensusRecord._meta
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.hash, self.birth_date, self.district, self.gender, self.area, self.imported_at = (
            quote(_column(meta.get_field(name)))
            for name in ("document_hash", "birth_date", "district", "gender", "area", "imported_at")
        )
        # Hashes are lowercase hex: compared byte by byte ("C") they sort and group several times faster
        # than under the database's language collation, in the same order. Compared with the census's own
        # column, they take its collation, so its unique index still serves the lookups.
        self.bytewise = ' COLLATE "C"' if self.postgres else ""
        self.as_census = ' COLLATE "default"' if self.postgres else ""
        with connection.cursor() as cursor:
            if self.postgres:
                # The COPY of a big file stays open for minutes, and the writing step waits for other census
                # writers: longer limits than a page's, for this session only (drop() gives them back).
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, false), set_config('lock_timeout', %s, false)",
                    [
                        f"{_setting('CENSUS_IMPORT_STATEMENT_TIMEOUT', 1800)}s",
                        f"{_setting('CENSUS_IMPORT_LOCK_TIMEOUT', 60)}s",
                    ],
                )
            cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_STAGING} (hash varchar(64){self.bytewise} NOT NULL,"
                " birth_date date NOT NULL, district_id bigint NOT NULL, gender varchar(7) NOT NULL,"
                " area varchar(5) NOT NULL, line integer NOT NULL)"
            )

    def add(self, rows: list[CensusRow]) -> None:
        """Stage a few checked rows.

        On PostgreSQL they join a COPY left open until flush(): the server stores them
        while this process reads on, instead of waiting for a whole batch.
        """
        if not rows:
            return
        self.rows += len(rows)
        if self.postgres:
            # COPY's text format needs no escaping here: every value was checked (hex, ISO date,
            # integers, fixed words), so one string per call is the cheapest way to send them.
            text = "".join([f"{h}\t{b}\t{d}\t{g}\t{a}\t{line}\n" for line, h, b, d, g, a in rows])
            with connection.wrap_database_errors:
                self._copy().write(text)
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {_STAGING} (line, hash, birth_date, district_id, gender, area)"  # noqa: S608 - our table
                " VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )

    def flush(self) -> None:
        """Everything added so far is stored (the connection is free for other statements)."""
        stack, self._open = self._open, None
        if stack is not None:
            with connection.wrap_database_errors:
                stack.close()

    def _copy(self) -> Any:
        if self._open is None:
            stack = ExitStack()
            try:
                # psycopg's own cursor: Django's wrapper has no copy().
                cursor = stack.enter_context(connection.cursor()).cursor
                self._copy_stream = stack.enter_context(
                    cursor.copy(f"COPY {_STAGING} (hash, birth_date, district_id, gender, area, line) FROM STDIN")
                )
            except BaseException:
                stack.close()
                raise
            self._open = stack
        return self._copy_stream

    def prepare(self) -> bool:
        """Check the staged hashes are distinct; False when the file gives a document twice.

        A unique index is the cheapest way to learn that a million hashes are distinct
        (one sort, about half the time of a GROUP BY). It is dropped at once: with it, the
        planner walks the temporary table in index order (a random read per row through
        the few temporary buffers) instead of one sequential scan and a sort in memory.
        Building it leaves the planner the table's row count.
        """
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _roomy(cursor)
                cursor.execute(f"CREATE UNIQUE INDEX {_STAGING}_hash ON {_STAGING} (hash)")
                cursor.execute(f"DROP INDEX {_STAGING}_hash")
        except IntegrityError:
            return False
        return True

    def duplicates(self, *, page: int = 10_000) -> Iterator[tuple[int, int]]:
        """(line, first line with the same document) for every repeated document, by line."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}_dups")
            with transaction.atomic():
                _roomy(cursor)
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {_STAGING}_dups AS"  # noqa: S608 - our tables
                    f" SELECT s.line, d.first_line FROM {_STAGING} s JOIN"
                    f" (SELECT hash, min(line) AS first_line FROM {_STAGING} GROUP BY hash HAVING count(*) > 1) d"
                    " ON s.hash = d.hash WHERE s.line <> d.first_line"
                )
            after = 0
            try:
                while True:
                    # Pages by line, so even a file of nothing but duplicates is read in bounded memory.
                    cursor.execute(
                        f"SELECT line, first_line FROM {_STAGING}_dups"  # noqa: S608 - our table
                        " WHERE line > %s ORDER BY line LIMIT %s",
                        [after, page],
                    )
                    found = cursor.fetchall()
                    yield from found
                    if len(found) < page:
                        return
                    after = found[-1][0]
            finally:
                cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}_dups")

    def lock(self) -> None:
        """Keep other writers of the census out until this transaction ends; readers go on as usual.

        With no concurrent import, "not in the census yet" stays true until the insert, so
        it needs no ON CONFLICT (whose per-row speculative insertion costs a quarter of the time).
        SQLite has a single writer anyway.
        """
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE")

    def update_changed(self) -> int:
        """Correct the records the file says something else about; returns how many."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET {self.birth_date} = s.birth_date, {self.district} = s.district_id,"  # noqa: S608
                f" {self.gender} = s.gender, {self.area} = s.area FROM {_STAGING} s"
                f" WHERE {self.table}.{self.hash} = s.hash{self.as_census}"
                f" AND ({self.table}.{self.birth_date} <> s.birth_date"
                f" OR {self.table}.{self.district} <> s.district_id OR {self.table}.{self.gender} <> s.gender"
                f" OR {self.table}.{self.area} <> s.area)"
            )
            return int(cursor.rowcount)

    def insert_new(self) -> int:
        """Insert the records the census does not hold yet; returns how many.

        Hash order fills the unique index's pages one after another instead of at random.
        """
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} ({self.hash}, {self.birth_date}, {self.district}, {self.gender},"  # noqa: S608
                f" {self.area}, {self.imported_at}) SELECT s.hash, s.birth_date, s.district_id, s.gender, s.area, %s"
                f" FROM {_STAGING} s WHERE NOT EXISTS"
                f" (SELECT 1 FROM {self.table} c WHERE c.{self.hash} = s.hash{self.as_census})"
                " ORDER BY s.hash",
                [now],
            )
            return int(cursor.rowcount)

    def can_swap(self) -> bool:
        """Whether a fresh table can take the census's place: nothing but foreign keys and indexes depends on it.

        A view, a rule, a trigger or a row policy on the census would be lost or stop the swap; with
        any of them the import takes the row-by-row path instead (slower, same result).
        """
        if not self.postgres:
            return False
        with connection.cursor() as cursor:
            return not _one(
                cursor,
                "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal)"
                " OR EXISTS (SELECT 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
                "            WHERE d.refobjid = %s::regclass AND r.ev_class <> %s::regclass)"
                " OR EXISTS (SELECT 1 FROM pg_rewrite WHERE ev_class = %s::regclass)"
                " OR EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = %s::regclass)",
                [CensusRecord._meta.db_table] * 5,
            )

    def load_fresh(self) -> int:
        """First import into an EMPTY census: a fresh table, loaded bare, indexed after, swapped in.

        Inserting a million rows into the census maintains five indexes row by row and queues a
        deferred foreign-key check per row (the district); loading a bare table and building each
        index once, in one sort, costs a fraction. All of it happens in the caller's transaction:
        the fresh table is invisible to others until the commit, and a failure anywhere leaves the
        (empty) census as it was. The caller holds the census's SHARE ROW EXCLUSIVE lock, so no
        other writer fills it meanwhile; readers wait only for the swap itself (renames, and the
        foreign keys of the tables that point at the census put back: with an empty census none
        of their rows can point at a record, so those checks are short).

        The table swapped in has the old one's name, columns, identity, checks, indexes and
        constraint names (migrations refer to them), read from the catalogue rather than assumed.
        Anything else that depends on the census table makes the swap fail, so nothing is lost.
        Returns the number of records.
        """
        quote = connection.ops.quote_name
        fresh = f"{_STAGING}_fresh"
        name = CensusRecord._meta.db_table
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            # Rows this transaction wrote earlier may still owe their deferred foreign-key checks (Django's
            # keys are DEFERRABLE INITIALLY DEFERRED), and PostgreSQL refuses ALTER TABLE on a table with
            # pending trigger events: run those checks now, and defer again once the swap is done.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            oid = _one(cursor, "SELECT %s::regclass::oid", [name])
            sequence = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [name])
            # What the census table has, by name and definition, read before anything changes.
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid), con.conname, con.contype"
                " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid"
                " WHERE i.indrelid = %s ORDER BY c.relname",
                [oid],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s AND contype = 'f' ORDER BY conname",
                [oid],
            )
            own_keys = cursor.fetchall()
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE confrelid = %s AND contype = 'f' ORDER BY 1, 2",
                [oid],
            )
            pointing = cursor.fetchall()
            # Columns, defaults, identity and CHECK constraints (same names); no index yet.
            cursor.execute(
                f"CREATE TABLE {fresh} (LIKE {self.table} INCLUDING DEFAULTS INCLUDING IDENTITY"
                " INCLUDING CONSTRAINTS INCLUDING GENERATED)"
            )
            cursor.execute(
                f"INSERT INTO {fresh} ({self.hash}, {self.birth_date}, {self.district}, {self.gender},"  # noqa: S608
                f" {self.area}, {self.imported_at}) SELECT hash, birth_date, district_id, gender, area, %s"
                # In file order: sorting by hash first cost more (3.5 s a million) than the hash indexes gain.
                f" FROM {_STAGING}",
                [now],
            )
            created = int(cursor.rowcount)
            # Each index built once, under a temporary name (index names are unique per schema).
            renames: list[tuple[str, str]] = []
            attach: list[str] = []
            for number, (index, definition, constraint, kind) in enumerate(indexes):
                temporary = f"{fresh}_{number}"
                create = definition.partition(" ON ")[0].rsplit(" ", 1)[0]  # CREATE [UNIQUE] INDEX
                using = definition.partition(" ON ")[2].split(" ", 1)[1]  # USING btree (...) [WHERE ...]
                cursor.execute(f"{create} {temporary} ON {fresh} {using}")
                renames.append((temporary, index))
                if constraint is not None:
                    kind_sql = {"p": "PRIMARY KEY", "u": "UNIQUE"}[kind]
                    attach.append(
                        f"ALTER TABLE {self.table} ADD CONSTRAINT {quote(constraint)} {kind_sql}"
                        f" USING INDEX {quote(index)}"
                    )
            for key, definition in own_keys:  # the district: one join over the table, not a check per row
                cursor.execute(f"ALTER TABLE {fresh} ADD CONSTRAINT {quote(key)} {definition}")
            cursor.execute(f"ANALYZE {fresh}")
            # The swap: from here to the commit, readers of the census wait.
            cursor.execute(f"LOCK TABLE {self.table} IN ACCESS EXCLUSIVE MODE")
            if _one(cursor, f"SELECT EXISTS (SELECT 1 FROM {self.table})", []):  # noqa: S608 - our table
                raise IntegrityError("the census is not empty any more")
            for table, key, _definition in pointing:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(key)}")
            cursor.execute(f"DROP TABLE {self.table}")  # not CASCADE: anything else depending on it stops the swap
            cursor.execute(f"ALTER TABLE {fresh} RENAME TO {self.table}")
            if sequence:
                fresh_sequence = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [name])
                old_name = str(sequence).rsplit(".", 1)[-1].strip('"')
                cursor.execute(f"ALTER SEQUENCE {fresh_sequence} RENAME TO {quote(old_name)}")
            for temporary, index in renames:
                cursor.execute(f"ALTER INDEX {temporary} RENAME TO {quote(index)}")
            for statement in attach:
                cursor.execute(statement)
            for table, key, definition in pointing:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(key)} {definition}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default for the rest of the transaction
        return created

    def drop(self) -> None:
        if self._open is not None:
            # A COPY cut short by an error: ending it sends what was written, then the table goes.
            self.flush()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}")
            if self.postgres:
                cursor.execute("RESET statement_timeout")  # back to the connection's own (DB_STATEMENT_TIMEOUT)
                cursor.execute("RESET lock_timeout")


def census_import_create(*, file_name: str, started_by: User | None) -> CensusImport:
    # The language of the request that starts it: the worker that runs it writes the problems in it.
    language = translation.get_language() or settings.LANGUAGE_CODE
    census_import = CensusImport(file_name=file_name[:255], started_by=started_by, language=language)
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
    so the admin can follow it; only the writing step is a transaction. Whatever happens,
    the record does not stay "running": problems in the file end it rejected, anything
    else (the database, a bug, an interruption) ends it failed, with the reason.
    Messages are in the language of whoever started the import (the background worker has none).
    """
    with translation.override(census_import.language or settings.LANGUAGE_CODE):
        try:
            return _run(census_import, path, on_progress, on_problem)
        except BaseException:
            if census_import.status in (CensusImport.Status.PENDING, CensusImport.Status.RUNNING):
                _fail(census_import)
            raise


def _run(
    census_import: CensusImport,
    path: Path,
    on_progress: ProgressCallback | None,
    on_problem: ProblemCallback | None,
) -> CensusImport:
    _save(census_import, status=CensusImport.Status.RUNNING)
    staging: _Staging | None = None
    try:
        staging = _Staging()
        problems = _check(census_import, path, staging, on_progress, on_problem)
        if problems:
            return _reject(census_import, problems)
        _write(census_import, staging, on_progress)
    except CensusFileRefused as exc:
        census_import.problems_total = 1
        return _reject(census_import, [Problem(1, str(exc))])
    except OSError as exc:
        census_import.problems_total = 1
        return _reject(
            census_import, [Problem(0, _("the file could not be read (%(error)s)") % {"error": exc.strerror})]
        )
    except DatabaseError as exc:
        logger.exception("census import %s failed while writing", census_import.pk)
        failure = Problem(
            0, _("the import failed while writing (%(error)s); nothing was imported") % {"error": type(exc).__name__}
        )
        census_import.problems_total = 1
        return _reject(census_import, [failure])
    finally:
        if staging is not None:
            _drop(staging)
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
    """Progress while running (the writing step is inside a transaction, so it goes through the cache)."""
    live = cache.get(_progress_key(census_import.pk))
    if census_import.status == CensusImport.Status.RUNNING and live:
        return ImportProgress(*live)
    if census_import.status == CensusImport.Status.DONE:
        return ImportProgress(IMPORTING, census_import.rows_total, census_import.rows_total)
    return ImportProgress(CHECKING, census_import.rows_done, census_import.rows_total)


def census_import_progress_forget(census_import: CensusImport) -> None:
    """Drop the live progress (an import started again, or ended by the worker's sweep, begins from nothing)."""
    cache.delete(_progress_key(census_import.pk))


def _check(
    census_import: CensusImport,
    path: Path,
    staging: _Staging,
    on_progress: ProgressCallback | None,
    on_problem: ProblemCallback | None,
) -> list[Problem]:
    """Every row checked and the good ones staged; returns the problems kept for the record (by line)."""
    districts = {code: DistrictInfo(pk, area) for pk, code, area in District.objects.values_list("pk", "code", "area")}
    reader = CensusReader(path, districts=districts, today=timezone.localdate())
    census_import.encoding = reader.encoding
    kept: list[Problem] = []
    keep = _setting("CENSUS_IMPORT_PROBLEMS_KEPT", 1000)
    batch_size = _setting("CENSUS_IMPORT_BATCH_SIZE", 100_000)
    problems_total = 0

    def problem(found: Problem) -> None:
        nonlocal problems_total
        problems_total += 1
        if len(kept) < keep:
            kept.append(found)
        if on_problem is not None:
            on_problem(found)

    chunk_size = min(batch_size, 1000)
    chunk: list[CensusRow] = []
    unsaved = 0
    for row in reader.rows(problem):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            staging.add(chunk)
            unsaved += len(chunk)
            chunk = []
            if unsaved >= batch_size:
                unsaved = 0
                # Progress for the admin: the import record, on the connection the COPY was using.
                staging.flush()
                _forget_queries()
                _report(census_import, CHECKING, reader.bytes_read(), reader.size, on_progress)
                _save(census_import, rows_done=reader.lines, rows_total=reader.lines)
    staging.add(chunk)
    staging.flush()
    del chunk
    # Duplicates are found among the rows that passed every other check, as one more problem each.
    duplicates: list[Problem] = []
    for line, first_line in () if staging.prepare() else staging.duplicates():
        found = Problem(line, _("the same document as line %(line)d") % {"line": first_line})
        problems_total += 1
        if len(duplicates) < keep:
            duplicates.append(found)
        if on_problem is not None:
            on_problem(found)
    kept = sorted(kept + duplicates, key=lambda found: found.line)[:keep]
    _report(census_import, CHECKING, reader.size, reader.size, on_progress)
    census_import.problems_total = problems_total
    _save(census_import, rows_done=reader.lines, rows_total=reader.lines, encoding=reader.encoding)
    if reader.lines == 0 and not kept:
        census_import.problems_total = 1
        return [Problem(2, _("the file has a header but no rows"))]
    return kept


@transaction.atomic
def _write(census_import: CensusImport, staging: _Staging, on_progress: ProgressCallback | None) -> None:
    """Correct changed records and insert new ones, all in this transaction."""
    total = staging.rows
    _report(census_import, IMPORTING, 0, total, on_progress)
    with connection.cursor() as cursor:
        _roomy(cursor)
    staging.lock()
    # The first import into an empty census has nothing to compare with: on PostgreSQL it loads a fresh table.
    if not CensusRecord.objects.exists():
        updated = 0
        created = staging.load_fresh() if staging.can_swap() else staging.insert_new()
    else:
        updated = staging.update_changed()
        created = staging.insert_new()
    unchanged = total - created - updated
    _report(census_import, IMPORTING, total, total, on_progress)
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


def _roomy(cursor: Any) -> None:
    """PostgreSQL sorts and hashes a million staged rows in memory, not in files: for this transaction only."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the staging index's sort
        cursor.execute("SET LOCAL jit = off")  # compiling plain scans and joins costs more than it saves


def _drop(staging: _Staging) -> None:
    """The staging table goes whatever happened; a connection too broken to drop it takes it along when closed."""
    try:
        staging.drop()
    except DatabaseError:
        logger.warning("census import: the staging table could not be dropped", exc_info=True)


def _forget_queries() -> None:
    """Under DEBUG, Django logs every query: a million rows of SQL would fill the memory."""
    if settings.DEBUG:
        reset_queries()


def _one(cursor: Any, sql: str, params: list[Any]) -> Any:
    """The single value a catalogue query returns."""
    cursor.execute(sql, params)
    row = cursor.fetchone()
    return row[0] if row else None


def _column(field: object) -> str:
    column = getattr(field, "column", None)
    assert isinstance(column, str)
    return column


def _fail(census_import: CensusImport) -> None:
    """End an import that something other than its file stopped (logged with its traceback by the caller's handler)."""
    logger.error("census import %s stopped on an unexpected error", census_import.pk, exc_info=True)
    reason = _("the import stopped on an unexpected error; nothing was imported")
    try:
        _save(
            census_import,
            status=CensusImport.Status.FAILED,
            problems=[Problem(0, reason).as_dict()],
            problems_total=1,
            finished_at=timezone.now(),
        )
    except DatabaseError:
        logger.exception("census import %s: could not record its failure", census_import.pk)


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
