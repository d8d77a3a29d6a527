"""Issue 13 item 3: after the close and before publication, no page, download or API route shows a ballot or a total.

One predicate ("results may be seen") answers for every reader; this walks each of them as
anonymous, citizen and administrator, then publishes and checks they all open.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PollFactory, UserFactory, VerifiedUserFactory
from votes import selectors
from votes.results.publication import poll_results_publish

from .helpers import close, options, vote

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _clients() -> dict[str, Client]:
    citizen, admin = Client(), Client()
    citizen.force_login(UserFactory())
    admin.force_login(UserFactory(roles=["administrator"]))
    return {"anonymous": Client(), "citizen": citizen, "administrator": admin}


def _readers(poll_id: int) -> list[str]:
    return [
        reverse("votes:bulletin", args=[poll_id]),
        reverse("votes:results", args=[poll_id]),
        f"/polls/{poll_id}/bulletin.csv",
        f"/polls/{poll_id}/bulletin.json",
        f"/polls/{poll_id}/results.csv",
        f"/polls/{poll_id}/bulletin.json.sha256",
        f"/api/v1/results/{poll_id}",
        f"/api/v1/statistics/polls/{poll_id}",
    ]


def test_closed_unpublished_poll_shows_no_ballot_and_no_total_to_anyone() -> None:
    poll = PollFactory()
    yes = options(poll)[0]
    codes = []
    for _ in range(3):
        voter = Client()
        voter.force_login(VerifiedUserFactory())
        codes.append(vote(voter, poll, yes)[1])
    close(poll)
    hashes = [selectors.receipt_hash(code or "") for code in codes]
    for role, client in _clients().items():
        for url in _readers(poll.pk):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert response.status_code == 404, (role, url, response.status_code)
            text = body.decode()
            assert "not yet published" in text, (role, url)
            assert not any(h in text for h in hashes), (role, url)
        detail = client.get(reverse("votes:detail", args=[poll.pk])).content.decode()
        assert reverse("votes:bulletin", args=[poll.pk]) not in detail, role


def test_published_poll_opens_every_reader_to_everyone() -> None:
    poll = PollFactory()
    voter = Client()
    voter.force_login(VerifiedUserFactory())
    code = vote(voter, poll, options(poll)[0])[1]
    close(poll)
    poll_results_publish(poll=poll, actor=UserFactory(roles=["administrator"]))
    for role, client in _clients().items():
        for url in _readers(poll.pk):
            assert client.get(url).status_code == 200, (role, url)
        bulletin = client.get(reverse("votes:bulletin", args=[poll.pk])).content.decode()
        assert selectors.receipt_hash(code or "") in bulletin
        detail = client.get(reverse("votes:detail", args=[poll.pk])).content.decode()
        assert reverse("votes:bulletin", args=[poll.pk]) in detail, role
