"""The voting demo: an open poll on a qualified proposal, a booth, a few ballots; seeding twice changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import User
from votes import demo, permissions
from votes.models import Ballot, Booth, Participation, Poll

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_demo_poll_is_open_with_a_booth_and_ballots_and_seeding_twice_changes_nothing() -> None:
    accounts_demo.seed()
    demo.seed()

    def counts() -> tuple[int, ...]:
        return tuple(model.objects.count() for model in (Poll, Booth, Participation, Ballot))

    first = counts()
    demo.seed()
    assert counts() == first

    poll = Poll.objects.get(title=demo.POLL_TITLE)
    assert poll.is_open()
    assert Ballot.objects.filter(poll=poll).count() == demo.VOTERS
    assert Booth.objects.get(poll=poll).opened_by.email == "officer@demo.decide"
    assert [p.status for p in poll.proposals.all()] == ["in_vote"]
    # The printed demo logins can still vote.
    rosa = User.objects.get(email="rosa@demo.decide")
    assert permissions.can_cast_ballot(rosa, poll)
    assert not Participation.objects.filter(poll=poll, census_record_id=rosa.census_record_id).exists()
    client = Client()
    client.force_login(rosa)
    assert client.get(reverse("votes:ballot", args=[poll.pk])).status_code == 200
