"""Project-wide views: health check, and the pages for refusals, errors and unreachable dependencies."""

from __future__ import annotations

import logging
import sys
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from redis.exceptions import RedisError

from decide.cache import DegradingRedisCache
from decide.database import database_unreachable
from decide.limits import request_too_large
from decide.models import TaskWorkerHeartbeat

logger = logging.getLogger(__name__)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        return "ok" if row and row[0] == 1 else "error: unexpected answer"
    except Exception as exc:  # reported, not raised: the health check must answer
        return f"error: {type(exc).__name__}"
    finally:
        # The check runs in a thread of its own: its connection must not outlive it.
        connection.close()


def _cache_status() -> str:
    """Write and read back a fresh key (bypassing the degrade-to-miss wrapper, which would hide the fault)."""
    token = uuid.uuid4().hex
    key = f"healthz:{token}"
    try:
        backend = caches["default"]
        if isinstance(backend, DegradingRedisCache):
            backend.ping()
        cache.set(key, token, timeout=10)
        answer = cache.get(key)
        cache.delete(key)
    except (RedisError, OSError) as exc:
        return f"error: {type(exc).__name__}"
    return "ok" if answer == token else "error: value not stored"


def _channel_layer_status() -> str:
    """Round-trip a message through the layer: send to a fresh channel and read it back."""
    layer = get_channel_layer()
    if layer is None:
        return "error: no channel layer configured"
    token = uuid.uuid4().hex

    async def round_trip() -> bool:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping", "token": token})
        message = await layer.receive(channel)
        return bool(message.get("token") == token)

    try:
        return "ok" if async_to_sync(round_trip)() else "error: message lost"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


# One check of each kind at a time: while a dependency hangs, repeated probes wait on the same
# check instead of piling up threads stuck on it.
_running: dict[str, Future[str]] = {}
_running_lock = threading.Lock()


def _bounded(name: str, check: Callable[[], str], timeout: float) -> str:
    """Run `check` in its own thread and give up on it after `timeout` seconds (a hung dependency)."""
    with _running_lock:
        future = _running.get(name)
        if future is None or future.done():
            future = Future()
            _running[name] = future
            started = future

            def run() -> None:
                try:
                    started.set_result(check())
                except BaseException as exc:  # reported through the future
                    started.set_exception(exc)

            threading.Thread(target=run, name=f"healthz-{name}", daemon=True).start()
    try:
        return future.result(timeout=timeout)
    except TimeoutError:
        return f"error: no answer within {timeout:g} s"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def _task_worker_status() -> str:
    """The freshest heartbeat of a background task worker (`manage.py db_worker`) is recent enough."""
    try:
        beat = TaskWorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    except DatabaseError as exc:
        return f"error: {type(exc).__name__}"
    finally:
        connection.close()
    if beat is None:
        return "error: no task worker has started"
    age = (timezone.now() - beat).total_seconds()
    if age > settings.TASK_WORKER_STALE_AFTER:
        return f"error: no heartbeat for {int(age)} s"
    return "ok"


def _task_worker_expected() -> bool:
    """Only a database queue needs a worker (tests and some setups run tasks inline)."""
    if settings.TASK_WORKER_STALE_AFTER <= 0:
        return False
    return any(isinstance(task_backends[alias], DatabaseBackend) for alias in settings.TASKS)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Each dependency, checked in parallel and each within HEALTH_CHECK_TIMEOUT_S: "ok" or what failed."""
    timeout = float(settings.HEALTH_CHECK_TIMEOUT_S)
    checks = {"database": _database_status, "cache": _cache_status, "channel_layer": _channel_layer_status}
    if _task_worker_expected():
        checks["task_worker"] = _task_worker_status
    answers: dict[str, Future[str]] = {name: Future() for name in checks}

    def settle(name: str, check: Callable[[], str]) -> None:
        answers[name].set_result(_bounded(name, check, timeout))

    for name, check in checks.items():
        threading.Thread(target=settle, args=(name, check), daemon=True).start()
    status = {name: answer.result() for name, answer in answers.items()}
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shown by django-ratelimit when a limit trips: a 429 with words, not a 403 or 500."""
    return render(
        request,
        "rate_limited.html",
        {"message": _("Too many attempts in a short time. Please wait a few minutes and try again.")},
        status=429,
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500; a database or cache that failed or timed out is a 503 naming it, not an error of ours."""
    failed = sys.exc_info()[1]
    if database_unreachable(failed):
        return dependency_unavailable(request, _("The database is not answering."))
    if isinstance(failed, RedisError):
        return dependency_unavailable(request, _("The cache (Redis) is not answering."))
    return render(request, "500.html", status=500)


def dependency_unavailable(request: HttpRequest, message: str) -> HttpResponse:
    """A 503 page that needs nothing but the template files: no database, no session, no site settings."""
    language = get_language() or settings.LANGUAGE_CODE
    body = render_to_string("unavailable.html", {"message": message, "LANGUAGE_CODE": language})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    return response


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception) if str(exception) else ""}, status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400; a body over its limit that a view read anyway (no Content-Length) is a 413 with words."""
    if isinstance(exception, RequestDataTooBig):  # only ever about the fields, not the files
        return request_too_large(request, int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0))
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "403.html",
        {"message": _("Your form expired or came from another site. Please go back, reload the page and try again.")},
        status=403,
    )
