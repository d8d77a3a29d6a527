"""Demo debates: seeded once, complete, and a second run changes nothing."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from accounts import demo as accounts_demo
from proposals import demo_debate
from proposals.models import Comment
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_seed_builds_threaded_debates_and_is_idempotent() -> None:
    accounts_demo.seed()
    proposals = [ProposalFactory(), ProposalFactory()]
    ProposalFactory(status="submitted")  # not public: no debate seeded
    demo_debate.seed()
    snapshot = list(Comment.objects.order_by("id").values_list("id", "agree_count", "disagree_count"))
    demo_debate.seed()
    assert list(Comment.objects.order_by("id").values_list("id", "agree_count", "disagree_count")) == snapshot
    for proposal in proposals:
        comments = Comment.objects.filter(proposal=proposal)
        assert comments.filter(parent__isnull=False).exists()
        assert comments.filter(is_official=True, author__email="moderator@demo.decide").count() == 1
        assert comments.filter(is_pinned=True, parent__isnull=True).count() == 1
        assert comments.filter(deleted_at__isnull=False).count() == 1
        assert {"for", "neutral", "against"} <= set(comments.values_list("stance", flat=True))
    counted = Comment.objects.annotate(
        agree=Count("reactions", filter=Q(reactions__value=1)),
        disagree=Count("reactions", filter=Q(reactions__value=-1)),
    )
    assert all(c.agree == c.agree_count and c.disagree == c.disagree_count for c in counted)
    assert Comment.objects.filter(agree_count__gt=0).exists()
    assert not Comment.objects.filter(proposal__status="submitted").exists()
