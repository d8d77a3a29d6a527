"""WebSocket routes of notifications (gathered in decide.routing)."""

from typing import Any

from django.urls import path

from .consumers import NotificationBadgeConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/notifications/", NotificationBadgeConsumer.as_asgi()),
]
