"""Live events: what services push to viewers over WebSockets, always after commit.

An event is serialised once, here, and consumers forward the text as is: a
comment watched by a thousand viewers is encoded once, not a thousand times.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)


def encode_event(*, event_id: int | None, kind: str, data: dict[str, Any]) -> str:
    return json.dumps({"id": event_id, "kind": kind, "data": data}, cls=DjangoJSONEncoder, separators=(",", ":"))


def send_to_group_now(group: str, text: str) -> None:
    """Send pre-encoded `text` to every socket in `group` (consumers handle type `live.event`)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "live.event", "text": text})
    except Exception:  # a broken layer must never undo or fail a committed write
        logger.exception("live event to %s not delivered", group)


def send_after_commit(group: str, text: str) -> None:
    """Queue `text` for `group` once the surrounding transaction commits (never on rollback)."""
    transaction.on_commit(lambda: send_to_group_now(group, text))
