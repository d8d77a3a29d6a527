"""`manage.py db_worker`: django-tasks-db's worker, plus a heartbeat and the request id of each task.

Decide's app comes before django_tasks_db in INSTALLED_APPS, so this command takes the place
of the package's under the same name and options: `make run`, `make serve`, systemd units and
the docs all start the same command. What it adds:

- a heartbeat row (decide.models.TaskWorkerHeartbeat) every few seconds from a thread, read by
  /healthz and /metrics; removed when the worker stops cleanly;
- each task runs with the id of the request that enqueued it bound (decide.requestlog), and
  writes a JSON line when it starts and ends with that id, so one grep follows a request from
  nginx to the worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as PackageWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from decide.models import TaskWorkerHeartbeat
from decide.requestid import request_id_bound
from decide.taskqueue import stored_request_id

logger = logging.getLogger("decide.tasks")

HEARTBEAT_INTERVAL_S = float(os.environ.get("TASK_WORKER_HEARTBEAT_INTERVAL", "5"))


class Heartbeat:
    """A thread that records, every few seconds, that this worker process is alive."""

    def __init__(self, *, worker_id: str, interval: float = HEARTBEAT_INTERVAL_S) -> None:
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="task-worker-heartbeat", daemon=True)

    def beat(self) -> None:
        TaskWorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "beat_at": timezone.now(),
            },
        )

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                close_old_connections()
                self.beat()
            except Exception:  # a database hiccup must not end the heartbeat; the next beat retries
                logger.warning("task worker heartbeat failed", exc_info=True)
        connection.close()

    def start(self) -> None:
        self.beat()  # at once: a worker that cannot reach the database fails at start, visibly
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout=self.interval + 1)
        try:
            TaskWorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:  # stopping anyway; a stale row only ages
            logger.warning("could not remove the heartbeat of worker %s", self.worker_id, exc_info=True)


class TracedWorker(Worker):
    """The package's worker; each task runs with its request id bound and leaves two log lines."""

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        request_id = stored_request_id(db_task_result.args_kwargs) or f"task-{db_task_result.id}"
        with request_id_bound(request_id):
            started = time.perf_counter()
            fields = {"task_id": str(db_task_result.id), "task": db_task_result.task_path}
            logger.info("task started %s", db_task_result.task_path, extra={"event": "task.started", **fields})
            try:
                super().run_task(db_task_result)
            finally:
                logger.info(
                    "task %s %s",
                    db_task_result.task_path,
                    db_task_result.status,
                    extra={
                        "event": "task.finished",
                        "status": db_task_result.status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        **fields,
                    },
                )


class Command(PackageWorkerCommand):
    help = "Run the background task worker (django-tasks-db) with a heartbeat and request ids in its logs."

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = TracedWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        heartbeat = Heartbeat(worker_id=options["worker_id"])
        heartbeat.start()
        try:
            worker.configure_signals()
            worker.run()
        finally:
            heartbeat.stop()
