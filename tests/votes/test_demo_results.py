"""The demo's closed poll: published, idempotent, and showing the gap the dashboard is for."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.demo import DEMO_RECEIPT_CODE, DEMO_RECEIPT_EMAIL
from proposals.models import ProcessPage
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

    # The story holds together: the consultation belongs to the closed process and is about what it accepted;
    # every process that reached its vote has a poll on its own proposals.
    assert poll.process.slug == "presupuesto-participativo-2026"
    for process in ProcessPage.objects.filter(vote_opens__lte=timezone.now()):
        polls = list(Poll.objects.filter(process=process))
        assert polls, f"{process.title} reached its vote without a poll"
        for each in polls:
            assert set(each.proposals.values_list("process_id", flat=True)) == {process.pk}

    # Rosa, a demo login, can check from `make run` alone that her ballot was counted.
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert DEMO_RECEIPT_EMAIL in out.getvalue() and DEMO_RECEIPT_CODE in out.getvalue()
    page = Client().post(f"/polls/{poll.pk}/receipt/", {"code": DEMO_RECEIPT_CODE.lower()}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Counted as cast" in page.content.decode()
