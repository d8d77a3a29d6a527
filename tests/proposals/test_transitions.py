"""The one service that moves a proposal along its life."""

from __future__ import annotations

import pytest

from accounts.models import AuditEntry
from proposals.models import ProposalEvent, ProposalStatus
from proposals.services import ProposalTransitionError, proposal_transition
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        ("citizen", "qualified", "in_vote"),
        ("citizen", "in_vote", "accepted"),
        ("citizen", "in_vote", "rejected"),
        ("citizen", "submitted", "published"),
        ("citizen", "published", "gathering"),
        ("citizen", "gathering", "qualified"),
        ("citizen", "accepted", "archived"),
        ("institutional", "published", "in_vote"),
    ],
)
def test_allowed_moves_are_audited_and_published(kind: str, start: str, end: str) -> None:
    proposal = ProposalFactory(kind=kind, status=start)
    actor = UserFactory()
    proposal_transition(proposal=proposal, to_status=end, actor=actor, reason="because")
    proposal.refresh_from_db()
    assert proposal.status == end
    assert proposal.status_reason == "because"
    entry = AuditEntry.objects.get(action=f"proposal.{end}")
    assert entry.actor == actor and entry.target_id == str(proposal.pk)
    assert entry.detail == {"from": start, "to": end}
    assert ProposalEvent.objects.filter(proposal=proposal, kind="proposal.status").count() == 1


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        ("citizen", "published", "in_vote"),  # citizen proposals may not skip supports
        ("citizen", "draft", "accepted"),
        ("citizen", "withdrawn", "published"),
        ("citizen", "accepted", "rejected"),
        ("institutional", "in_vote", "draft"),
        ("citizen", "qualified", "bogus"),
    ],
)
def test_disallowed_moves_raise_and_write_nothing(kind: str, start: str, end: str) -> None:
    proposal = ProposalFactory(kind=kind, status=start)
    with pytest.raises(ProposalTransitionError):
        proposal_transition(proposal=proposal, to_status=end, actor=None)
    proposal.refresh_from_db()
    assert proposal.status == start
    assert not AuditEntry.objects.exists()
    assert not ProposalEvent.objects.exists()


def test_hide_then_restore_returns_to_previous_status() -> None:
    proposal = ProposalFactory(status=ProposalStatus.GATHERING)
    proposal_transition(proposal=proposal, to_status="hidden", actor=None, reason="spam")
    assert proposal.status_before_hidden == "gathering"
    proposal_transition(proposal=proposal, to_status="gathering", actor=None)
    proposal.refresh_from_db()
    assert proposal.status == "gathering" and proposal.status_before_hidden == ""


def test_restore_goes_back_only_where_it_was() -> None:
    proposal = ProposalFactory(status=ProposalStatus.GATHERING)
    proposal_transition(proposal=proposal, to_status="hidden", actor=None, reason="spam")
    with pytest.raises(ProposalTransitionError):
        proposal_transition(proposal=proposal, to_status="submitted", actor=None)
