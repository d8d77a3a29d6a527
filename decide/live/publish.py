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
from dataclasses import asdict
from typing import Any, ClassVar, Literal, Protocol, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from decide.cache_pages import touch

logger = logging.getLogger(__name__)


class LiveEnvelope(TypedDict):
    """The channel-layer message that carries one live event to the sockets of a group.

    - `type`: always "live.event".
    - `id`: the event's id in its app's log (`ProposalEvent`, `DraftEvent`), the number a
      reconnecting viewer sends back as `last_event_id`; None for events that are not logged
      (turnout, a poll's results). Sockets drop an event they already replayed by this id,
      without decoding `text`.
    - `text`: the encoded event (`encode_event`), written to every socket as is.
    """

    type: Literal["live.event"]
    id: int | None
    text: str


class LiveEvent(Protocol):
    """A typed payload of one event kind (a frozen dataclass with a `kind` class attribute)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def kind(self) -> str: ...


def encode_event(*, event_id: int | None, kind: str, data: dict[str, Any]) -> str:
    return json.dumps({"id": event_id, "kind": kind, "data": data}, cls=DjangoJSONEncoder, separators=(",", ":"))


def encode_live_event(event: LiveEvent, *, event_id: int | None = None) -> str:
    """Encode a typed payload: its fields are the event's `data`, its `kind` the event's kind."""
    return encode_event(event_id=event_id, kind=event.kind, data=asdict(event))


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


def send_to_group_now(group: str, text: str, *, event_id: int | None = None) -> None:
    """Send pre-encoded `text` to every socket in `group` (decide.live.fanout hands it to each local socket)."""
    layer = get_channel_layer()
    if layer is None:
        return
    message: LiveEnvelope = {"type": "live.event", "id": event_id, "text": text}
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


def send_after_commit(group: str, text: str, *, event_id: int | None = None) -> None:
    """Queue `text` for `group` once the surrounding transaction commits (never on rollback).

    The group's cached anonymous pages go stale first (decide.cache_pages: the group is their
    scope), so a viewer who reloads on hearing the event sees the page with it.
    """

    def deliver() -> None:
        touch(group)
        send_to_group_now(group, text, event_id=event_id)

    transaction.on_commit(deliver)
