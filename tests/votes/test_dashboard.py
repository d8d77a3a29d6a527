"""The administrators' turnout dashboard: page and socket, admin only, turnout by group and never choices."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decide.asgi import application
from tests.factories import CensusRecordFactory, DistrictFactory, PollFactory, UserFactory
from votes.events import turnout_changed
from votes.models import Participation, Poll

pytestmark = pytest.mark.usefixtures("english")


def _open_poll_with_turnout() -> Poll:
    poll = PollFactory(opens_at=timezone.now() - timedelta(hours=2))
    rural = DistrictFactory(code="139801", area="rural")
    urban = DistrictFactory(code="139802", area="urban")
    women_rural = CensusRecordFactory.create_batch(20, gender="female", district=rural)
    men_urban = CensusRecordFactory.create_batch(20, gender="male", district=urban)
    for record in [*women_rural[:2], *men_urban[:12]]:
        Participation.objects.create(
            poll=poll, census_record=record, channel="web", day=date.today(), gender=record.gender, area=record.area
        )
    return poll


@pytest.mark.django_db
def test_administrators_see_turnout_by_group_and_no_choices() -> None:
    poll = _open_poll_with_turnout()
    client = Client()
    client.force_login(UserFactory(roles=["administrator"]))
    response = client.get(reverse("votes:turnout", args=[poll.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-cell="female-rural"' in page and 'data-cell="male-urban"' in page
    assert "under-represented" in page  # 2 of 20 rural women against 12 of 20 urban men
    assert re.search(r"10[.,]0 %", page) and re.search(r"60[.,]0 %", page)
    for label in ("Sí", "Abstención"):
        assert label not in page
    assert "style=" not in page and "<script>" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [None, [], ["moderator"], ["officer"]])
def test_others_are_refused_the_dashboard(roles: list[str] | None) -> None:
    poll = _open_poll_with_turnout()
    client = Client()
    if roles is not None:
        client.force_login(UserFactory(roles=roles))
    response = client.get(reverse("votes:turnout", args=[poll.pk]))
    assert response.status_code == 403
    assert "Only administrators" in response.content.decode()


def _socket(poll_id: int, cookie: str = "") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/polls/{poll_id}/turnout/", headers=headers)


def _cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _run(scenario: Callable[[], Awaitable[None]]) -> None:
    async_to_sync(scenario)()


def _rows(message: str) -> dict[str, dict[str, Any]]:
    event = json.loads(message)
    assert event["kind"] == "poll.turnout"
    return {row["cell"]: row for row in event["data"]["rows"]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_socket_sends_turnout_to_administrators_and_updates_after_commit() -> None:
    poll = _open_poll_with_turnout()
    cookie = _cookie(UserFactory(roles=["administrator"]))
    newcomer = CensusRecordFactory(gender="female", district=DistrictFactory(code="139801", area="rural"))

    @sync_to_async
    def record_participation() -> None:
        with transaction.atomic():
            Participation.objects.create(
                poll=poll, census_record=newcomer, channel="web", day=date.today(), gender="female", area="rural"
            )
            turnout_changed(poll)

    async def scenario() -> None:
        communicator = _socket(poll.pk, cookie)
        connected, _code = await communicator.connect()
        assert connected
        try:
            first = _rows(await communicator.receive_from(timeout=3))
            assert first["female-rural"]["participants"] == 2
            assert first["female-rural"]["eligible"] == 21  # the newcomer is in the census already
            assert "Sí" not in json.dumps(first)
            await record_participation()
            update = _rows(await communicator.receive_from(timeout=3))
            assert update["female-rural"]["participants"] == 3
            assert update["all-all"]["participants"] == 15
        finally:
            await communicator.disconnect()

    _run(scenario)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("roles", [None, [], ["moderator"], ["officer"]])
def test_the_socket_refuses_everyone_else(roles: list[str] | None) -> None:
    poll = _open_poll_with_turnout()
    cookie = _cookie(UserFactory(roles=roles)) if roles is not None else ""

    async def scenario() -> None:
        communicator = _socket(poll.pk, cookie)
        connected, code = await communicator.connect()
        try:
            assert not connected and code == 4403
        finally:
            await communicator.disconnect()

    _run(scenario)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_socket_of_an_unknown_poll_is_closed() -> None:
    cookie = _cookie(UserFactory(roles=["administrator"]))

    async def scenario() -> None:
        communicator = _socket(999999, cookie)
        connected, code = await communicator.connect()
        try:
            assert not connected and code == 4404
        finally:
            await communicator.disconnect()

    _run(scenario)
