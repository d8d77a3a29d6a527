"""Fifty simultaneous casts for one person leave one participation and one ballot (PostgreSQL, real threads)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from tests.factories import PollFactory, VerifiedUserFactory
from votes import services
from votes.models import Ballot, BallotChoice, Participation

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("english"),
]

THREADS = 50


def _race(target: object, count: int) -> list[object]:
    """Start `count` threads at the same instant; each uses (and closes) its own connection."""
    barrier = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = target(index)  # type: ignore[operator]
        except Exception as exc:  # the outcome under test, kept for the assertions
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_fifty_different_attempts_for_one_person_leave_one_ballot() -> None:
    assert connection.vendor == "postgresql"
    poll = PollFactory()
    voter = VerifiedUserFactory()
    options = list(poll.questions.get().options.all())
    tokens = [services.ballot_token_issue(poll=poll, voter=voter) for _ in range(THREADS)]

    def cast(index: int) -> object:
        code = services.ballot_token_receipt(token=tokens[index], poll=poll, voter=voter)
        return services.ballot_cast(poll=poll, voter=voter, choices=[options[index % 3]], receipt_code=code)

    outcomes = _race(cast, THREADS)
    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"Ballot": 1, "AlreadyVoted": THREADS - 1}, kinds
    assert Participation.objects.count() == 1
    assert Ballot.objects.count() == 1
    assert BallotChoice.objects.count() == 1


def test_fifty_retries_of_the_same_form_return_the_same_ballot() -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory()
    option = poll.questions.get().options.first()
    token = services.ballot_token_issue(poll=poll, voter=voter)
    code = services.ballot_token_receipt(token=token, poll=poll, voter=voter)

    outcomes = _race(
        lambda _i: services.ballot_cast(poll=poll, voter=voter, choices=[option], receipt_code=code), THREADS
    )
    assert all(isinstance(o, Ballot) for o in outcomes), Counter(type(o).__name__ for o in outcomes)
    assert len({o.pk for o in outcomes}) == 1  # type: ignore[attr-defined]
    assert Participation.objects.count() == 1
    assert Ballot.objects.count() == 1
