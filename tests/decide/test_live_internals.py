"""The private asyncio and Channels internals decide.live relies on: an upgrade that changes them fails here.

`decide.live.fanout` writes to sockets without a task per write (`_resume` drives a
coroutine the way an asyncio Task does, reading `_asyncio_future_blocking`), and
`HubWebsocketConsumer.__call__` stands in for Channels' `AsyncConsumer.__call__` minus
the per-socket layer channel. Neither is public API; these tests pin what we copy.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from typing import Any

import channels
import pytest
from channels.consumer import AsyncConsumer
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import BaseChannelLayer, InMemoryChannelLayer

from decide.live import fanout
from decide.live.fanout import HubWebsocketConsumer, Outlet, _resume


def _assigned_attributes(function: Any) -> set[str]:
    return set(re.findall(r"self\.(\w+)\s*=", inspect.getsource(function)))


# --- asyncio ------------------------------------------------------------------------------


def test_an_awaited_future_is_yielded_with_the_blocking_flag_that_resume_clears() -> None:
    async def scenario() -> None:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def waits() -> int:
            return await future

        coro = waits()
        yielded = coro.send(None)
        assert yielded is future
        assert future._asyncio_future_blocking is True  # what a Task checks, and what _resume resets
        future.set_result(7)
        with pytest.raises(StopIteration) as stop:
            yielded._asyncio_future_blocking = False
            coro.send(None)
        assert stop.value.value == 7

    asyncio.run(scenario())


def test_a_bare_yield_reaches_the_driver_as_none() -> None:
    async def yields() -> None:
        await asyncio.sleep(0)

    async def scenario() -> None:
        coro = yields()
        assert coro.send(None) is None  # _resume's "waiting is None" branch
        coro.close()

    asyncio.run(scenario())


def test_resume_finishes_a_coroutine_that_suspended_on_a_future_as_a_task_would() -> None:
    async def scenario() -> list[str]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()
        seen: list[str] = []

        async def writer() -> None:
            seen.append(await future)
            await asyncio.sleep(0)
            seen.append("after")

        coro = writer()
        waiting = coro.send(None)
        loop.call_soon(future.set_result, "written")
        await _resume(coro, waiting)
        return seen

    assert asyncio.run(scenario()) == ["written", "after"]


def test_outlet_writes_without_a_task_when_the_send_does_not_suspend() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def scenario() -> None:
        outlet = Outlet(send)
        outlet.push("a")
        outlet.push("b")
        assert outlet._writer is None  # both writes completed inside push()

    asyncio.run(scenario())
    assert [m["text"] for m in sent] == ["a", "b"]


# --- Channels -------------------------------------------------------------------------------


def test_channels_major_version_is_the_one_the_consumer_copy_was_written_against() -> None:
    assert channels.__version__.split(".")[0] == "4", "re-read AsyncConsumer.__call__ and update HubWebsocketConsumer"


def test_async_consumer_call_sets_only_the_attributes_the_hub_consumer_sets_too() -> None:
    assert list(inspect.signature(AsyncConsumer.__call__).parameters) == ["self", "scope", "receive", "send"]
    upstream = _assigned_attributes(AsyncConsumer.__call__)
    assert upstream == {"scope", "channel_layer", "channel_name", "channel_receive", "base_send"}
    ours = _assigned_attributes(HubWebsocketConsumer.__call__)
    # channel_receive exists only with a layer channel, which the hub consumer deliberately has not.
    assert upstream - {"channel_receive"} <= ours


def test_dispatch_and_send_go_through_the_names_the_hub_consumer_provides() -> None:
    assert list(inspect.signature(AsyncConsumer.dispatch).parameters) == ["self", "message"]
    assert "self.base_send" in inspect.getsource(AsyncConsumer.send)
    assert list(inspect.signature(AsyncWebsocketConsumer.websocket_connect).parameters) == ["self", "message"]
    assert "StopConsumer" in inspect.getsource(AsyncWebsocketConsumer.websocket_disconnect)
    assert issubclass(StopConsumer, Exception)
    assert issubclass(HubWebsocketConsumer, AsyncWebsocketConsumer)


LAYER_CALLS = {
    "new_channel": ["self", "prefix"],  # the hub names its channels "live-hub.*"
    "group_add": ["self", "group", "channel"],
    "group_discard": ["self", "group", "channel"],
    "group_send": ["self", "group", "message"],
    "receive": ["self", "channel"],
}


def test_the_layer_methods_the_hub_and_publisher_call_keep_their_signatures() -> None:
    for name, parameters in LAYER_CALLS.items():
        assert list(inspect.signature(getattr(InMemoryChannelLayer, name)).parameters) == parameters, name
        if name != "new_channel":
            assert list(inspect.signature(getattr(BaseChannelLayer, name)).parameters) == parameters, name


def test_redis_pubsub_layer_of_production_proxies_the_same_calls_to_its_per_loop_layer() -> None:
    pubsub = pytest.importorskip("channels_redis.pubsub")
    proxy = inspect.getsource(pubsub.RedisPubSubChannelLayer.__getattr__)
    for name, parameters in LAYER_CALLS.items():
        assert f'"{name}"' in proxy, name
        method = getattr(pubsub.RedisPubSubLoopLayer, name)
        assert inspect.iscoroutinefunction(method), name
        assert list(inspect.signature(method).parameters) == parameters, name


def test_the_hub_keeps_one_per_event_loop() -> None:
    async def scenario() -> tuple[Any, Any]:
        return fanout.hub(), fanout.hub()

    first, again = asyncio.run(scenario())
    assert first is not None and first is again
