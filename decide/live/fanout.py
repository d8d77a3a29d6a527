"""Process-local fan-out of live events: one subscription per group per process, direct writes to its sockets.

Channels' own way (every consumer in the group, one channel each) costs, per
event and per viewer: a queue hop, a decode of the layer message, a dispatch
through the consumer with a thread hop to close old database connections, and
with the Redis pub/sub layer a subscription per socket. With a thousand viewers
that was 268 µs of server CPU per delivery and seconds of backlog (bench, issue 8).

Here each server process (each event loop) holds ONE channel per group, joined
to the group in the channel layer (`decide.live.publish.send_to_group_now` still does
one `group_send` per event: one Redis PUBLISH with the pub/sub layer). When an
event arrives, the hub hands its already-encoded text to every local socket of
the group, and each socket writes it straight to the ASGI server: no task, no
queue, no dispatch per viewer unless that socket's writes are backed up.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# Called with each event's text and its id from the envelope (decide.live.publish.LiveEnvelope).
Sink = Callable[[str, int | None], None]
Send = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]

# Messages held for one socket that cannot keep up; past this it is closed and reconnects with catch-up.
BACKLOG_LIMIT = 1000
CLOSE_TRY_AGAIN = 1013


async def _resume(coro: Coroutine[Any, Any, Any], waiting: Any) -> None:
    """Run `coro` to its end after it suspended on `waiting`, as an asyncio Task would have.

    Each step waits for what the coroutine yielded (a future, or nothing for a bare
    yield), then resumes it; the future's outcome reaches the coroutine through its own
    `await`, exactly as under a Task.
    """
    while True:
        if waiting is None:
            await asyncio.sleep(0)
        else:
            waiting._asyncio_future_blocking = False
            await asyncio.wait([waiting])
        try:
            waiting = coro.send(None)
        except StopIteration:
            return


class Outlet:
    """One socket's writer: texts go out in order, written at once while the socket keeps up.

    `push` starts the ASGI send right away in the caller (the hub's reader); almost
    always the write completes without suspending, costing no task. If it has to wait
    (the socket's buffer is full), a task finishes it and later texts queue behind it, so
    one slow viewer never holds up the others.
    """

    __slots__ = ("__weakref__", "_backlog", "_closing", "_send", "_writer")

    def __init__(self, send: Send) -> None:
        self._send = send
        self._backlog: deque[str] | None = None  # not None while a write is waiting
        self._closing = False
        self._writer: asyncio.Task[None] | None = None

    def push(self, text: str) -> None:
        if self._closing:
            return
        if self._backlog is not None:
            if len(self._backlog) >= BACKLOG_LIMIT:
                self._backlog.clear()
                self._closing = True
            else:
                self._backlog.append(text)
            return
        coro = self._send({"type": "websocket.send", "text": text})
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
        except Exception:  # the socket went away; its consumer hears the disconnect on its own
            logger.debug("live write to a closed socket dropped", exc_info=True)
            return
        self._backlog = deque()
        self._writer = asyncio.ensure_future(self._finish(coro, waiting))

    async def _finish(self, coro: Coroutine[Any, Any, Any], waiting: Any) -> None:
        try:
            await _resume(coro, waiting)
            while self._backlog:
                await self._send({"type": "websocket.send", "text": self._backlog.popleft()})
            if self._closing:
                await self._send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})
        except Exception:
            logger.debug("live write to a closed socket dropped", exc_info=True)
        finally:
            self._backlog = None
            self._writer = None


class _Group:
    __slots__ = ("channel", "reader", "ready", "sinks")

    def __init__(self) -> None:
        self.sinks: set[Sink] = set()
        self.channel = ""
        self.ready: asyncio.Future[None] | None = None
        self.reader: asyncio.Task[None] | None = None


class LiveHub:
    """The sockets of this event loop by group, and the one layer channel that listens for each group."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.groups: dict[str, _Group] = {}

    async def join(self, group: str, sink: Sink) -> None:
        """Register `sink`; returns once this process hears the group (so nothing sent after is missed)."""
        entry = self.groups.get(group)
        if entry is None:
            entry = self.groups[group] = _Group()
            entry.ready = asyncio.ensure_future(self._subscribe(group, entry))
        entry.sinks.add(sink)
        assert entry.ready is not None
        try:
            # Shielded: one viewer giving up must not cancel the subscription others wait on.
            await asyncio.shield(entry.ready)
        except BaseException:
            await self.leave(group, sink)
            raise

    async def leave(self, group: str, sink: Sink) -> None:
        """Unregister `sink`; the last socket of a group out ends the process's subscription to it."""
        entry = self.groups.get(group)
        if entry is None or sink not in entry.sinks:
            return
        entry.sinks.discard(sink)
        if entry.sinks:
            return
        del self.groups[group]
        assert entry.ready is not None
        try:
            await asyncio.shield(entry.ready)
        except BaseException:
            return  # never subscribed: nothing to undo
        if entry.reader is not None:
            entry.reader.cancel()
            await asyncio.gather(entry.reader, return_exceptions=True)
        try:
            await self.layer.group_discard(group, entry.channel)
        except Exception:
            logger.exception("leaving live group %s", group)

    async def _subscribe(self, group: str, entry: _Group) -> None:
        try:
            entry.channel = await self.layer.new_channel("live-hub.")
            await self.layer.group_add(group, entry.channel)
        except BaseException:
            if self.groups.get(group) is entry:
                del self.groups[group]
            raise
        entry.reader = asyncio.ensure_future(self._read(group, entry))

    async def _read(self, group: str, entry: _Group) -> None:
        receive = self.layer.receive
        channel = entry.channel
        while True:
            try:
                message = await receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # a layer hiccup must not end live updates for the whole group
                logger.exception("live group %s: receive failed", group)
                await asyncio.sleep(0.5)
                continue
            text, event_id = message.get("text"), message.get("id")
            if message.get("type") != "live.event" or not isinstance(text, str):
                continue
            if not isinstance(event_id, int):
                event_id = None
            for sink in tuple(entry.sinks):
                try:
                    sink(text, event_id)
                except Exception:
                    logger.exception("live group %s: a socket's sink failed", group)


SERVER_SEND = "decide.server_send"


def with_server_send(app: Any) -> Any:
    """Outermost WebSocket middleware: keeps the server's own `send` in the scope for live writes.

    Channels' session middleware wraps `send` to save sessions on HTTP responses; for
    a WebSocket text frame it only inspects the session and passes the message on,
    which cost about a third of each live write (6 of 20 µs, measured). Live events
    skip it; everything else the consumer sends still goes through the whole stack.
    """

    async def asgi(scope: Any, receive: Any, send: Any) -> Any:
        return await app({**scope, SERVER_SEND: send}, receive, send)

    return asgi


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LiveHub] = weakref.WeakKeyDictionary()


def hub() -> LiveHub | None:
    """This event loop's hub (a server process runs one loop; tests run several, one after another)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        layer = get_channel_layer()
        if layer is None:
            return None
        found = _hubs[loop] = LiveHub(layer)
    return found


class HubWebsocketConsumer(AsyncWebsocketConsumer):
    """A read-only socket that hears its groups through the process hub, never through a channel of its own.

    No per-socket layer channel (with Redis pub/sub: no subscription per viewer) and no
    dispatch per live event: `join` registers `on_live`, called by the hub with each text.
    Subclasses call `await self.join(group)` in connect() (before accepting) and may
    override `deliver` to filter; leaving happens on disconnect.
    """

    outlet: Outlet
    _joined: list[tuple[LiveHub, str]]
    held: list[tuple[str, int | None]] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # As AsyncConsumer.__call__, minus the layer channel: only the client's messages are dispatched.
        self.scope = scope
        self.channel_layer = None
        self.channel_name = ""
        self.base_send = send
        self.outlet = Outlet(scope.get(SERVER_SEND, send))
        self._joined = []
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            await self.leave_all()

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        # As under Channels' one-handler-at-a-time dispatch: nothing live is written before connect() ends
        # (the accept, a snapshot, a replay), and nothing that arrived meanwhile is lost.
        await self.hold_live(super().websocket_connect(message))

    async def hold_live(self, work: Awaitable[None]) -> None:
        """Run `work` with live events held back, then deliver them in their order."""
        self.held = []
        try:
            await work
        finally:
            held, self.held = self.held, None
            for text, event_id in held:
                self.deliver(text, event_id)

    def on_live(self, text: str, event_id: int | None = None) -> None:
        """Called by the hub with each text of the socket's groups and its id from the envelope."""
        if self.held is not None:
            self.held.append((text, event_id))
        else:
            self.deliver(text, event_id)

    def deliver(self, text: str, event_id: int | None = None) -> None:
        """Write one live text (override to filter, e.g. by `event_id`); by default as is."""
        self.outlet.push(text)

    async def join(self, group: str) -> bool:
        found = hub()
        if found is None:
            return False
        await found.join(group, self.on_live)
        self._joined.append((found, group))
        return True

    async def leave_all(self) -> None:
        joined, self._joined = self._joined, []
        for found, group in joined:
            await found.leave(group, self.on_live)

    async def disconnect(self, code: int) -> None:
        await self.leave_all()
