"""The calendar command: proposals enter the vote when a poll opens; booths shut and ballots shuffle at the close."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from tests.factories import PollFactory, ProposalFactory, UserFactory, VerifiedUserFactory, process_page
from votes import selectors, services
from votes.models import Ballot, Participation, Poll

from .helpers import (
    close,
    options,
    vote,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def cast_ballots(poll: Poll, count: int) -> list[str]:
    codes = []
    for i in range(count):
        client = Client()
        client.force_login(VerifiedUserFactory())
        response, code = vote(client, poll, options(poll)[i % 3])
        assert response.status_code == 200 and code
        codes.append(code)
    return codes


def raw_ballot_order(poll: Poll) -> list[str]:
    """The table as someone reading the database directly would see it: no ORDER BY."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT receipt_hash FROM votes_ballot WHERE poll_id = %s", [poll.pk])
        return [row[0] for row in cursor.fetchall()]


def test_opening_puts_proposals_in_vote_and_closing_shuts_booths_once() -> None:
    process = process_page(phases_open=("vote",))
    qualified = ProposalFactory(process=process, status="qualified")
    bill = ProposalFactory(process=process, status="published", kind="institutional")
    poll = PollFactory(process=process)
    poll.proposals.set([qualified, bill])  # scheduled earlier; the clock has now passed opens_at
    call_command("close_polls")
    qualified.refresh_from_db()
    bill.refresh_from_db()
    assert qualified.status == bill.status == "in_vote"

    officer = UserFactory(roles=["officer"])
    booth = services.booth_open(poll=poll, officer=officer, name="Mesa 1")
    close(poll)  # a minute ago: booths shut at once, ballots wait for late casts to commit
    call_command("close_polls")
    booth.refresh_from_db()
    poll.refresh_from_db()
    assert booth.closed_at == poll.closes_at
    assert poll.ballots_shuffled_at is None
    Poll.objects.filter(pk=poll.pk).update(closes_at=poll.closes_at - services.SHUFFLE_GRACE)
    call_command("close_polls")
    poll.refresh_from_db()
    assert poll.ballots_shuffled_at is not None
    stamp = poll.ballots_shuffled_at
    call_command("close_polls")  # twice changes nothing
    poll.refresh_from_db()
    assert poll.ballots_shuffled_at == stamp
    assert qualified.status == "in_vote"


def test_the_clock_says_ballots_shuffled_once_and_nothing_during_the_grace_period() -> None:
    poll = PollFactory()
    close(poll)  # a minute ago: within the grace period, nothing is shuffled yet
    said = [io.StringIO() for _ in range(4)]
    call_command("close_polls", stdout=said[0])
    call_command("close_polls", stdout=said[1])
    assert said[0].getvalue() == said[1].getvalue() == ""
    Poll.objects.filter(pk=poll.pk).update(closes_at=poll.closes_at - services.SHUFFLE_GRACE)
    call_command("close_polls", stdout=said[2])
    call_command("close_polls", stdout=said[3])
    assert said[2].getvalue() == f"Poll {poll.pk}: closed (ballots shuffled).\n"
    assert said[3].getvalue() == ""


def test_shuffle_hides_the_cast_order_and_keeps_every_ballot() -> None:
    poll = PollFactory()
    codes = cast_ballots(poll, 12)
    cast_order = [selectors.receipt_hash(code) for code in codes]
    assert raw_ballot_order(poll) == cast_order  # the trace the shuffle removes
    close(poll)
    before = selectors.poll_totals(poll)
    assert services.poll_ballots_shuffle(poll=poll) == 12
    assert raw_ballot_order(poll) == sorted(cast_order)
    assert selectors.poll_totals(poll) == before
    for code in codes:
        assert selectors.receipt_check(poll=poll, code=code) is not None


def test_shuffle_refuses_an_open_poll() -> None:
    poll = PollFactory()
    cast_ballots(poll, 1)
    with pytest.raises(services.PollLocked):
        services.poll_ballots_shuffle(poll=poll)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_the_shuffle_ballots_and_participations_share_no_transaction_id() -> None:
    poll = PollFactory()
    cast_ballots(poll, 6)  # each cast commits its own transaction

    def xmins(table: str) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table} WHERE poll_id = %s", [poll.pk])  # noqa: S608 - fixed names
            return {row[0] for row in cursor.fetchall()}

    # The trace a database reader could join on: a ballot's and its participation's transaction id.
    assert len(xmins("votes_ballot")) == 6
    assert xmins("votes_ballot") == xmins("votes_participation")
    close(poll)
    services.poll_ballots_shuffle(poll=poll)
    assert len(xmins("votes_ballot")) == 1
    assert not xmins("votes_ballot") & xmins("votes_participation")
    assert Ballot.objects.filter(poll=poll).count() == Participation.objects.filter(poll=poll).count() == 6
