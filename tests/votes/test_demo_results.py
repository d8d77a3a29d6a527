"""The demo's closed poll: published, idempotent, and showing the gap the dashboard is for."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from votes import demo_results
from votes.models import Ballot, Participation, Poll
from votes.results.published import poll_publication


@pytest.mark.django_db
def test_demo_poll_is_published_shows_the_rural_women_gap_and_seeds_once() -> None:
    call_command("seed_demo")
    poll = Poll.objects.get(title=demo_results.POLL_TITLE)
    assert poll.results_published and poll.is_closed()
    counts = (Participation.objects.count(), Ballot.objects.count())
    demo_results.seed()
    assert (Participation.objects.count(), Ballot.objects.count()) == counts
    stages, _results = poll_publication(poll, threshold=10)
    voting = {(r.gender, r.area): r for r in next(s for s in stages if s.stage == "voting").rows}
    rural_women = voting[("female", "rural")]
    assert rural_women.participants is not None and rural_women.representation_index is not None
    assert rural_women.representation_index < 0.5
    assert voting[("female", "urban")].representation_index > 1
