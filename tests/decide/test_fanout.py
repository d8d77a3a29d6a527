"""The process hub (decide.live.fanout): one group subscription per process, every local socket served from it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator

from decide.asgi import application
from decide.live import fanout
from decide.live.publish import encode_event, send_to_group_now
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    async_to_sync(scenario)()


def socket(proposal_id: int) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    return WebsocketCommunicator(application, f"/ws/proposals/{proposal_id}/", headers=headers)


def layer_members(group: str) -> int:
    """How many layer channels this process has in `group` (the in-memory layer keeps them in `groups`)."""
    layer: Any = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        return len(layer.groups.get(group, {}))
    loop_layer = layer._get_layer()  # RedisPubSubChannelLayer: the layer of this event loop
    return len(loop_layer.groups.get(loop_layer._get_group_channel_name(group), set()))


def test_two_sockets_in_one_process_share_one_subscription_and_each_gets_the_event_once() -> None:
    proposal: Any = ProposalFactory()
    group = proposal.live_group
    text = encode_event(event_id=None, kind="proposal.supports", data={"proposal": proposal.pk, "count": 3})

    async def scenario() -> None:
        first, second = socket(proposal.pk), socket(proposal.pk)
        assert (await first.connect())[0] and (await second.connect())[0]
        try:
            hub = fanout.hub()
            assert hub is not None and len(hub.groups[group].sinks) == 2
            assert layer_members(group) == 1
            await sync_to_async(send_to_group_now)(group, text)
            for viewer in (first, second):
                assert json.loads(await viewer.receive_from(timeout=3))["data"]["count"] == 3
                assert await viewer.receive_nothing(timeout=0.2)
            await first.disconnect()
            assert len(hub.groups[group].sinks) == 1 and layer_members(group) == 1
            await sync_to_async(send_to_group_now)(group, text)
            assert json.loads(await second.receive_from(timeout=3))["data"]["count"] == 3
        finally:
            await first.disconnect()
            await second.disconnect()
        # The last socket out ends the process's membership of the group.
        assert group not in hub.groups and layer_members(group) == 0

    run(scenario)


def test_a_socket_that_cannot_keep_up_gets_its_events_in_order_without_holding_up_the_others() -> None:
    async def scenario() -> None:
        released = asyncio.Event()
        slow_got: list[str] = []
        fast_got: list[str] = []

        async def slow_send(message: dict[str, Any]) -> None:
            await released.wait()  # a full socket buffer: the write has to wait
            slow_got.append(message["text"])

        async def fast_send(message: dict[str, Any]) -> None:
            fast_got.append(message["text"])

        slow, fast = fanout.Outlet(slow_send), fanout.Outlet(fast_send)
        for text in ("a", "b", "c"):
            slow.push(text)
            fast.push(text)
        assert fast_got == ["a", "b", "c"] and slow_got == []
        released.set()
        for _ in range(20):
            await asyncio.sleep(0)
        assert slow_got == ["a", "b", "c"]
        slow.push("d")  # caught up: written at once again
        assert slow_got == ["a", "b", "c", "d"]

    run(scenario)


def test_a_socket_too_far_behind_is_closed_to_reconnect_with_catch_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanout, "BACKLOG_LIMIT", 2)

    async def scenario() -> None:
        released = asyncio.Event()
        got: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            await released.wait()
            got.append(message)

        outlet = fanout.Outlet(send)
        for text in ("a", "b", "c", "d", "e"):
            outlet.push(text)
        released.set()
        for _ in range(20):
            await asyncio.sleep(0)
        # The write under way finishes; what queued behind it is dropped for a close the client reconnects on.
        assert got == [{"type": "websocket.send", "text": "a"}, {"type": "websocket.close", "code": 1013}]

    run(scenario)


def test_live_events_arriving_while_the_log_is_read_come_after_the_replay_without_duplicate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from proposals import consumers, events

    proposal: Any = ProposalFactory()
    monkeypatch.setattr("decide.live.publish.send_to_group_now", lambda group, text, **envelope: None)
    logged = [events.publish(proposal, events.SupportsChanged(proposal=proposal.pk, count=n)) for n in range(2)]
    late = encode_event(event_id=logged[-1].pk + 100, kind="proposal.supports", data={"count": 9})
    read_log = consumers._missed_events

    async def read_while_events_arrive(proposal_id: int, after: int) -> list[tuple[int, str]]:
        hub = fanout.hub()
        assert hub is not None
        # During the read, the hub hands the socket one event it is about to replay and one it is not.
        for sink in tuple(hub.groups[proposal.live_group].sinks):
            sink(logged[-1].text, logged[-1].pk)
            sink(late, logged[-1].pk + 100)
        rows: list[tuple[int, str]] = await read_log(proposal_id, after)
        return rows

    monkeypatch.setattr(consumers, "_missed_events", read_while_events_arrive)

    async def scenario() -> None:
        ws = WebsocketCommunicator(
            application,
            f"/ws/proposals/{proposal.pk}/?last_event_id=0",
            headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
        )
        assert (await ws.connect())[0]
        try:
            ids = [json.loads(await ws.receive_from(timeout=3))["id"] for _ in range(3)]
            assert ids == [logged[0].pk, logged[1].pk, logged[-1].pk + 100]
            assert await ws.receive_nothing(timeout=0.2)
        finally:
            await ws.disconnect()

    run(scenario)
