"""Every WebSocket route of the site, gathered from the apps."""

from typing import Any

from proposals.routing import websocket_urlpatterns as proposal_routes

websocket_urlpatterns: list[Any] = [*proposal_routes]
