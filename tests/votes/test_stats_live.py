"""The live dashboard's figures of an open poll: turnout and the eligible census in one statement when cold.

What the speed-up relies on: the UNION ALL gives exactly the separate counts (scope respected, every
cell present), the denominators are cached under the census stamp read before counting, a warm read
counts participations only, and a settled poll still takes the figures kept for it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CensusRecordFactory
from tests.votes.test_stats_figures import population  # noqa: F401  (the shared population of the stats tests)
from votes.models import Participation, Poll
from votes.results import stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_poll(population: dict[str, Any]) -> Poll:  # noqa: F811
    poll: Poll = population["poll"]
    now = timezone.now()
    Poll.objects.filter(pk=poll.pk).update(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    poll.refresh_from_db()
    cache.clear()
    return poll


def _counts_census(sql: str) -> bool:
    return '"accounts_censusrecord"."gender"' in sql


def _reads(table: str, captured: CaptureQueriesContext) -> int:
    return sum(1 for q in captured.captured_queries if f'"{table}"' in q["sql"])


def test_cold_figures_are_the_separate_counts_in_one_statement(open_poll: Poll) -> None:
    open_poll.process  # noqa: B018  (the page has its poll's process already)
    with CaptureQueriesContext(connection) as captured:
        turnout, eligible = stats.poll_live_turnout(open_poll)
    # Turnout, census and census stamp: one round trip.
    assert len(captured.captured_queries) == 1, [q["sql"] for q in captured.captured_queries]
    statement = captured.captured_queries[0]["sql"]
    assert "UNION ALL" in statement.upper() and _counts_census(statement)
    assert "votes_participation" in statement and "accounts_censusimport" in statement
    cache.clear()
    assert turnout == stats.poll_turnout_counts(open_poll)
    assert eligible == stats.poll_eligible_counts(open_poll)
    assert set(turnout) == set(eligible) == set(stats.cells())
    assert sum(turnout.values()) == Participation.objects.filter(poll=open_poll).count() == 150
    assert sum(eligible.values()) == 260  # the scope only: not the 30 records of another province


def test_cold_read_caches_the_denominators_and_a_warm_read_counts_only_participations(open_poll: Poll) -> None:
    assert stats.poll_eligible_counts_cached(open_poll) is None
    _, eligible = stats.poll_live_turnout(open_poll)
    assert stats.poll_eligible_counts_cached(open_poll) == eligible  # what the voters' requests look for
    with CaptureQueriesContext(connection) as captured:
        turnout, again = stats.poll_live_turnout(open_poll)
    assert again == eligible and sum(turnout.values()) == 150
    assert _reads("votes_participation", captured) == 1
    assert not any(_counts_census(q["sql"]) for q in captured.captured_queries)
    # Callers may change what they get without touching what is kept.
    eligible[("female", "rural")] = -1
    assert stats.poll_live_turnout(open_poll)[1][("female", "rural")] >= 0


def test_a_new_census_record_is_counted_at_the_next_read(open_poll: Poll, population: dict[str, Any]) -> None:  # noqa: F811
    _, before = stats.poll_live_turnout(open_poll)
    record = population["census"][0]
    CensusRecordFactory(district=record.district, gender=record.gender, area=record.area)
    with CaptureQueriesContext(connection) as captured:
        _, after = stats.poll_live_turnout(open_poll)
    assert sum(after.values()) == sum(before.values()) + 1
    assert any(_counts_census(q["sql"]) for q in captured.captured_queries)  # the stamp moved: counted again
    assert stats.poll_eligible_counts_cached(open_poll) == after
    with CaptureQueriesContext(connection) as captured:
        assert stats.poll_live_turnout(open_poll)[1] == after
    assert not any(_counts_census(q["sql"]) for q in captured.captured_queries)


def test_a_settled_poll_takes_the_figures_kept_for_it(population: dict[str, Any]) -> None:  # noqa: F811
    poll: Poll = population["poll"]
    now = timezone.now()
    Poll.objects.filter(pk=poll.pk).update(opens_at=now - timedelta(days=2), closes_at=now - timedelta(hours=1))
    poll.refresh_from_db()
    cache.clear()
    turnout, eligible = stats.poll_live_turnout(poll)
    assert turnout == stats.poll_turnout_counts(poll) and eligible == stats.poll_eligible_counts(poll)
    with CaptureQueriesContext(connection) as captured:
        stats.poll_live_turnout(poll)
    assert _reads("votes_participation", captured) == 0


def test_a_poll_scoped_to_a_district_counts_that_district_only(
    open_poll: Poll,
    population: dict[str, Any],  # noqa: F811
) -> None:
    district = population["census"][0].district
    Poll.objects.filter(pk=open_poll.pk).update(scope_district=district)
    open_poll.refresh_from_db()
    _, eligible = stats.poll_live_turnout(open_poll)
    cache.clear()
    assert eligible == stats.poll_eligible_counts(open_poll)
    assert sum(eligible.values()) == sum(1 for r in population["census"] if r.district_id == district.pk)
