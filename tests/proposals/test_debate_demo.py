"""Demo debates tell a true story: each thread is about its own proposal, the open debate is lively, and a second
run changes nothing. The demo proposals do not repeat their summary as the first paragraph of their text."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from accounts import demo as accounts_demo
from cms import demo as cms_demo
from proposals import demo, demo_debate
from proposals.models import Comment, ProcessPage, Proposal
from tests.factories import CensusRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_proposals() -> None:
    cms_demo.seed()
    accounts_demo.seed()  # the administrator, the moderator and the named citizens
    CensusRecordFactory.create_batch(70)  # free census records the demo neighbours bind to
    demo.seed()


def test_each_debate_is_written_for_its_proposal_and_seeded_once(demo_proposals: None) -> None:
    demo_debate.seed()
    snapshot = list(Comment.objects.order_by("id").values_list("id", "agree_count", "disagree_count"))
    demo_debate.seed()
    assert list(Comment.objects.order_by("id").values_list("id", "agree_count", "disagree_count")) == snapshot

    debated = Proposal.objects.filter(comments__isnull=False).distinct()
    assert {p.title for p in debated} == set(demo_debate.DEBATES)
    bodies: dict[str, int] = {}
    for proposal in debated:
        comments = Comment.objects.filter(proposal=proposal)
        assert comments.filter(parent__isnull=False).exists()
        assert comments.filter(is_pinned=True, parent__isnull=True).count() == 1
        for body in comments.values_list("body", flat=True):
            bodies[body] = bodies.get(body, 0) + 1
    assert max(bodies.values()) == 1, "a comment sits under two proposals"
    every = Comment.objects.filter(proposal__in=debated)
    assert every.filter(is_official=True, author__email="moderator@demo.decide").exists()
    assert every.filter(deleted_at__isnull=False).exists()
    assert {"for", "neutral", "against"} <= set(every.values_list("stance", flat=True))
    counted = Comment.objects.annotate(
        agree=Count("reactions", filter=Q(reactions__value=1)),
        disagree=Count("reactions", filter=Q(reactions__value=-1)),
    )
    assert all(c.agree == c.agree_count and c.disagree == c.disagree_count for c in counted)


def test_the_process_whose_debate_is_open_has_a_lively_debate(demo_proposals: None) -> None:
    demo_debate.seed()
    # The process in its debate phase (another holds its debate beside the supports phase).
    open_debate = next(p for p in ProcessPage.objects.all() if str(p.current_phases()[0]) == "debate")
    comments = Comment.objects.filter(proposal__process=open_debate)
    assert len(set(comments.values_list("proposal", flat=True))) >= 3
    assert comments.count() >= 18
    assert len(set(comments.values_list("author", flat=True))) >= 6


def test_no_demo_proposal_repeats_its_summary_as_its_first_paragraph(demo_proposals: None) -> None:
    proposals = list(Proposal.objects.all())
    assert proposals
    assert not [p.title for p in proposals if p.summary in p.body]
