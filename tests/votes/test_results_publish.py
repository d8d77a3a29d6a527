"""Results publication: who may publish, when, and what everyone sees before and after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from proposals.models import ProposalEvent
from tests.factories import PollFactory, UserFactory, VerifiedUserFactory
from tests.votes.helpers import closed_poll
from votes.models import Poll

pytestmark = pytest.mark.usefixtures("english")


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def admin(db: None) -> Any:
    return UserFactory(roles=["administrator"])


@pytest.mark.django_db
def test_before_the_close_nobody_sees_results_not_even_administrators(admin: Any) -> None:
    poll = PollFactory(opens_at=timezone.now() - timedelta(hours=1))
    for client in (_client(), _client(admin)):
        response = client.get(reverse("votes:results", args=[poll.pk]))
        assert response.status_code == 403
        assert "until the poll closes" in response.content.decode()
    assert _client(admin).get(reverse("votes:results_review", args=[poll.pk])).status_code == 403
    response = _client(admin).post(reverse("votes:results_publish", args=[poll.pk]))
    assert response.status_code == 403
    poll.refresh_from_db()
    assert poll.results_published_at is None


@pytest.mark.django_db
def test_after_the_close_the_public_is_told_results_are_not_yet_published(admin: Any) -> None:
    poll = closed_poll()
    response = _client().get(reverse("votes:results", args=[poll.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "not yet published" in page
    assert "Sí" not in page
    assert reverse("votes:results_review", args=[poll.pk]) not in page
    admin_page = _client(admin).get(reverse("votes:results", args=[poll.pk])).content.decode()
    assert reverse("votes:results_review", args=[poll.pk]) in admin_page


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [[], ["moderator"], ["officer"]])
def test_only_administrators_review_and_publish(roles: list[str]) -> None:
    poll = closed_poll()
    user = VerifiedUserFactory(roles=roles) if roles else VerifiedUserFactory()
    client = _client(user)
    assert client.get(reverse("votes:results_review", args=[poll.pk])).status_code == 403
    response = client.post(reverse("votes:results_publish", args=[poll.pk]))
    assert response.status_code == 403
    assert "Only administrators publish results" in response.content.decode()
    poll.refresh_from_db()
    assert poll.results_published_at is None
    assert not AuditEntry.objects.filter(action="poll.results_published").exists()


@pytest.mark.django_db
def test_anonymous_publish_is_refused(db: None) -> None:
    poll = closed_poll()
    assert _client().post(reverse("votes:results_publish", args=[poll.pk])).status_code == 403
    assert Poll.objects.get(pk=poll.pk).results_published_at is None


@pytest.mark.django_db
def test_an_administrator_reviews_then_publishes(
    admin: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "decide.live.publish.send_to_group_now", lambda group, text, **envelope: sent.append((group, text))
    )
    poll = closed_poll()
    client = _client(admin)
    review = client.get(reverse("votes:results_review", args=[poll.pk]))
    assert review.status_code == 200
    body = review.content.decode()
    assert "Publish these results" in body and "Sí" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("votes:results_publish", args=[poll.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("votes:results", args=[poll.pk])
    assert "The results are published" in response.content.decode()
    poll.refresh_from_db()
    assert poll.results_published_at is not None and poll.results_published_by == admin
    entry = AuditEntry.objects.get(action="poll.results_published")
    assert entry.actor == admin and entry.target_id == str(poll.pk)
    groups = [group for group, _text in sent]
    assert f"poll.{poll.pk}" in groups
    proposal = poll.proposals.get()
    assert f"proposal.{proposal.pk}" in groups
    assert ProposalEvent.objects.filter(proposal=proposal, kind="poll.results").exists()
    # Publishing twice is refused with a reason.
    again = client.post(reverse("votes:results_publish", args=[poll.pk]))
    assert again.status_code == 403 and "already published" in again.content.decode()


@pytest.mark.django_db
def test_the_public_results_page_shows_totals_charts_tables_and_links(db: None) -> None:
    poll = closed_poll(published=True)
    response = _client().get(reverse("votes:results", args=[poll.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "<table" in page and "<caption>" in page
    assert reverse("votes:bulletin", args=[poll.pk]) in page
    assert reverse("votes:receipt_check", args=[poll.pk]) in page
    assert reverse("votes:results_export", args=[poll.pk, "results", "csv"]) in page
    assert reverse("votes:results_export_checksum", args=[poll.pk, "statistics", "json"]) in page
    assert "style=" not in page and "<script>" not in page
    # Option "Sí": 35 online + 3 at booths; rural women (3 online voters) are suppressed.
    assert ">38<" in page
    assert "suppressed" in page


@pytest.mark.django_db
def test_unknown_poll_is_a_404(db: None) -> None:
    assert _client().get(reverse("votes:results", args=[999999])).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_poll_page_viewers_hear_live_that_results_are_out() -> None:
    import json

    from asgiref.sync import async_to_sync, sync_to_async
    from channels.testing import WebsocketCommunicator

    from decide.asgi import application
    from votes.results.publication import poll_results_publish

    poll = closed_poll()
    admin = UserFactory(roles=["administrator"])
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]

    async def scenario() -> None:
        communicator = WebsocketCommunicator(application, f"/ws/polls/{poll.pk}/", headers=headers)
        connected, _code = await communicator.connect()
        assert connected
        try:
            await sync_to_async(poll_results_publish)(poll=poll, actor=admin)
            event = json.loads(await communicator.receive_from(timeout=3))
            assert event["kind"] == "poll.results"
            assert event["data"]["url"] == reverse("votes:results", args=[poll.pk])
        finally:
            await communicator.disconnect()
        unknown = WebsocketCommunicator(application, "/ws/polls/999999/", headers=headers)
        connected, code = await unknown.connect()
        assert not connected and code == 4404
        await unknown.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db
@pytest.mark.parametrize(("extra_no_on_paper", "outcome"), [(0, "accepted"), (100, "rejected")])
def test_publishing_settles_the_proposals_in_vote(admin: Any, extra_no_on_paper: int, outcome: str) -> None:
    from votes.models import BoothTally, Option

    poll = closed_poll()
    proposal = poll.proposals.get()
    proposal.status = "in_vote"
    proposal.save(update_fields=["status"])
    if extra_no_on_paper:
        booth = poll.booths.get()
        no = Option.objects.filter(question__poll=poll).order_by("position")[1]
        # A correction adds a row; the newest tally for the option counts.
        BoothTally.objects.create(booth=booth, option=no, count=extra_no_on_paper, entered_by=admin)

    response = _client(admin).post(reverse("votes:results_publish", args=[poll.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == outcome
    assert AuditEntry.objects.filter(action__startswith="proposal.", target_id=str(proposal.pk)).exists()
