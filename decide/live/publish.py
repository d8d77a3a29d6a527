"""Live events: what services push to viewers over WebSockets, always after commit.

An event is serialised once, here, and consumers forward the text as is: a
comment watched by a thousand viewers is encoded once, not a thousand times.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)


def encode_event(*, event_id: int | None, kind: str, data: dict[str, Any]) -> str:
    return json.dumps({"id": event_id, "kind": kind, "data": data}, cls=DjangoJSONEncoder, separators=(",", ":"))


# Longest a committed write waits for its live send before giving up on it (a stuck Redis).
PUBLISH_TIMEOUT_S = 5.0

_publisher_lock = threading.Lock()
_publisher: tuple[int, asyncio.AbstractEventLoop] | None = None


def _publisher_loop() -> asyncio.AbstractEventLoop:
    """One event loop thread per process for sends from sync code, started on first use.

    `async_to_sync` from a plain thread makes a new event loop per call, and the Redis
    pub/sub layer a new connection per loop: 5 ms per event instead of 0.1 (measured).
    One long-lived loop keeps one connection. Keyed by pid: a forked worker starts its own.
    """
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="decide-live-publisher", daemon=True).start()
            _publisher = (os.getpid(), loop)
        return _publisher[1]


def send_to_group_now(group: str, text: str) -> None:
    """Send pre-encoded `text` to every socket in `group` (decide.live.fanout hands it to each local socket)."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "live.event", "text": text}
    try:
        if isinstance(layer, InMemoryChannelLayer):
            # Single-process layer (development, tests): its queues belong to the caller's event loop.
            async_to_sync(layer.group_send)(group, message)
        else:
            sent = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _publisher_loop())
            try:
                sent.result(timeout=PUBLISH_TIMEOUT_S)
            except TimeoutError:
                sent.cancel()
                raise
    except Exception:  # a broken layer must never undo or fail a committed write
        logger.exception("live event to %s not delivered", group)


def send_after_commit(group: str, text: str) -> None:
    """Queue `text` for `group` once the surrounding transaction commits (never on rollback)."""
    transaction.on_commit(lambda: send_to_group_now(group, text))
