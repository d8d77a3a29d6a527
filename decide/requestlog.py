"""One JSON line per request, with a request id that follows the work into the task worker.

The id comes from nginx (`X-Request-ID`, its `$request_id`, also in its access log), otherwise
it is made here. It is kept in a context
variable (decide.requestid) for the request or task being handled: every log line written
meanwhile carries it, the response returns it, and a task enqueued during the request stores
it beside its arguments (`decide.tasks.TracedDatabaseBackend`) so the worker's lines carry it too.

The line names the method, the path without its query string (receipt codes and tokens travel
in query strings and forms, never into logs), the status, the view and the duration; not the
user: request logs must never help link a voter to a ballot.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from decide import metrics
from decide.requestid import request_id_bound

logger = logging.getLogger("decide.request")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_for(request: HttpRequest) -> str:
    """nginx's id when it sent a well-formed one, else a fresh one.

    The shipped nginx always overwrites the header (a browser cannot choose its id) and the
    application servers listen on loopback only; a malformed id is replaced, never logged.
    """
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if offered and _VALID_ID.match(offered):
        return str(offered)
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Outermost middleware: binds the request id, times the request, writes its one line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        started = time.perf_counter()
        with request_id_bound(request_id):
            response = self.get_response(request)
            duration = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            view = match.view_name if match is not None and match.view_name else "unresolved"
            response[REQUEST_ID_HEADER] = request_id
            metrics.observe_request(
                method=request.method or "", view=view, status=response.status_code, seconds=duration
            )
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "event": "http.request",
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "view": view,
                    "duration_ms": round(duration * 1000, 1),
                },
            )
        return response
