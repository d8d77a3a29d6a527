"""The live debate socket: read-only, one group per proposal, catch-up from the event log.

A viewer connects to `ws/proposals/<id>/`, optionally with `?last_event_id=N`
(or sends `{"last_event_id": N}`), and receives every event after N in order,
then live events as services publish them. It never writes to the database.

No gap, no duplicate: the socket joins the group *before* reading the log, so an
event committed during the read arrives live as well; live events are held while
the log is read, then those already sent from the log are dropped, by id.

Live events reach the socket through the process hub (decide.live.fanout): one group
subscription per server process, the encoded text written to each socket as is.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from decide.live.fanout import HubWebsocketConsumer
from proposals.debate.permissions import debate_can_view

from .models import Proposal, ProposalEvent

# Close codes (4000-4999 are the application's own; 1009 is the standard "message too big").
CLOSE_BAD_MESSAGE = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_BIG = 1009

MAX_MESSAGE_CHARS = 128
# More missed than this and a page load is cheaper than the replay: the client is told to reload.
CATCHUP_LIMIT = 500


def _comment_id(text: str) -> tuple[str, int | None]:
    try:
        payload = json.loads(text)
        comment = payload.get("data", {}).get("comment")
        return str(payload.get("kind", "")), comment if isinstance(comment, int) else None
    except (ValueError, AttributeError):
        return "", None


def catchup_texts(rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The missed events to replay, without the words of comments removed later in the same stretch.

    A reconnecting viewer must not receive a hidden comment's text just to delete it again.
    """
    parsed = [(event_id, text, *_comment_id(text)) for event_id, text in rows]
    removed_at: dict[int, int] = {}
    for index, (_id, _text, kind, comment) in enumerate(parsed):
        if comment is not None and kind == "comment.removed":
            removed_at[comment] = index
        elif comment is not None and kind == "comment.restored":
            removed_at.pop(comment, None)
    return [
        (event_id, text)
        for index, (event_id, text, kind, comment) in enumerate(parsed)
        if not (comment is not None and kind != "comment.removed" and index < removed_at.get(comment, -1))
    ]


@database_sync_to_async
def _load_proposal(proposal_id: int) -> Proposal | None:
    return Proposal.objects.filter(pk=proposal_id).select_related("author").first()


@database_sync_to_async
def _may_view(user: Any, proposal: Proposal) -> bool:
    return debate_can_view(user, proposal)


@database_sync_to_async
def _missed_events(proposal_id: int, after: int) -> list[tuple[int, str]]:
    return list(
        ProposalEvent.objects.filter(proposal_id=proposal_id, id__gt=after)
        .order_by("id")
        .values_list("id", "text")[: CATCHUP_LIMIT + 1]
    )


RESYNC = json.dumps({"id": None, "kind": "debate.resync", "data": {}})


class ProposalDebateConsumer(HubWebsocketConsumer):
    """The debate socket; its protocol (join, accept, replay the log, drop replays) serves any logged live target.

    A subclass for another log (a bill's text: legislation.consumers) names its URL argument and
    overrides the four hooks below; everything else is this protocol, unchanged.
    """

    url_kwarg = "proposal_id"
    group_name: str = ""
    target_id: int = 0
    # Ids read from the log that may still arrive live (sent to the group around our join).
    replayed: set[int]

    async def load_target(self, target_id: int) -> Any:
        """The object viewed (with a `live_group`), or None when there is none."""
        return await _load_proposal(target_id)

    async def may_view(self, user: Any, target: Any) -> bool:
        return await _may_view(user, target)

    async def missed_events(self, after: int) -> list[tuple[int, str]]:
        return await _missed_events(self.target_id, after)

    def catchup(self, rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """What of the missed events to send (the debate leaves out words removed since)."""
        return catchup_texts(rows)

    async def connect(self) -> None:
        self.replayed = set()
        self.target_id = int(self.scope["url_route"]["kwargs"][self.url_kwarg])
        target = await self.load_target(self.target_id)
        refusal = None
        if target is None:
            refusal = CLOSE_NOT_FOUND
        elif not await self.may_view(self.scope.get("user"), target):
            refusal = CLOSE_FORBIDDEN
        if target is None or refusal is not None:
            # Accept, then close: a refused handshake would carry no code for the client to read.
            await self.accept()
            await self.close(code=refusal)
            return
        # Join before accepting, so a client that sees the socket open is already in the group;
        # live events are held until connect() ends, never written ahead of the accept or the replay.
        self.group_name = target.live_group
        await self.join(self.group_name)
        await self.accept()
        last = self._query_last_event_id()
        if last is not None:
            await self._replay(last)

    def _query_last_event_id(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        values = query.get("last_event_id", [])
        return int(values[0]) if values and values[0].isdigit() and len(values[0]) < 19 else None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """The only message a viewer may send: `{"last_event_id": N}`. Anything else closes the socket."""
        if not self.group_name:
            return
        if bytes_data is not None or text_data is None:
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        if len(text_data) > MAX_MESSAGE_CHARS:
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        last = message.get("last_event_id") if isinstance(message, dict) and len(message) == 1 else None
        if not isinstance(last, int) or isinstance(last, bool) or not 0 <= last < 2**63:
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        await self.catch_up(last)

    async def catch_up(self, after: int) -> None:
        await self.hold_live(self._replay(after))

    async def _replay(self, after: int) -> None:
        rows = await self.missed_events(after)
        if len(rows) > CATCHUP_LIMIT:
            self.outlet.push(RESYNC)
            return
        # Every id read counts as delivered, the ones catchup() leaves out included.
        self.replayed.update(event_id for event_id, _text in rows)
        for _event_id, text in self.catchup(rows):
            self.outlet.push(text)

    def deliver(self, text: str, event_id: int | None = None) -> None:
        """Write the event as is, unless this socket already had it from the log (`event_id`: the envelope's).

        Dropping by id rather than by "id <= last sent" keeps an event whose id was taken
        before the read but whose transaction committed after it (ids are not commit order).
        """
        if event_id is not None and event_id in self.replayed:
            self.replayed.discard(event_id)
            return
        self.outlet.push(text)
