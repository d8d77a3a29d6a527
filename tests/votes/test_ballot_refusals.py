"""Bad input at the ballot: a clear message, a 4xx, and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import DistrictFactory, PollFactory, UserFactory, VerifiedUserFactory
from votes.models import Ballot, BallotChoice, Participation, Poll
from votes.services import BALLOT_TOKEN_SALT, ballot_token_issue

from .helpers import (
    confirm,
    options,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _nothing_written() -> Iterator[None]:
    yield
    assert Participation.objects.count() == 0
    assert Ballot.objects.count() == 0
    assert BallotChoice.objects.count() == 0


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ballot_data(poll: Poll, voter: User, option_index: int = 0) -> dict[str, str]:
    option = options(poll)[option_index]
    return {"token": ballot_token_issue(poll=poll, voter=voter), f"q{option.question_id}": str(option.pk)}


def assert_refused(response: object, status: int, words: str) -> None:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    assert words in response.content.decode()  # type: ignore[attr-defined]


def test_tampered_token_is_refused() -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory()
    data = ballot_data(poll, voter)
    data["token"] = data["token"][:-2] + ("AA" if not data["token"].endswith("AA") else "BB")
    assert_refused(confirm(login(voter), poll, data), 400, "altered")


def test_token_of_another_voter_or_poll_is_refused() -> None:
    poll, other_poll = PollFactory(), PollFactory()
    voter, someone_else = VerifiedUserFactory(), VerifiedUserFactory()
    data = ballot_data(poll, someone_else)
    assert_refused(confirm(login(voter), poll, data), 400, "not issued to you")
    moved = ballot_data(poll, voter)
    moved["token"] = ballot_token_issue(poll=other_poll, voter=voter)
    assert_refused(confirm(login(voter), poll, moved), 400, "not issued to you")


def test_forged_token_with_our_shape_but_not_our_key_is_refused() -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory()
    data = ballot_data(poll, voter)
    data["token"] = signing.dumps(
        {"p": poll.pk, "u": voter.pk, "r": "AAAA-AAAA-AAAA-AAAA-AAAA"}, key="guessed", salt=BALLOT_TOKEN_SALT
    )
    assert_refused(confirm(login(voter), poll, data), 400, "altered")


def test_option_from_another_poll_is_refused() -> None:
    poll, other_poll = PollFactory(), PollFactory()
    voter = VerifiedUserFactory()
    data = ballot_data(poll, voter)
    question_field = next(k for k in data if k.startswith("q"))
    data[question_field] = str(options(other_poll)[0].pk)
    client = login(voter)
    assert client.post(reverse("votes:ballot", args=[poll.pk]), data).status_code == 400
    assert_refused(confirm(client, poll, data), 400, "altered or is incomplete")


def test_unanswered_question_is_refused() -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory()
    data = {"token": ballot_token_issue(poll=poll, voter=voter)}
    client = login(voter)
    assert_refused(client.post(reverse("votes:ballot", args=[poll.pk]), data), 400, "Choose an option")
    assert confirm(client, poll, data).status_code == 400


def test_before_opening_is_refused() -> None:
    poll = PollFactory(opens_at=timezone.now() + timedelta(hours=2))
    voter = VerifiedUserFactory()
    data = ballot_data(poll, voter)
    client = login(voter)
    assert_refused(client.get(reverse("votes:ballot", args=[poll.pk])), 403, "not opened yet")
    assert_refused(confirm(client, poll, data), 403, "not opened yet")


def test_after_closing_is_refused() -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory()
    data = ballot_data(poll, voter)
    Poll.objects.filter(pk=poll.pk).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() - timedelta(seconds=1)
    )
    client = login(voter)
    assert_refused(client.get(reverse("votes:ballot", args=[poll.pk])), 403, "closed")
    assert_refused(confirm(client, poll, data), 403, "closed")


def test_unverified_citizen_is_refused() -> None:
    poll = PollFactory()
    citizen = UserFactory()
    client = login(citizen)
    assert_refused(client.get(reverse("votes:ballot", args=[poll.pk])), 403, "Only verified citizens")
    assert_refused(confirm(client, poll, ballot_data(poll, citizen)), 403, "Only verified citizens")


def test_anonymous_visitor_is_sent_to_sign_in() -> None:
    poll = PollFactory()
    response = Client().post(reverse("votes:ballot_confirm", args=[poll.pk]), {})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_out_of_scope_citizen_is_refused() -> None:
    voter = VerifiedUserFactory()
    elsewhere = DistrictFactory()
    assert elsewhere.pk != voter.census_record.district_id
    poll = PollFactory(scope_district=elsewhere)
    client = login(voter)
    assert_refused(client.get(reverse("votes:ballot", args=[poll.pk])), 403, "outside the area")
    assert_refused(confirm(client, poll, ballot_data(poll, voter)), 403, "outside the area")
    province_poll = PollFactory(scope_province=elsewhere.province)
    if elsewhere.province_id != voter.census_record.district.province_id:
        assert_refused(confirm(client, province_poll, ballot_data(province_poll, voter)), 403, "outside the area")


def test_booth_only_poll_refuses_web_ballots() -> None:
    poll = PollFactory(allow_web=False)
    voter = VerifiedUserFactory()
    assert_refused(confirm(login(voter), poll, ballot_data(poll, voter)), 403, "booths only")


def test_blocked_account_is_refused() -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory(blocked_at=timezone.now())
    assert_refused(confirm(login(voter), poll, ballot_data(poll, voter)), 403, "blocked")


def test_casting_is_rate_limited(rate_window: None) -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory()
    client = login(voter)
    statuses = [confirm(client, poll, {"token": "bad"}).status_code for _ in range(12)]
    assert statuses[0] == 400
    assert statuses[-1] == 429
