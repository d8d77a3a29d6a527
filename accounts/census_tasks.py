"""The census import as a background task (django-tasks, "background" backend), not a thread of the web process.

A thread died with its web worker (a gunicorn restart, a deploy) and left the import "running"
forever; the queue's worker survives web restarts and its failures are recorded on the task.
The uploaded file is read from the scratch folder (CENSUS_WORK_DIR): on more than one host,
it must be a folder the worker can read too.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction
from django_tasks import task

from .census_import import census_import_run
from .models import CensusImport

logger = logging.getLogger(__name__)


@task(backend="background", queue_name="census")
def census_import_task(census_import_id: int, path: str) -> str:
    upload = Path(path)
    try:
        census_import = CensusImport.objects.get(pk=census_import_id)
        return str(census_import_run(census_import=census_import, path=upload).status)
    finally:
        upload.unlink(missing_ok=True)


def census_import_enqueue_after_commit(*, census_import_id: int, path: Path) -> None:
    """Queue the import once the record of it is committed; never raises into the administrator's request."""

    def enqueue() -> None:
        try:
            census_import_task.enqueue(census_import_id, str(path))
        except Exception:  # the queue is the database: when it refuses, the import stays pending and says so in the log
            logger.exception("census import %s not queued", census_import_id)
            path.unlink(missing_ok=True)

    transaction.on_commit(enqueue)
