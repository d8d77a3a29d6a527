"""Settings for the real workers of the census kill test: the database queue, a quick verdict on a dead worker."""

from __future__ import annotations

import os

from decide.settings.test import *  # noqa: F403

TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications", "census"]},
}
# The workers beat every half second (TASK_WORKER_HEARTBEAT_INTERVAL in their environment): three seconds
# without a beat is a dead worker, so the test need not wait the production minute.
TASK_WORKER_STALE_AFTER = 3
CENSUS_IMPORT_ATTEMPTS = int(os.environ.get("CENSUS_IMPORT_ATTEMPTS", "2"))
