"""The id of the request (or task) being handled, for every log line written meanwhile.

A context variable, bound by decide.requestlog.RequestLogMiddleware for a request and by
`manage.py db_worker` for a task (with the id of the request that enqueued it). Light on
purpose: the logging configuration imports this module before the app registry is ready.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("decide_request_id", default="")


def current_request_id() -> str:
    """The id of the request or task being handled here, or "" outside both."""
    return _request_id.get()


@contextmanager
def request_id_bound(request_id: str) -> Iterator[None]:
    """Every log line written inside carries `request_id`."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so formatters can always name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = _request_id.get()
        return True
