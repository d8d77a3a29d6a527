"""Requests larger than Decide accepts get a 413 page with words, not a reset connection.

Django raises RequestDataTooBig only when a view reads the body, after which the server
closes a connection whose body it never read: the browser, still sending, shows "connection
reset". This middleware answers from the Content-Length before anything reads the body, and
reads (and drops) a body of reasonable size first, so the browser gets to read the page.
Behind nginx (required in production) client_max_body_size refuses most of these earlier.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from decide.middleware import refusal_response
from decide.refusals import TooLarge

_CHUNK = 64 * 1024


def request_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    refusal = TooLarge(
        _("What you sent is larger than Decide accepts (at most %(size)s). Shorten the text or send a smaller file.")
        % {"size": filesizeformat(limit)}
    )
    response = refusal_response(request, refusal)
    response["Connection"] = "close"
    return response


def body_limit(request: HttpRequest) -> int | None:
    """The most a request of this kind may carry: uploads (multipart) have their own, larger limit."""
    if request.content_type == "multipart/form-data":
        return int(settings.DECIDE_MAX_UPLOAD_BYTES)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return int(limit) if limit is not None else None


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            _drain(request, min(length, int(settings.DECIDE_DRAIN_MAX_BYTES)))
            return request_too_large(request, limit)
        return self.get_response(request)


def _drain(request: HttpRequest, size: int) -> None:
    """Read and drop up to `size` bytes of the body (bounded by the server's own timeouts)."""
    left = size
    try:
        while left > 0:
            chunk = request.read(min(_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
    except OSError:  # the client gave up: nothing to answer anyway
        return
