"""The live unread badge socket: read-only, one group per signed-in person (their own, nobody else's)."""

from __future__ import annotations

from channels.db import database_sync_to_async

from decide.live.fanout import HubWebsocketConsumer
from decide.live.publish import encode_event

from .live import badge_group
from .selectors import unread_count

CLOSE_FORBIDDEN = 4403


class NotificationBadgeConsumer(HubWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # The group is the socket owner's own: the user comes from the session, never from the URL.
        await self.join(badge_group(user.pk))
        await self.accept()
        count = await database_sync_to_async(unread_count)(user.pk)
        self.outlet.push(encode_event(event_id=None, kind="notifications.badge", data={"unread": count}))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Nothing to say to this socket: any message closes it."""
        await self.close(code=4400)
