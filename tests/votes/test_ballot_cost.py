"""What a ballot costs the server: a small, constant number of queries per step, and no census count.

A vote opens with a crowd: every query of the three steps is paid by every voter, and a
census aggregate (seconds with a million records) inside a voter's request stalls a whole
server worker. These tests fail when a step gains queries or starts counting the census.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.factories import CensusRecordFactory, PollFactory, VerifiedUserFactory
from votes.models import Option, Participation, Poll, Question
from votes.results.stats import poll_eligible_counts, poll_eligible_counts_cached

from .helpers import TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Session, user, poll, census record (+ whether they voted). The confirmation reads the
# user again (fresh, for the rules, with whether they voted) and makes the three inserts.
# The paper (questions, options) of an opened poll is read once per process; the header
# leaves out role links (a groups query) on these pages. The header's unread-notifications
# badge is one indexed count on every step (the confirmation renders the receipt page).
FORM_QUERIES = 5
REVIEW_QUERIES = 5
CONFIRM_QUERIES = 8
# The first page of a process also reads the site identity (name, logo, colours: cms.identity), cached
# for every page after it.
PAPER_QUERIES = 2 + 1
# Once a second per poll a cast also looks whether a turnout dashboard needs telling:
# the poll's process (its scope) and the census stamp.
TURNOUT_CHECK_QUERIES = 3


def _poll(questions: int, options_each: int) -> Poll:
    poll = PollFactory(questions=False)
    for q in range(questions):
        question = Question.objects.create(poll=poll, text=f"Question {q}", position=q, max_choices=2 if q else 1)
        for o in range(options_each):
            Option.objects.create(question=question, label=f"Option {q}.{o}", position=o)
    return poll


def _answers(poll: Poll) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {}
    for question in poll.questions.order_by("position"):
        first = str(question.options.order_by("position").first().pk)  # type: ignore[union-attr]
        data[f"q{question.pk}"] = first if question.max_choices == 1 else [first]
    return data


def _steps(poll: Poll, voter: User, *, turnout_due: bool = False) -> list[int]:
    """Queries of: the ballot form, the review, the confirmation (which answers with the receipt).

    Unless `turnout_due`, the once-a-second turnout check is taken as done by an earlier cast.
    """
    if not turnout_due:
        cache.add(f"votes:turnout-push:{poll.pk}", 1, timeout=60)
    client = Client()
    client.force_login(voter)
    counts = []
    with CaptureQueriesContext(connection) as form_queries:
        page = client.get(reverse("votes:ballot", args=[poll.pk]))
    assert page.status_code == 200
    counts.append(len(form_queries))
    match = TOKEN.search(page.content.decode())
    assert match
    data = {"token": match.group(1), **_answers(poll)}
    with CaptureQueriesContext(connection) as review_queries:
        reviewed = client.post(reverse("votes:ballot", args=[poll.pk]), data)
    assert reviewed.status_code == 200, reviewed.content
    counts.append(len(review_queries))
    with CaptureQueriesContext(connection) as confirm_queries:
        receipt = client.post(reverse("votes:ballot_confirm", args=[poll.pk]), data)
    assert receipt.status_code == 200, receipt.content
    assert "Your vote was recorded" in receipt.content.decode()
    # Transaction bookkeeping of the test itself (savepoints) is not the page's work.
    counts.append(sum(1 for q in confirm_queries.captured_queries if "SAVEPOINT" not in q["sql"]))
    return counts


def test_each_ballot_step_runs_a_small_number_of_queries_whatever_the_ballot_size() -> None:
    small = _poll(questions=1, options_each=2)
    large = _poll(questions=4, options_each=8)
    voters = VerifiedUserFactory.create_batch(4)
    first_small = _steps(small, voters[0])
    _steps(large, voters[1])
    small_counts = _steps(small, voters[2])
    large_counts = _steps(large, voters[3])
    assert small_counts == large_counts
    assert first_small[0] <= small_counts[0] + PAPER_QUERIES  # the first voter reads the paper
    form, review, confirm = small_counts
    assert form <= FORM_QUERIES
    assert review <= REVIEW_QUERIES
    assert confirm <= CONFIRM_QUERIES
    assert Participation.objects.count() == 4


def test_the_turnout_check_adds_a_few_queries_once_a_second() -> None:
    poll = _poll(questions=1, options_each=2)
    voters = VerifiedUserFactory.create_batch(3)
    _steps(poll, voters[0])  # reads the paper
    steady = _steps(poll, voters[1])
    due = _steps(poll, voters[2], turnout_due=True)
    assert due[:2] == steady[:2]
    assert due[2] <= steady[2] + TURNOUT_CHECK_QUERIES


def test_a_cast_never_counts_the_census(django_capture_on_commit_callbacks: Any) -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory()
    CensusRecordFactory.create_batch(5, district=voter.census_record.district)
    assert poll_eligible_counts_cached(poll) is None  # nobody opened a dashboard yet
    # After-commit work (the turnout push) runs as it would at the end of a real request.
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        _steps(poll, voter, turnout_due=True)
    census_aggregates = [
        q["sql"]
        for q in queries.captured_queries
        if "accounts_censusrecord" in q["sql"] and "COUNT(" in q["sql"].upper()
    ]
    assert census_aggregates == []


def test_eligible_counts_are_cached_until_the_census_changes() -> None:
    poll = PollFactory()
    record = CensusRecordFactory()
    first = poll_eligible_counts(poll)
    assert sum(first.values()) == 1
    assert poll_eligible_counts_cached(poll) == first
    with CaptureQueriesContext(connection) as queries:
        assert poll_eligible_counts(poll) == first
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    CensusRecordFactory(district=record.district)  # a new record: a new census stamp
    assert poll_eligible_counts_cached(poll) is None
    assert sum(poll_eligible_counts(poll).values()) == 2
