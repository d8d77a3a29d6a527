"""The live unread badge over the real ASGI stack: the owner's count on connect, a rise when told, nobody else's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from decide.asgi import application
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _socket(cookie: str = "") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def _event(socket: WebsocketCommunicator) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(await socket.receive_from(timeout=3))
    return event


def test_the_badge_starts_at_my_count_and_rises_when_i_am_told() -> None:
    owner, other = UserFactory(), UserFactory()
    Notification.objects.create(recipient=owner, kind=Kind.PROPOSAL_ANSWERED, key="old", params={"proposal": "A"})
    owner_cookie, other_cookie = _cookie(owner), _cookie(other)

    async def scenario() -> None:
        mine, theirs = _socket(owner_cookie), _socket(other_cookie)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        try:
            assert (await _event(mine))["data"] == {"unread": 1}
            assert (await _event(theirs))["data"] == {"unread": 0}
            await sync_to_async(notify)(
                kind=Kind.COMMENT_REPLY, recipients=[owner], key="reply:1", params={"proposal": "A", "author": "B"}
            )
            assert await _event(mine) == {"id": None, "kind": "notifications.badge", "data": {"new": 1}}
            assert await theirs.receive_nothing(timeout=0.5)
        finally:
            await mine.disconnect()
            await theirs.disconnect()

    async_to_sync(scenario)()


def test_an_anonymous_socket_is_closed() -> None:
    async def scenario() -> None:
        socket = _socket()
        await socket.connect()
        output = await socket.receive_output(timeout=3)
        assert output["type"] == "websocket.close" and output["code"] == 4403
        await socket.disconnect()

    async_to_sync(scenario)()
