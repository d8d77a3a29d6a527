"""The bill's live socket (real ASGI stack): annotations, supports and versions live; catch-up after a reconnect."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.utils import timezone

from accounts.roles import MODERATOR
from legislation import services
from legislation.models import AmendmentStatus, DraftEvent, Section
from tests.factories import UserFactory, VerifiedUserFactory, legislation_draft
from tests.proposals.test_consumer import closed_with, receive_event, session_cookie

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _socket(draft_id: int, *, query: str = "", cookie: str = "") -> Any:
    from channels.testing import WebsocketCommunicator

    from decide.asgi import application

    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    path = f"/ws/legislation/{draft_id}/" + (f"?{query}" if query else "")
    return WebsocketCommunicator(application, path, headers=headers)


def test_annotations_supports_and_a_new_version_reach_readers_and_a_reconnect_catches_up() -> None:
    draft = legislation_draft(articles=8)
    article3 = Section.objects.get(draft=draft, number="3", kind="article")
    article5 = Section.objects.get(draft=draft, number="5", kind="article")
    citizen, moderator = UserFactory(display_name="Rosa"), UserFactory(roles=[MODERATOR])
    amendment = services.amendment_propose(
        author=VerifiedUserFactory(),
        section=article5,
        text="Nueva redacción del artículo cinco.",
        justification="Más claro.",
    )

    supporter = VerifiedUserFactory()

    async def scenario() -> None:
        reader = _socket(draft.pk)
        assert (await reader.connect())[0]
        try:
            await sync_to_async(services.annotation_create)(author=citizen, section=article3, body="<p>Muy bien</p>")
            event = await receive_event(reader)
            assert event["kind"] == "annotation.created"
            assert event["data"]["section"] == str(article3.key) and event["data"]["count"] == 1
            assert "Muy bien" in event["data"]["html"]["es"] and "Rosa" in event["data"]["html"]["fr"]
            seen = event["id"]
        finally:
            await reader.disconnect()

        # While this reader is away: a support, an acceptance and version 2.
        await sync_to_async(services.amendment_support_add)(amendment=amendment, user=supporter)
        await sync_to_async(services.amendment_decide)(moderator=moderator, amendment=amendment, accept=True)
        await sync_to_async(services.version_create)(moderator=moderator, draft=draft)

        back = _socket(draft.pk, query=f"last_event_id={seen}")
        assert (await back.connect())[0]
        try:
            kinds = [(await receive_event(back))["kind"] for _ in range(3)]
            assert kinds == ["amendment.supports", "amendment.decided", "version.created"]
            assert await back.receive_nothing(timeout=0.2)
        finally:
            await back.disconnect()

    async_to_sync(scenario)()
    assert DraftEvent.objects.filter(draft=draft).count() == 4
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.MERGED


def test_a_bill_not_yet_readable_closes_the_socket_with_forbidden() -> None:
    draft = legislation_draft(articles=2, phases_open=("upcoming",))
    moderator_cookie = session_cookie(UserFactory(roles=[MODERATOR]))

    async def scenario() -> None:
        anonymous = _socket(draft.pk)
        await anonymous.connect()
        assert await closed_with(anonymous) == 4403
        await anonymous.disconnect()
        staff = _socket(draft.pk, cookie=moderator_cookie)
        assert (await staff.connect())[0]
        assert await staff.receive_nothing(timeout=0.1)
        await staff.disconnect()
        missing = _socket(999999)
        await missing.connect()
        assert await closed_with(missing) == 4404
        await missing.disconnect()

    assert draft.reading_opens > timezone.now()
    async_to_sync(scenario)()
