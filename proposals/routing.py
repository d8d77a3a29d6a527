"""WebSocket routes of the proposals app (gathered in decide.routing)."""

from typing import Any

from django.urls import path

from .consumers import ProposalDebateConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/proposals/<int:proposal_id>/", ProposalDebateConsumer.as_asgi()),
]
