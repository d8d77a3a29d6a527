"""Issue 19, operations: one JSON line per request with its id (also in the worker's lines),
/metrics for the configured addresses only, and /healthz naming a silent task worker."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pythonjsonlogger.json import JsonFormatter

from decide.management.commands.db_worker import Heartbeat, TracedWorker
from decide.models import TaskWorkerHeartbeat
from decide.requestid import RequestIdFilter
from tests.decide import tasks_for_operations
from tests.factories import UserFactory

TRACED_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "decide.taskqueue.TracedDatabaseBackend", "QUEUES": ["default"]},
}


class JsonLines(logging.Handler):
    """The production formatter and filter, capturing what would reach stdout."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def json_log() -> Any:
    handler = JsonLines()
    loggers = [logging.getLogger("decide.request"), logging.getLogger("decide.tasks")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_each_request_writes_one_json_line_with_its_id_and_no_query_string(client: Client, json_log: JsonLines) -> None:
    response = client.get("/polls/?receipt=SECRET-CODE")
    request_id = response["X-Request-ID"]
    lines = [line for line in json_log.lines if line.get("event") == "http.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == request_id and len(request_id) == 32
    assert line["method"] == "GET" and line["path"] == "/polls/" and line["status"] == response.status_code
    assert line["view"] == "votes:list" and line["duration_ms"] >= 0
    assert "SECRET-CODE" not in json.dumps(json_log.lines)


@pytest.mark.django_db
def test_the_request_id_from_nginx_is_kept_and_a_malformed_one_replaced(client: Client) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123").headers["X-Request-ID"] == (
        "0123456789abcdef0123"
    )
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\nforged").headers["X-Request-ID"]
    assert replaced != "<script>\nforged" and len(replaced) == 32


# The worker closes stale connections between tasks, as in production: no test transaction around it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_enqueued_in_a_request_runs_in_the_worker_under_the_same_request_id(
    settings: Any, json_log: JsonLines
) -> None:
    settings.TASKS = TRACED_TASKS
    tasks_for_operations.SEEN.clear()
    from decide.requestid import request_id_bound

    with request_id_bound("req-from-a-page-0001"):
        result = tasks_for_operations.remember_request_id.enqueue("sent")
    row = DBTaskResult.objects.get(id=result.id)
    assert row.args_kwargs["request_id"] == "req-from-a-page-0001"
    assert row.args_kwargs["args"] == ["sent"]  # what the task receives is unchanged

    worker = TracedWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="background",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.run()
    assert tasks_for_operations.SEEN == ["sent:req-from-a-page-0001"]
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == "req-from-a-page-0001"
    task_lines = [line for line in json_log.lines if line.get("event", "").startswith("task.")]
    assert [line["event"] for line in task_lines] == ["task.started", "task.finished"]
    assert {line["request_id"] for line in task_lines} == {"req-from-a-page-0001"}
    assert task_lines[1]["status"] == "SUCCESSFUL"


@pytest.mark.django_db
def test_metrics_answer_configured_addresses_only(client: Client, settings: Any) -> None:
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1", "10.9.0.0/16"]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.get("/polls/")
    response = client.get("/metrics")
    assert response.status_code == 200
    body = response.content.decode()
    for name in (
        "decide_http_request_duration_seconds_bucket",
        "decide_websockets_open",
        "decide_ballots_cast",
        "decide_task_queue_depth",
        "decide_task_worker_heartbeat_age_seconds",
    ):
        assert name in body, name
    assert 'view="votes:list"' in body
    # A browser coming through the proxy is judged by its own address, not the proxy's.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.9.4.4").status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.4").get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_count_waiting_tasks_and_their_age(client: Client, settings: Any) -> None:
    settings.TASKS = TRACED_TASKS
    result = tasks_for_operations.remember_request_id.enqueue("waiting")
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=timezone.now() - timedelta(seconds=120))
    body = client.get("/metrics").content.decode()
    assert 'decide_task_queue_depth{queue="default"} 1.0' in body
    age_line = next(line for line in body.splitlines() if line.startswith("decide_task_queue_oldest_age_seconds{"))
    assert float(age_line.split()[-1]) >= 120


# The health checks run in threads of their own: they must see committed rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_healthz_names_a_task_worker_that_stopped_beating(client: Client, settings: Any) -> None:
    settings.TASKS = TRACED_TASKS
    settings.TASK_WORKER_STALE_AFTER = 60
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["task_worker"] == "error: no task worker has started"

    heartbeat = Heartbeat(worker_id="w1", interval=0.05)
    heartbeat.beat()
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["task_worker"] == "ok"

    TaskWorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=300))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["task_worker"].startswith("error: no heartbeat for 3")

    heartbeat.stop()  # a worker stopping cleanly takes its row away
    assert not TaskWorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_healthz_leaves_the_worker_out_when_tasks_run_inline(client: Client) -> None:
    assert "task_worker" not in client.get("/healthz").json()


@pytest.mark.django_db
def test_request_lines_never_name_the_user(json_log: JsonLines) -> None:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.get("/polls/")
    dumped = json.dumps(json_log.lines)
    assert user.email not in dumped and '"user' not in dumped
