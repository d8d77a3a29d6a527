"""Prometheus metrics: what the processes count, and what is read from the database at scrape time.

Counted in the processes (prometheus-client; in multiprocess mode when PROMETHEUS_MULTIPROC_DIR
is set, as `make serve` does, so every gunicorn worker and uvicorn process adds to one answer):
request latency by view and status, and the WebSockets open now.

Read at scrape time (`settings.METRICS_COLLECTORS`, each app naming its own so nothing here
imports upward): the task queue's depth and the age of its oldest waiting task, the worker's
heartbeat (here), ballots cast (votes.metrics). A database count is the truth after any restart;
a counter in a process would start again from zero.

`/metrics` answers only to the addresses in METRICS_ALLOWED_ADDRESSES (addresses or networks,
as seen through the trusted proxies); anyone else gets the site's 404.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY, CollectorRegistry, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from decide.addresses import client_address
from decide.models import TaskWorkerHeartbeat

REQUEST_SECONDS = Histogram(
    "decide_http_request_duration_seconds",
    "Time Django took to answer a request, by view and status.",
    ["method", "view", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
OPEN_SOCKETS = Gauge(
    "decide_websockets_open",
    "WebSockets open now (live debates, results).",
    multiprocess_mode="livesum",
)


def observe_request(*, method: str, view: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method=method, view=view, status=str(status)).observe(seconds)


def count_open_sockets(app: Any) -> Any:
    """ASGI middleware: the gauge follows every WebSocket from its first message to its end."""

    async def asgi(scope: Any, receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await app(scope, receive, send)
        OPEN_SOCKETS.inc()
        try:
            return await app(scope, receive, send)
        finally:
            OPEN_SOCKETS.dec()

    return asgi


class TaskQueueCollector:
    """Depth of the background queue and how long its oldest ready task has waited, per queue."""

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily("decide_task_queue_depth", "Background tasks ready to run.", labels=["queue"])
        age = GaugeMetricFamily(
            "decide_task_queue_oldest_age_seconds", "Seconds the oldest ready task has waited.", labels=["queue"]
        )
        now = timezone.now()
        rows = DBTaskResult.objects.ready().values("queue_name").annotate(n=Count("id"), oldest=Min("enqueued_at"))
        for row in rows.order_by("queue_name"):
            depth.add_metric([row["queue_name"]], row["n"])
            age.add_metric([row["queue_name"]], max(0.0, (now - row["oldest"]).total_seconds()))
        yield depth
        yield age


class WorkerHeartbeatCollector:
    """Seconds since the freshest task-worker heartbeat (absent when no worker ever beat)."""

    def collect(self) -> Iterator[Metric]:
        beat = TaskWorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        family = GaugeMetricFamily(
            "decide_task_worker_heartbeat_age_seconds", "Seconds since the freshest task-worker heartbeat."
        )
        if beat is not None:
            family.add_metric([], max(0.0, (timezone.now() - beat).total_seconds()))
        yield family


def address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_ADDRESSES:
        try:
            if ip in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def _process_registry() -> CollectorRegistry:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]  # unannotated in prometheus_client
    return registry


def _scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    for path in settings.METRICS_COLLECTORS:
        registry.register(import_string(path)())
    return registry


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not address_allowed(client_address(request)):
        raise Http404
    body = generate_latest(_process_registry()) + generate_latest(_scrape_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
