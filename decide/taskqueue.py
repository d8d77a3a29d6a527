"""The background queue as Decide runs it: django-tasks-db, with the request id carried to the worker
and a heartbeat from every worker.

`TracedDatabaseBackend` stores the id of the request that enqueued a task beside the task's
arguments (`args_kwargs["request_id"]`; django-tasks reads only "args" and "kwargs", so the task
itself never sees it), and `manage.py db_worker` (decide's, which takes the place of the
package's) binds it while the task runs: the worker's log lines carry the request's id.
This module is imported when the task backends are built, before the app registry is ready:
it must not import models at the top (the worker's heartbeat lives with the command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json

from decide.requestid import current_request_id

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult


class TracedDatabaseBackend(DatabaseBackend):
    """django-tasks-db's backend, with the enqueuing request's id stored next to the arguments."""

    def _row(self, task: Any, args: Any, kwargs: Any) -> dict[str, Any]:
        return {
            "id": self._get_id(),
            "args_kwargs": normalize_json({"args": args, "kwargs": kwargs, "request_id": current_request_id()}),
            "priority": task.priority,
            "task_path": task.module_path,
            "queue_name": task.queue_name,
            "run_after": task.run_after,
            "backend_name": self.alias,
        }

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult[Any, Any]:
        # Imported here as the package does: backends are built before the app registry is ready.
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.create(**self._row(task, args, kwargs))

    async def _atask_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult[Any, Any]:
        from django_tasks_db.models import DBTaskResult

        return await DBTaskResult.objects.acreate(**self._row(task, args, kwargs))


def stored_request_id(args_kwargs: Any) -> str:
    """The request id stored with a task ("" for tasks enqueued outside a request or before tracing)."""
    if isinstance(args_kwargs, dict):
        value = args_kwargs.get("request_id")
        if isinstance(value, str):
            return value
    return ""
