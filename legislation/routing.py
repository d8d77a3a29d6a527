"""WebSocket routes of the legislation app (gathered in decide.routing)."""

from typing import Any

from django.urls import path

from .consumers import DraftConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/legislation/<int:draft_id>/", DraftConsumer.as_asgi()),
]
