"""The bill's live socket: read-only, one group per draft, catch-up from the draft's event log.

The debate socket's protocol exactly (proposals.consumers.ProposalDebateConsumer: `?last_event_id=N`
or `{"last_event_id": N}`, no gap and no duplicate, resync past the catch-up limit); only
the group, the permission and the log it replays from are the bill's.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from proposals.consumers import CATCHUP_LIMIT, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, RESYNC, ProposalDebateConsumer

from .models import Draft, DraftEvent
from .permissions import draft_can_view


@database_sync_to_async
def _load_draft(draft_id: int) -> Draft | None:
    return Draft.objects.filter(pk=draft_id).select_related("proposal__author").first()


@database_sync_to_async
def _may_view(user: Any, draft: Draft) -> bool:
    return draft_can_view(user, draft)


@database_sync_to_async
def _missed_events(draft_id: int, after: int) -> list[tuple[int, str]]:
    return list(
        DraftEvent.objects.filter(draft_id=draft_id, id__gt=after)
        .order_by("id")
        .values_list("id", "text")[: CATCHUP_LIMIT + 1]
    )


class DraftConsumer(ProposalDebateConsumer):
    draft_id: int = 0

    async def connect(self) -> None:
        self.replayed = set()
        self.draft_id = int(self.scope["url_route"]["kwargs"]["draft_id"])
        draft = await _load_draft(self.draft_id)
        refusal = None
        if draft is None:
            refusal = CLOSE_NOT_FOUND
        elif not await _may_view(self.scope.get("user"), draft):
            refusal = CLOSE_FORBIDDEN
        if draft is None or refusal is not None:
            await self.accept()
            await self.close(code=refusal)
            return
        self.group_name = draft.live_group
        await self.join(self.group_name)
        await self.accept()
        last = self._query_last_event_id()
        if last is not None:
            await self._replay(last)

    async def _replay(self, after: int) -> None:
        rows = await _missed_events(self.draft_id, after)
        if len(rows) > CATCHUP_LIMIT:
            self.outlet.push(RESYNC)
            return
        self.replayed.update(event_id for event_id, _text in rows)
        for _event_id, text in rows:
            self.outlet.push(text)
