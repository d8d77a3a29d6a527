"""An import whose worker died is started again, or ended as failed, by the worker's sweep; never left "running"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts import census_tasks
from accounts.census_import import census_import_create
from accounts.census_tasks import census_import_enqueue_after_commit, census_import_task, census_imports_sweep
from accounts.models import CensusImport, CensusRecord
from decide.models import TaskWorkerHeartbeat
from notifications.management.commands import worker

pytestmark = pytest.mark.usefixtures("la_libertad")

INTERRUPTED = "the import was interrupted: the background worker running it stopped; nothing was imported"
NEVER_QUEUED = "the import never started: the background queue did not take it; nothing was imported"
WORKER = "worker-on-host-a"


@pytest.fixture(autouse=True)
def _database_queue(settings: Any) -> None:
    """The queue as production has it (tasks wait in the database for a worker), not run inline."""
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications", "census"]},
    }
    settings.TASK_WORKER_STALE_AFTER = 60


@pytest.fixture
def upload(tmp_path: Path) -> Path:
    path = tmp_path / "census-upload-1.csv"
    path.write_text("document_number,birth_date,district_code,gender\n72000001,1980-01-01,130101,F\n")
    return path


def _beat(*, worker_id: str = WORKER, age: float = 0, started_ago: float = 3600) -> None:
    now = timezone.now()
    TaskWorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": "host-a",
            "pid": 4242,
            "started_at": now - timedelta(seconds=started_ago),
            "beat_at": now - timedelta(seconds=age),
        },
    )


Running = Callable[..., tuple[CensusImport, DBTaskResult[Any, Any]]]


@pytest.fixture
def running(upload: Path) -> Running:
    """An import a worker claimed and was running (as the task leaves it), with its heartbeat."""

    def make(*, attempts: int = 1, heartbeat_age: float = 0) -> tuple[CensusImport, DBTaskResult[Any, Any]]:
        census_import = census_import_create(file_name="padron.csv", started_by=None)
        result = census_import_task.enqueue(census_import.pk, str(upload))
        task_result = DBTaskResult.objects.get(pk=result.id)
        task_result.claim(WORKER)
        _beat(age=heartbeat_age)
        CensusImport.objects.filter(pk=census_import.pk).update(
            status=CensusImport.Status.RUNNING, task_id=str(result.id), attempts=attempts, rows_done=40_000
        )
        census_import.refresh_from_db()
        return census_import, task_result

    return make


def _queued_again(census_import: CensusImport, upload: Path) -> DBTaskResult[Any, Any]:
    census_import.refresh_from_db()
    assert census_import.status == CensusImport.Status.PENDING
    queued = DBTaskResult.objects.get(pk=census_import.task_id)
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs["args"] == [census_import.pk, str(upload)]
    assert queued.task_path == census_import_task.module_path
    return queued


@pytest.mark.django_db
def test_an_import_whose_worker_stopped_beating_is_queued_again_from_the_beginning(
    running: Running, upload: Path
) -> None:
    census_import, dead_task = running(heartbeat_age=300)
    cache.set(f"census-import-progress:{census_import.pk}", ("importing", 10, 20))

    assert census_imports_sweep() == {"resumed": 1, "failed": 0}

    queued = _queued_again(census_import, upload)
    assert queued.pk != dead_task.pk
    assert (census_import.rows_done, census_import.attempts, census_import.problems) == (0, 1, [])
    assert cache.get(f"census-import-progress:{census_import.pk}") is None
    dead_task.refresh_from_db()
    assert dead_task.status == TaskResultStatus.FAILED  # the queue's own record stops saying "running"
    assert upload.exists()
    # Idempotent: the import now waits in the queue, the next sweeps leave it there.
    assert census_imports_sweep() == {"resumed": 0, "failed": 0}
    assert DBTaskResult.objects.filter(task_path=census_import_task.module_path).count() == 2


@pytest.mark.django_db
def test_the_worker_clock_runs_the_census_sweep(
    running: Running, upload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    census_import, _task = running(heartbeat_age=300)
    # The clock closes its thread's connection after each tick: here that is the test's own, inside its transaction.
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)

    worker.clock_tick()

    _queued_again(census_import, upload)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "dead_worker_sign",
    [
        pytest.param(lambda: TaskWorkerHeartbeat.objects.all().delete(), id="worker-row-gone"),
        pytest.param(lambda: _beat(started_ago=-1), id="same-worker-id-restarted-since"),
    ],
)
def test_other_signs_of_a_dead_worker(running: Running, upload: Path, dead_worker_sign: Callable[[], object]) -> None:
    census_import, _task = running()
    dead_worker_sign()

    assert census_imports_sweep()["resumed"] == 1
    _queued_again(census_import, upload)


@pytest.mark.django_db
def test_an_import_in_a_live_worker_or_waiting_in_the_queue_is_left_alone(running: Running, upload: Path) -> None:
    _live, task_result = running(heartbeat_age=5)
    waiting = census_import_create(file_name="second.csv", started_by=None)
    result = census_import_task.enqueue(waiting.pk, str(upload))
    CensusImport.objects.filter(pk=waiting.pk).update(task_id=str(result.id))
    # In the foreground (command line): no task, no worker to judge by, however long it runs.
    foreground = census_import_create(file_name="cli.csv", started_by=None)
    CensusImport.objects.filter(pk=foreground.pk).update(
        status=CensusImport.Status.RUNNING, created_at=timezone.now() - timedelta(hours=3)
    )

    assert census_imports_sweep() == {"resumed": 0, "failed": 0}

    statuses = dict(CensusImport.objects.values_list("file_name", "status"))
    assert statuses == {"padron.csv": "running", "second.csv": "pending", "cli.csv": "running"}
    task_result.refresh_from_db()
    assert task_result.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_after_the_last_attempt_the_import_fails_in_words_the_administrator_acts_on(
    running: Running, upload: Path
) -> None:
    census_import, dead_task = running(attempts=2, heartbeat_age=300)

    assert census_imports_sweep() == {"resumed": 0, "failed": 1}

    census_import.refresh_from_db()
    assert census_import.status == CensusImport.Status.FAILED
    assert census_import.finished_at is not None
    assert census_import.problems == [{"line": 0, "reason": INTERRUPTED}]
    assert not upload.exists()  # document numbers in clear are not kept for nobody
    dead_task.refresh_from_db()
    assert dead_task.status == TaskResultStatus.FAILED
    assert not CensusRecord.objects.exists()
    assert census_imports_sweep() == {"resumed": 0, "failed": 0}


@pytest.mark.django_db
def test_without_its_file_the_import_cannot_start_again_and_fails(running: Running, upload: Path) -> None:
    census_import, _task = running(heartbeat_age=300)
    upload.unlink()

    assert census_imports_sweep() == {"resumed": 0, "failed": 1}

    census_import.refresh_from_db()
    assert (census_import.status, census_import.problems) == ("failed", [{"line": 0, "reason": INTERRUPTED}])


@pytest.mark.django_db
def test_a_task_that_ended_without_ending_its_import_is_recovered(running: Running, upload: Path) -> None:
    census_import, task_result = running()
    DBTaskResult.objects.filter(pk=task_result.pk).update(status=TaskResultStatus.FAILED)

    assert census_imports_sweep()["resumed"] == 1
    _queued_again(census_import, upload)


@pytest.mark.django_db
def test_an_import_never_queued_fails_after_a_while(upload: Path) -> None:
    recent = census_import_create(file_name="recent.csv", started_by=None)
    stuck = census_import_create(file_name="stuck.csv", started_by=None)
    CensusImport.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=11))

    assert census_imports_sweep() == {"resumed": 0, "failed": 1}

    recent.refresh_from_db()
    stuck.refresh_from_db()
    assert recent.status == CensusImport.Status.PENDING
    assert (stuck.status, stuck.problems) == ("failed", [{"line": 0, "reason": NEVER_QUEUED}])


@pytest.mark.django_db
def test_the_failure_is_written_in_the_language_of_whoever_started_it(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    census_import, _task = running(attempts=2, heartbeat_age=300)
    CensusImport.objects.filter(pk=census_import.pk).update(language="es")
    monkeypatch.setattr(census_tasks, "_interrupted_reason", translation.get_language)

    census_imports_sweep()

    census_import.refresh_from_db()
    assert census_import.problems[0]["reason"] == "es"


@pytest.mark.django_db
def test_the_queued_task_is_recorded_and_claims_the_import_once(
    upload: Path, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    census_import = census_import_create(file_name="padron.csv", started_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        census_import_enqueue_after_commit(census_import_id=census_import.pk, path=upload)
    census_import.refresh_from_db()
    queued = DBTaskResult.objects.get()
    assert (census_import.status, census_import.task_id, census_import.attempts) == ("pending", str(queued.pk), 0)

    # A worker runs it (here, inline): it claims the import, counts the start, and removes the file after.
    settings.TASKS = {**settings.TASKS, "background": {**settings.TASKS["default"], "QUEUES": ["census"]}}
    result = census_import_task.enqueue(census_import.pk, str(upload))
    census_import.refresh_from_db()
    assert (census_import.status, census_import.task_id, census_import.attempts) == ("done", str(result.id), 1)
    assert CensusRecord.objects.count() == 1
    assert not upload.exists()

    # A second task for the same import (a duplicate in the queue) finds it claimed and does nothing.
    upload.write_text("stale copy")
    census_import_task.enqueue(census_import.pk, str(upload))
    census_import.refresh_from_db()
    assert (census_import.status, census_import.attempts) == ("done", 1)
    assert not upload.exists()  # the import ended: nobody needs the file


@pytest.mark.django_db
def test_a_queue_that_refuses_the_import_leaves_no_file_behind(
    upload: Path, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    census_import = census_import_create(file_name="padron.csv", started_by=None)

    def refuse(*args: object) -> None:
        raise RuntimeError("queue down")

    monkeypatch.setattr(census_tasks, "census_import_task", SimpleNamespace(enqueue=refuse))
    with django_capture_on_commit_callbacks(execute=True):
        census_import_enqueue_after_commit(census_import_id=census_import.pk, path=upload)

    assert not upload.exists()
    census_import.refresh_from_db()
    assert (census_import.status, census_import.task_id) == ("pending", "")  # the sweep ends it after a while
