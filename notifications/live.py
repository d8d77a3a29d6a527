"""The live unread badge: one group per person, told when their count changes (read-only socket)."""

from __future__ import annotations

from django.db import transaction

from decide.live.publish import encode_event, send_to_group_now

# Past this many recipients, an event moves no badges live: one message per person would cost the
# worker more than the fan-out itself; the badge is right at the next page load.
LIVE_PUSH_MAX = 1000


def badge_group(user_id: int) -> str:
    return f"notifications.user.{user_id}"


def badge_push(user_id: int, *, unread: int | None = None, new: int = 0) -> None:
    """`unread` when the sender knows the count; otherwise `new` tells the page to add to its own."""
    data: dict[str, int] = {"new": new} if unread is None else {"unread": unread}
    send_to_group_now(badge_group(user_id), encode_event(event_id=None, kind="notifications.badge", data=data))


def badge_refresh_after_commit(user_id: int) -> None:
    def push() -> None:
        from .selectors import unread_count

        badge_push(user_id, unread=unread_count(user_id))

    transaction.on_commit(push)
