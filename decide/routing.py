"""Every WebSocket route of the site, gathered from the apps."""

from typing import Any

from django.urls import re_path

from legislation.routing import websocket_urlpatterns as legislation_routes
from notifications.routing import websocket_urlpatterns as notification_routes
from proposals.routing import websocket_urlpatterns as proposal_routes
from votes.consumers import PollViewerConsumer, TurnoutConsumer

websocket_urlpatterns: list[Any] = [
    *proposal_routes,
    *legislation_routes,
    *notification_routes,
    re_path(r"^ws/polls/(?P<poll_id>\d+)/turnout/$", TurnoutConsumer.as_asgi()),
    re_path(r"^ws/polls/(?P<poll_id>\d+)/$", PollViewerConsumer.as_asgi()),
]
