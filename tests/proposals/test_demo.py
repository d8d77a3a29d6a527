"""The proposals demo: one process per phase, proposals in every state, supports; twice changes nothing."""

from __future__ import annotations

import pytest
from django.db.models import Count

from cms import demo as cms_demo
from proposals import demo
from proposals.models import ProcessPage, Proposal, Support
from tests.factories import CensusRecordFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, int, int, list[tuple[str, int]]]:
    statuses = list(Proposal.objects.values_list("status").annotate(n=Count("id")).order_by("status"))
    return ProcessPage.objects.count(), Proposal.objects.count(), Support.objects.count(), statuses


def test_seed_is_complete_and_idempotent() -> None:
    cms_demo.seed()
    UserFactory(email="admin@demo.decide")
    for name in ("rosa", "juan", "lucia", "carlos"):
        VerifiedUserFactory(email=f"{name}@demo.decide")
    CensusRecordFactory.create_batch(70)  # free census records the demo neighbours bind to
    demo.seed()
    first = _snapshot()
    demo.seed()
    assert _snapshot() == first
    processes, proposals, supports, statuses = first
    assert processes == 5
    assert proposals >= 90
    assert {s for s, _n in statuses} >= {
        "draft",
        "submitted",
        "published",
        "gathering",
        "qualified",
        "in_vote",
        "accepted",
        "rejected",
        "archived",
        "withdrawn",
        "hidden",
    }
    assert supports > 0
    for proposal in Proposal.objects.annotate(n=Count("supports")):
        assert proposal.support_count == proposal.n
    assert Proposal.objects.filter(kind="institutional").exists()
    phases = {p.slug: p.current_phases() for p in ProcessPage.objects.all()}
    assert [str(ph[0]) for ph in phases.values()] == ["proposals", "supports", "debate", "vote", "results"]
