"""The bill's live socket: read-only, one group per draft, catch-up from the draft's event log.

The debate socket's protocol exactly (proposals.consumers.ProposalDebateConsumer: `?last_event_id=N`
or `{"last_event_id": N}`, no gap and no duplicate, resync past the catch-up limit); only
the group, the permission and the log it replays from are the bill's.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from proposals.consumers import CATCHUP_LIMIT, ProposalDebateConsumer

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
    url_kwarg = "draft_id"

    async def load_target(self, target_id: int) -> Draft | None:
        return await _load_draft(target_id)

    async def may_view(self, user: Any, target: Any) -> bool:
        return await _may_view(user, target)

    async def missed_events(self, after: int) -> list[tuple[int, str]]:
        return await _missed_events(self.target_id, after)

    def catchup(self, rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
        return rows
