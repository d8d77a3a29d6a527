"""A settled poll's results and turnout are counted once; a poll still open, or just closed, is counted every time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.votes.helpers import closed_poll
from votes.models import BallotChoice, Participation, Poll
from votes.results import stats

pytestmark = pytest.mark.django_db


def _reads(table: str, fn: object, poll: Poll) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        value = fn(poll)  # type: ignore[operator]
    return value, sum(1 for q in captured.captured_queries if table in q["sql"])


def test_a_settled_poll_is_counted_once_and_gives_the_same_figures() -> None:
    poll = closed_poll()  # closed an hour ago
    first, ballot_reads = _reads("votes_ballotchoice", stats.poll_results_breakdown, poll)
    assert ballot_reads == 1
    again, ballot_reads = _reads("votes_ballotchoice", stats.poll_results_breakdown, poll)
    assert ballot_reads == 0 and again == first
    assert sum(row["web"] for row in first.values()) == BallotChoice.objects.filter(poll=poll).count()

    turnout, participation_reads = _reads("votes_participation", stats.poll_turnout_counts, poll)
    assert participation_reads == 1 and sum(turnout.values()) == Participation.objects.filter(poll=poll).count()
    _, participation_reads = _reads("votes_participation", stats.poll_turnout_counts, poll)
    assert participation_reads == 0
    # Callers may change what they get without touching what is kept.
    turnout[("female", "rural")] = -1
    assert stats.poll_turnout_counts(poll)[("female", "rural")] >= 0


def test_a_poll_just_closed_or_moved_is_counted_again() -> None:
    poll = closed_poll()
    stats.poll_results_breakdown(poll)
    # A close moved to a minute ago: casts that passed the open check may still be committing.
    now = timezone.now()
    Poll.objects.filter(pk=poll.pk).update(closes_at=now - timedelta(minutes=1))
    poll.refresh_from_db()
    for _ in range(2):
        _, ballot_reads = _reads("votes_ballotchoice", stats.poll_results_breakdown, poll)
        assert ballot_reads == 1
    # Settled again at a different close time: a fresh count, not the figures kept for the old close.
    BallotChoice.objects.filter(poll=poll).first().delete()  # type: ignore[union-attr]
    Poll.objects.filter(pk=poll.pk).update(closes_at=now - timedelta(minutes=30))
    poll.refresh_from_db()
    counted = stats.poll_results_breakdown(poll)
    assert sum(row["web"] for row in counted.values()) == BallotChoice.objects.filter(poll=poll).count()
