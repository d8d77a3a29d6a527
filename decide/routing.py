"""Every WebSocket route of the site, gathered from the apps."""

from typing import Any

websocket_urlpatterns: list[Any] = []
