"""The census import as a background task (django-tasks, "background" backend), not a thread of the web process.

A thread died with its web worker (a gunicorn restart, a deploy) and left the import "running"
forever; the queue's worker survives web restarts and its failures are recorded on the task.
The uploaded file is read from the scratch folder (CENSUS_WORK_DIR): on more than one host,
it must be a folder the worker can read too.

A worker can still die under an import (SIGKILL after a deploy's grace period, the kernel's
out-of-memory killer, a host lost). The import wrote nothing then (the census is written in one
transaction, which dies with the connection), but its record and its task stay "running".
`census_imports_sweep`, run by every worker when it starts and every minute, finds such imports
by their task: claimed by a worker whose heartbeat (decide.models.TaskWorkerHeartbeat) stopped,
or ended without ending the import. It starts each again from the beginning, from the same
file, CENSUS_IMPORT_ATTEMPTS times in all (an import that kills its worker every time, by
memory, must not loop), then marks it failed in words the administrator can act on: upload
the file again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskContext, task, task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from decide.models import TaskWorkerHeartbeat

from .census_csv import Problem
from .census_import import census_import_progress_forget, census_import_run
from .models import CensusImport

logger = logging.getLogger(__name__)

UNFINISHED = (CensusImport.Status.PENDING, CensusImport.Status.RUNNING)
# An import with no task this long after its upload was never queued (the queue refused it, or the web
# process died between the commit and the enqueue): queued ones record their task at once.
NEVER_QUEUED_AFTER = timedelta(minutes=10)


@task(backend="background", queue_name="census", takes_context=True)
def census_import_task(context: TaskContext, census_import_id: int, path: str) -> str:
    upload = Path(path)
    # The claim: this task runs the import only if nobody else started it, and says which task it is and
    # the how-many-th start, for the sweep to read if this worker dies.
    claimed = CensusImport.objects.filter(pk=census_import_id, status=CensusImport.Status.PENDING).update(
        status=CensusImport.Status.RUNNING, task_id=str(context.task_result.id), attempts=F("attempts") + 1
    )
    census_import = CensusImport.objects.get(pk=census_import_id)
    if not claimed:
        if census_import.status not in UNFINISHED:
            upload.unlink(missing_ok=True)  # ended meanwhile (the sweep gave up on it): nobody needs the file
        return str(census_import.status)
    try:
        return str(census_import_run(census_import=census_import, path=upload).status)
    finally:
        upload.unlink(missing_ok=True)


def census_import_enqueue_after_commit(*, census_import_id: int, path: Path) -> None:
    """Queue the import once the record of it is committed; never raises into the administrator's request."""

    def enqueue() -> None:
        try:
            result = census_import_task.enqueue(census_import_id, str(path))
        except Exception:  # the queue is the database: when it refuses, the sweep ends the import and says so
            logger.exception("census import %s not queued", census_import_id)
            path.unlink(missing_ok=True)  # document numbers in clear: no task will read them
            return
        try:
            # So the sweep knows it waits in the queue; a worker that already claimed it wrote the same id.
            CensusImport.objects.filter(pk=census_import_id, task_id="").update(task_id=str(result.id))
        except Exception:  # the task records its id itself when a worker starts it
            logger.exception("census import %s: its task id was not recorded", census_import_id)

    transaction.on_commit(enqueue)


def census_imports_sweep() -> dict[str, int]:
    """Start again, or end as failed, the imports whose worker died. Idempotent, safe in several workers at once."""
    counts = {"resumed": 0, "failed": 0}
    if not isinstance(task_backends[census_import_task.backend], DatabaseBackend):
        return counts  # tasks run inline (tests, some setups): no worker to lose
    for census_import in CensusImport.objects.filter(status__in=UNFINISHED):
        try:
            outcome = _recover(census_import)
        except Exception:  # one import's trouble must not stop the sweep of the others, or the worker's clock
            logger.exception("census import %s: the sweep could not recover it", census_import.pk)
            continue
        if outcome is not None:
            counts[outcome] += 1
    return counts


def _recover(census_import: CensusImport) -> str | None:
    """ "resumed" or "failed" when the import's worker is gone, None when it is queued, running or in the foreground."""
    if not census_import.task_id:
        # Running without a task: the command line or the demo, in a process of its own that the sweep cannot see.
        if census_import.status == CensusImport.Status.RUNNING:
            return None
        if census_import.created_at > timezone.now() - NEVER_QUEUED_AFTER:
            return None
        return _end(census_import, task_result=None, reason=_never_queued_reason)
    task_result = DBTaskResult.objects.filter(pk=census_import.task_id).first()
    if task_result is not None and not _task_orphaned(task_result):
        return None
    path = _upload_path(task_result)
    attempts = int(getattr(settings, "CENSUS_IMPORT_ATTEMPTS", 2))
    if path is not None and path.exists() and census_import.attempts < attempts:
        return _resume(census_import, task_result, path)
    return _end(census_import, task_result=task_result, reason=_interrupted_reason, path=path)


def _task_orphaned(task_result: DBTaskResult[Any, Any]) -> bool:
    """Whether the task can no longer finish its import: its worker stopped beating, or it ended anyway."""
    if task_result.status == TaskResultStatus.READY:
        return False  # still waiting for a worker
    if task_result.status != TaskResultStatus.RUNNING:
        return True  # finished or failed, and yet the import is not: nothing will finish it
    if not task_result.worker_ids:
        return True
    beat = TaskWorkerHeartbeat.objects.filter(worker_id=task_result.worker_ids[-1]).first()
    if beat is None:
        return True  # the worker stopped (cleanly, or its row was cleared) without finishing the task
    stale_after = settings.TASK_WORKER_STALE_AFTER if settings.TASK_WORKER_STALE_AFTER > 0 else 60
    if beat.beat_at < timezone.now() - timedelta(seconds=stale_after):
        return True
    # A worker restarted under the same id (--worker-id) beats again, but it is not the one that claimed the task.
    return task_result.started_at is not None and beat.started_at > task_result.started_at


def _upload_path(task_result: DBTaskResult[Any, Any] | None) -> Path | None:
    """The scratch file the task was given (its second argument)."""
    if task_result is None:
        return None
    args = task_result.args_kwargs.get("args") if isinstance(task_result.args_kwargs, dict) else None
    if not isinstance(args, list) or len(args) < 2 or not isinstance(args[1], str):
        return None
    return Path(args[1])


def _claim(census_import: CensusImport) -> CensusImport | None:
    """The import locked as the sweep saw it, or None when it moved on (another sweep, or its task) meanwhile."""
    return (
        CensusImport.objects.select_for_update()
        .filter(pk=census_import.pk, status=census_import.status, task_id=census_import.task_id)
        .first()
    )


def _close_task(task_result: DBTaskResult[Any, Any] | None) -> None:
    """The dead worker's task says failed, not "running" for ever, in the queue's own record."""
    if task_result is None or task_result.status != TaskResultStatus.RUNNING:
        return
    DBTaskResult.objects.filter(pk=task_result.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="accounts.census_tasks.WorkerGone",
        traceback="The worker running this task stopped (no heartbeat); the census import sweep took it over.",
    )


def _resume(census_import: CensusImport, task_result: DBTaskResult[Any, Any] | None, path: Path) -> str | None:
    """Queue the import again from the beginning: the dead attempt wrote nothing, so nothing is repeated."""
    with transaction.atomic():
        locked = _claim(census_import)
        if locked is None:
            return None
        _close_task(task_result)
        fresh = {"status": CensusImport.Status.PENDING, "rows_done": 0, "rows_total": 0, "problems": []}
        CensusImport.objects.filter(pk=locked.pk).update(**fresh, problems_total=0, task_id="")
        # In the same transaction as the record: the import is queued again, or left as it was for the next sweep.
        result = census_import_task.enqueue(locked.pk, str(path))
        CensusImport.objects.filter(pk=locked.pk).update(task_id=str(result.id))
    census_import_progress_forget(locked)
    logger.warning("census import %s: its worker stopped; started again (start %s)", locked.pk, locked.attempts + 1)
    return "resumed"


def _interrupted_reason() -> str:
    return _("the import was interrupted: the background worker running it stopped; nothing was imported")


def _never_queued_reason() -> str:
    return _("the import never started: the background queue did not take it; nothing was imported")


def _end(
    census_import: CensusImport,
    *,
    task_result: DBTaskResult[Any, Any] | None,
    reason: Callable[[], str],
    path: Path | None = None,
) -> str | None:
    with transaction.atomic():
        locked = _claim(census_import)
        if locked is None:
            return None
        _close_task(task_result)
        with translation.override(locked.language or settings.LANGUAGE_CODE):
            problem = Problem(0, reason())
        CensusImport.objects.filter(pk=locked.pk).update(
            status=CensusImport.Status.FAILED,
            problems=[problem.as_dict()],
            problems_total=1,
            finished_at=timezone.now(),
        )
    if path is not None:
        path.unlink(missing_ok=True)  # it holds document numbers in clear: not kept once nobody will read it
    census_import_progress_forget(locked)
    logger.error("census import %s failed: %s", locked.pk, problem.reason)
    return "failed"
