"""Project-wide views: health check and the rate-limit page."""

from __future__ import annotations

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        return "ok" if row and row[0] == 1 else "error: unexpected answer"
    except Exception as exc:  # reported, not raised: the health check must answer
        return f"error: {type(exc).__name__}"


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


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status = {"database": _database_status(), "channel_layer": _channel_layer_status()}
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
    return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception) if str(exception) else ""}, status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "403.html",
        {"message": _("Your form expired or came from another site. Please go back, reload the page and try again.")},
        status=403,
    )
