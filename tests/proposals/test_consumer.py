"""The live debate socket, through the real ASGI stack (origin check, session auth, routing).

Every scenario runs in one event loop (async_to_sync) and always disconnects.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from decide.asgi import application
from proposals import events
from proposals.debate import services as services
from proposals.models import ProposalEvent
from tests.factories import ProposalFactory, UserFactory
from tests.proposals.helpers import comment, moderator

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    async_to_sync(scenario)()


def session_cookie(user: Any) -> str:
    """Sign `user` in (outside the event loop) and return their session cookie for the socket."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def socket(
    proposal_id: int, *, cookie: str = "", origin: str = "http://testserver", query: str = ""
) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode()), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    path = f"/ws/proposals/{proposal_id}/" + (f"?{query}" if query else "")
    return WebsocketCommunicator(application, path, headers=headers)


async def receive_event(communicator: WebsocketCommunicator) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(await communicator.receive_from(timeout=3))
    return event


async def closed_with(communicator: WebsocketCommunicator) -> int:
    output = await communicator.receive_output(timeout=3)
    assert output["type"] == "websocket.close"
    code: int = output["code"]
    return code


def test_public_proposal_streams_a_new_comment_as_the_page_renders_it() -> None:
    proposal = ProposalFactory()
    author = UserFactory(display_name="Rosa")

    async def scenario() -> None:
        ws = socket(proposal.pk)
        connected, _ = await ws.connect()
        assert connected
        try:
            created = await sync_to_async(services.comment_create)(
                author=author, proposal=proposal, body="<p>Agua limpia</p>"
            )
            event = await receive_event(ws)
            assert event["kind"] == "comment.created" and event["data"]["comment"] == created.pk
            assert event["id"] == await sync_to_async(lambda: ProposalEvent.objects.get().pk)()
            assert "Agua limpia" in event["data"]["html"]["es"] and "Rosa" in event["data"]["html"]["es"]
            assert await ws.receive_nothing(timeout=0.2)
        finally:
            await ws.disconnect()

    run(scenario)


def test_unknown_proposal_is_closed_4404() -> None:
    async def scenario() -> None:
        ws = socket(999999)
        connected, _ = await ws.connect()
        try:
            assert connected
            assert await closed_with(ws) == 4404
        finally:
            await ws.disconnect()

    run(scenario)


def test_a_proposal_the_viewer_may_not_see_is_closed_4403_but_open_to_author_and_moderators() -> None:
    proposal = ProposalFactory(status="submitted")
    stranger = session_cookie(UserFactory())
    author = session_cookie(proposal.author)
    mod = session_cookie(moderator())

    async def scenario() -> None:
        for cookie in ("", stranger):
            ws = socket(proposal.pk, cookie=cookie)
            await ws.connect()
            try:
                assert await closed_with(ws) == 4403
            finally:
                await ws.disconnect()
        for cookie in (author, mod):
            ws = socket(proposal.pk, cookie=cookie)
            connected, _ = await ws.connect()
            try:
                assert connected
                assert await ws.receive_nothing(timeout=0.2)
            finally:
                await ws.disconnect()

    run(scenario)


def test_a_forged_origin_is_refused() -> None:
    proposal = ProposalFactory()

    async def scenario() -> None:
        ws = socket(proposal.pk, origin="https://evil.example")
        connected, _ = await ws.connect()
        try:
            assert not connected
        finally:
            await ws.disconnect()

    run(scenario)


def test_each_event_kind_reaches_the_viewer() -> None:
    c = comment()
    mod = moderator()
    reactor = UserFactory()

    def publish_all() -> None:
        services.comment_edit(author=c.author, comment=c, body="<p>Corregido</p>", stance="for")
        services.comment_react(user=reactor, comment=c, value=-1)
        services.comment_hide(moderator=mod, comment=c, reason="Fuera de tema")
        with transaction.atomic():
            c.proposal.support_count = 7
            events.support_count_changed(c.proposal)
            c.proposal.status = "qualified"
            events.status_changed(c.proposal)
        services.debate_set_locked(moderator=mod, proposal=c.proposal, locked=True, reason="Cierre")

    async def scenario() -> None:
        ws = socket(c.proposal_id)
        assert (await ws.connect())[0]
        try:
            await sync_to_async(publish_all)()
            received = [await receive_event(ws) for _ in range(6)]
            kinds = [e["kind"] for e in received]
            assert kinds == [
                "comment.edited",
                "comment.reactions",
                "comment.removed",
                "proposal.supports",
                "proposal.status",
                "debate.locked",
            ]
            assert "Corregido" in received[0]["data"]["html"]["en"]
            assert received[1]["data"] == {"comment": c.pk, "agree": 0, "disagree": 1}
            assert received[2]["data"]["reason"] == "hidden" and "Corregido" not in received[2]["data"]["html"]["en"]
            assert received[3]["data"]["count"] == 7
            assert received[4]["data"]["status"] == "qualified"
            ids = [e["id"] for e in received]
            assert ids == sorted(ids)
        finally:
            await ws.disconnect()

    run(scenario)


def _log_without_sending(count: int, proposal: Any) -> list[ProposalEvent]:
    """Events in the log whose live send a viewer missed (it was not connected)."""
    with mock.patch("decide.live.publish.send_to_group_now"):
        return [events.publish(proposal, events.SupportsChanged(proposal=proposal.pk, count=n)) for n in range(count)]


def test_reconnect_catches_up_in_order_then_goes_live_without_gap_or_duplicate() -> None:
    proposal = ProposalFactory()
    seen, missed_1, missed_2 = _log_without_sending(3, proposal)
    author = UserFactory()
    layer = get_channel_layer()

    async def scenario() -> None:
        ws = socket(proposal.pk, query=f"last_event_id={seen.pk}")
        assert (await ws.connect())[0]
        try:
            assert [(await receive_event(ws))["id"] for _ in range(2)] == [missed_1.pk, missed_2.pk]
            # The send of an event already replayed from the log arrives after our join: dropped.
            await layer.group_send(
                proposal.live_group, {"type": "live.event", "id": missed_2.pk, "text": missed_2.text}
            )
            assert await ws.receive_nothing(timeout=0.2)
            live = await sync_to_async(services.comment_create)(author=author, proposal=proposal, body="Hola")
            event = await receive_event(ws)
            assert event["kind"] == "comment.created" and event["data"]["comment"] == live.pk
            assert await ws.receive_nothing(timeout=0.2)
        finally:
            await ws.disconnect()

    run(scenario)


def test_catch_up_by_message_and_an_event_committed_late_is_not_lost() -> None:
    proposal = ProposalFactory()
    first, late, third = _log_without_sending(3, proposal)
    late_id, late_text = late.pk, late.text
    # `late` took its id before `third` but had not committed when the viewer read the log.
    late.delete()
    layer = get_channel_layer()

    async def scenario() -> None:
        ws = socket(proposal.pk)
        assert (await ws.connect())[0]
        try:
            await ws.send_to(text_data=json.dumps({"last_event_id": 0}))
            assert [(await receive_event(ws))["id"] for _ in range(2)] == [first.pk, third.pk]
            await layer.group_send(proposal.live_group, {"type": "live.event", "id": late_id, "text": late_text})
            assert (await receive_event(ws))["id"] == late_id
        finally:
            await ws.disconnect()

    run(scenario)


def test_catch_up_does_not_replay_the_words_of_a_comment_hidden_since() -> None:
    c = comment()
    mod = moderator()
    with mock.patch("decide.live.publish.send_to_group_now"):
        before = events.publish(c.proposal, events.SupportsChanged(proposal=c.proposal_id, count=0))
        services.comment_edit(author=c.author, comment=c, body="<p>Insulto</p>", stance="for")
        services.comment_hide(moderator=mod, comment=c, reason="Insultos")

    async def scenario() -> None:
        ws = socket(c.proposal_id, query=f"last_event_id={before.pk}")
        assert (await ws.connect())[0]
        try:
            event = await receive_event(ws)
            assert event["kind"] == "comment.removed" and "Insulto" not in json.dumps(event)
            assert await ws.receive_nothing(timeout=0.2)
        finally:
            await ws.disconnect()

    run(scenario)


def test_too_much_missed_asks_the_client_to_reload() -> None:
    proposal = ProposalFactory()
    _log_without_sending(3, proposal)

    async def scenario() -> None:
        with mock.patch("proposals.consumers.CATCHUP_LIMIT", 2):
            ws = socket(proposal.pk, query="last_event_id=0")
            assert (await ws.connect())[0]
            try:
                assert (await receive_event(ws))["kind"] == "debate.resync"
                assert await ws.receive_nothing(timeout=0.2)
            finally:
                await ws.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"text_data": json.dumps({"last_event_id": 0, "pad": "x" * 500})}, 1009),
        ({"text_data": "{not json"}, 4400),
        ({"text_data": json.dumps({"comment": "I write through the socket"})}, 4400),
        ({"text_data": json.dumps({"last_event_id": "12"})}, 4400),
        ({"text_data": json.dumps([1, 2])}, 4400),
        ({"bytes_data": b"\x00\x01"}, 4400),
    ],
)
def test_messages_a_read_only_socket_does_not_accept_close_it_cleanly(message: dict[str, Any], code: int) -> None:
    proposal = ProposalFactory()

    async def scenario() -> None:
        ws = socket(proposal.pk)
        assert (await ws.connect())[0]
        try:
            await ws.send_to(**message)
            assert await closed_with(ws) == code
        finally:
            await ws.disconnect()
        assert await sync_to_async(ProposalEvent.objects.count)() == 0

    run(scenario)
