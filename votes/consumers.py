"""Poll sockets, both read-only.

`ws/polls/<id>/turnout/`: the administrators' live turnout dashboard. Accepts
administrators only (the same predicate as the page), sends the current figures
on connect, then fresh figures whenever a participation is recorded
(`votes.events.turnout_changed`, after commit). Turnout by group, never choices.

`ws/polls/<id>/`: viewers of a poll page (anyone) join the public group
`Poll.live_group` and hear that results are out (`poll.results`, from
`votes.events.results_published`).
"""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async

from decide.live.fanout import HubWebsocketConsumer
from votes.events import turnout_text
from votes.results.permissions import can_view_turnout

from .models import Poll

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


@database_sync_to_async
def _poll_and_permission(poll_id: int, user: Any) -> tuple[Poll | None, bool]:
    poll = Poll.objects.select_related("process").filter(pk=poll_id).first()
    return poll, poll is not None and can_view_turnout(user, poll)


@database_sync_to_async
def _snapshot(poll: Poll) -> str:
    return turnout_text(poll)


class TurnoutConsumer(HubWebsocketConsumer):
    """Hears its group through the process hub (decide.live.fanout); live figures wait until the snapshot is out."""

    group: str | None = None

    async def connect(self) -> None:
        poll_id = int(self.scope["url_route"]["kwargs"]["poll_id"])
        poll, allowed = await _poll_and_permission(poll_id, self.scope.get("user"))
        if poll is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = poll.turnout_live_group
        await self.join(self.group)
        await self.accept()
        await self.send(text_data=await _snapshot(poll))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Read-only: anything a client sends is ignored (answered with a short note)."""
        await self.send(text_data=json.dumps({"kind": "error", "data": {"message": "read-only"}}))


@database_sync_to_async
def _poll(poll_id: int) -> Poll | None:
    return Poll.objects.filter(pk=poll_id).first()


class PollViewerConsumer(HubWebsocketConsumer):
    """Public and read-only: forwards the poll's public events (results published) to its page's viewers."""

    group: str | None = None

    async def connect(self) -> None:
        poll_id = int(self.scope["url_route"]["kwargs"]["poll_id"])
        poll = await _poll(poll_id)
        if poll is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = poll.live_group
        await self.join(self.group)
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.send(text_data=json.dumps({"kind": "error", "data": {"message": "read-only"}}))
