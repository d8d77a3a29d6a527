"""A real worker SIGKILLed in the middle of writing the census (PostgreSQL): the census is never half written,
and the next worker's sweep starts the import again, or, after the last attempt, ends it failed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.census import document_hash
from accounts.census_import import census_import_create, census_import_file
from accounts.census_tasks import census_import_enqueue_after_commit
from accounts.models import CensusImport, CensusRecord, District
from decide.models import TaskWorkerHeartbeat

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("la_libertad")]

ROOT = Path(settings.BASE_DIR)
ROWS = 3000
INTERRUPTED = "the import was interrupted: the background worker running it stopped; nothing was imported"


@pytest.fixture(autouse=True)
def _database_queue(settings: Any) -> None:
    """This process queues the import in the database, as the web process does; the workers run it."""
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications", "census"]},
    }


def _dsn() -> str:
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def _worker(*, attempts: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.accounts.census_worker_settings",
        "DATABASE_URL": _dsn(),
        "TASK_WORKER_HEARTBEAT_INTERVAL": "0.5",
        "CENSUS_IMPORT_ATTEMPTS": str(attempts),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.1", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {timeout} s for {what}")


def _census_file(tmp_path: Path, *, first: int, birth: str = "1980-01-01") -> Path:
    path = tmp_path / "census-upload-kill.csv"
    lines = ["document_number,birth_date,district_code,gender"]
    lines += [f"{first + n},{birth},130101,{'F' if n % 2 else 'M'}" for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    return path


@contextmanager
def _held(sql: str) -> Iterator[psycopg.Connection]:
    """A lock held by another session until the block ends: the import waits on it, mid-transaction."""
    with psycopg.connect(_dsn()) as other:
        other.execute(sql)
        try:
            yield other
        finally:
            other.rollback()


def _import_waits_on_a_lock(statement: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND wait_event_type = 'Lock' AND query ILIKE %s",
            [f"%{statement}%"],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _nobody_else_in_the_census() -> bool:
    """The killed worker's session has rolled back and gone (PostgreSQL notices the closed socket)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE c.relname = %s AND l.pid <> pg_backend_pid()",
            [CensusRecord._meta.db_table],
        )
        row = cursor.fetchone()
    return bool(row and row[0] == 0)


def _kill_while_writing(census_import: CensusImport, *, lock: str, statement: str, attempts: int) -> None:
    """Run the import in a worker, stop it inside the writing transaction, SIGKILL the worker, let go."""
    with _held(lock):
        worker = _worker(attempts=attempts)
        try:
            _wait(lambda: _import_waits_on_a_lock(statement), 120, f"the import to reach {statement}")
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
    _wait(_nobody_else_in_the_census, 60, "the killed worker's session to roll back")
    census_import.refresh_from_db()
    assert census_import.status == CensusImport.Status.RUNNING  # what the administrator saw, before this fix: forever
    # The worker's heartbeat stops with it: after TASK_WORKER_STALE_AFTER (3 s here) it is a dead worker.
    _wait(
        lambda: not TaskWorkerHeartbeat.objects.filter(beat_at__gt=timezone.now() - timedelta(seconds=4)).exists(),
        30,
        "the killed worker's heartbeat to age",
    )


def _queued(path: Path) -> CensusImport:
    census_import = census_import_create(file_name="padron.csv", started_by=None)
    census_import_enqueue_after_commit(census_import_id=census_import.pk, path=path)  # autocommit: queued at once
    census_import.refresh_from_db()
    assert census_import.task_id
    return census_import


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_swap_leaves_the_census_empty_and_the_next_worker_imports_it(tmp_path: Path) -> None:
    path = _census_file(tmp_path, first=81_000_000)
    census_import = _queued(path)

    # The first import into an empty census loads a fresh table and swaps it in; the swap re-points the
    # foreign keys of the tables that refer to the census, and waits here on the accounts table.
    _kill_while_writing(
        census_import,
        lock="LOCK TABLE accounts_user IN ACCESS SHARE MODE",
        statement="ALTER TABLE",
        attempts=2,
    )

    assert not CensusRecord.objects.exists()
    with connection.cursor() as cursor:  # the census is the real table, with its keys; no fresh table left over
        cursor.execute("SELECT to_regclass('census_import_staging_fresh') IS NULL")
        assert cursor.fetchone() == (True,)
    assert path.exists()

    worker = _worker(attempts=2)
    try:
        _wait(lambda: CensusImport.objects.get(pk=census_import.pk).status == "done", 120, "the import to be done")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)

    census_import.refresh_from_db()
    assert (census_import.attempts, census_import.rows_created, census_import.problems) == (2, ROWS, [])
    assert CensusRecord.objects.count() == ROWS
    assert CensusRecord.objects.filter(document_hash=document_hash(str(81_000_000 + ROWS - 1))).exists()
    assert not path.exists()
    # The census took the fresh table's place whole: a verified account can still point at a record.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'",
            [CensusRecord._meta.db_table],
        )
        row = cursor.fetchone()
    assert row is not None and row[0] >= 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_update_on_the_last_attempt_ends_the_import_failed_and_changes_nothing(
    tmp_path: Path,
) -> None:
    district = District.objects.get(code="130101")
    census_import_file(path=_census_file(tmp_path, first=82_000_000))  # a census to correct: every birth date
    before = set(CensusRecord.objects.values_list("document_hash", "birth_date"))
    path = _census_file(tmp_path, first=82_000_000, birth="1990-05-05")
    census_import = _queued(path)
    first = CensusRecord.objects.get(document_hash=document_hash("82000000"))

    # One record locked by another session: the import's UPDATE of the census waits on it, half way.
    _kill_while_writing(
        census_import,
        lock=f"SELECT 1 FROM accounts_censusrecord WHERE id = {int(first.pk)} FOR UPDATE",  # noqa: S608 - an int
        statement="UPDATE",
        attempts=1,
    )

    worker = _worker(attempts=1)
    try:
        _wait(lambda: CensusImport.objects.get(pk=census_import.pk).status == "failed", 60, "the sweep to end it")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)

    census_import.refresh_from_db()
    assert census_import.problems == [{"line": 0, "reason": INTERRUPTED}]
    assert set(CensusRecord.objects.values_list("document_hash", "birth_date")) == before  # not one row changed
    assert not path.exists()

    # The administrator uploads the file again: it imports.
    again = census_import_file(path=_census_file(tmp_path, first=82_000_000, birth="1990-05-05"))
    assert (again.status, again.rows_updated) == ("done", ROWS)
    assert set(CensusRecord.objects.filter(district=district).values_list("birth_date", flat=True)) == {
        date(1990, 5, 5)
    }
