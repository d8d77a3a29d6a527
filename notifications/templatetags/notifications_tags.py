from __future__ import annotations

from typing import Any

from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_unread(context: dict[str, Any]) -> int:
    """The header badge: one indexed count (partial index on unread rows) for a signed-in person."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user.pk)
