"""Each proposal service: who may call it, what it writes, what it tells (audit, live events)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEntry
from decide.refusals import Conflict, NotAllowed
from proposals import services
from proposals.models import Flag, Follow, Proposal, ProposalEvent, ProposalStatus
from tests.factories import ProposalFactory, UserFactory, VerifiedUserFactory, process_page

pytestmark = pytest.mark.django_db

CONTENT = {"title": "Agua para Julcán", "summary": "Reservorios comunales.", "body": "<p>Texto</p>"}


@pytest.mark.parametrize(("pre_moderation", "status"), [(True, "submitted"), (False, "published")])
def test_create_enters_the_queue_or_is_published(pre_moderation: bool, status: str) -> None:
    author = UserFactory()
    proposal = services.proposal_create(process=process_page(pre_moderation=pre_moderation), author=author, **CONTENT)
    assert proposal.status == status
    assert (proposal.published_at is not None) is (status == "published")
    assert Follow.objects.filter(proposal=proposal, user=author).exists()  # authors hear of their proposal
    assert AuditEntry.objects.get(action=f"proposal.{status}").actor == author
    assert ProposalEvent.objects.filter(proposal=proposal, kind="proposal.status").exists()


@pytest.mark.parametrize("when", ["before", "after"])
def test_create_outside_the_proposals_phase_is_refused(when: str) -> None:
    now, day = timezone.now(), timedelta(days=1)
    span = (now + day, now + 2 * day) if when == "before" else (now - 2 * day, now - day)
    process = process_page(phases_open=(), proposals_opens=span[0], proposals_closes=span[1])
    with pytest.raises(NotAllowed):
        services.proposal_create(process=process, author=UserFactory(), **CONTENT)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("who", ["unconfirmed", "blocked", "inactive"])
def test_create_by_unconfirmed_blocked_or_inactive_is_refused(who: str) -> None:
    user = {
        "unconfirmed": lambda: UserFactory(confirmed=False),
        "blocked": lambda: UserFactory(blocked_at=timezone.now()),
        "inactive": lambda: UserFactory(is_active=False),
    }[who]()
    with pytest.raises(NotAllowed):
        services.proposal_create(process=process_page(), author=user, **CONTENT)
    assert not Proposal.objects.exists()


def test_update_cleans_and_stops_once_published() -> None:
    proposal = ProposalFactory(status="submitted")
    services.proposal_update(
        proposal=proposal, actor=proposal.author, title="<b>Nuevo</b>", summary="s", body="<p>ok</p><script>x</script>"
    )
    proposal.refresh_from_db()
    assert proposal.title == "Nuevo" and proposal.body == "<p>ok</p>"
    services.proposal_approve(proposal=proposal, actor=UserFactory(roles=["moderator"]))
    with pytest.raises(NotAllowed):
        services.proposal_update(proposal=proposal, actor=proposal.author, **CONTENT)


@pytest.mark.parametrize("role", [None, "officer"])
def test_approve_hide_restore_need_a_moderator(role: str | None) -> None:
    proposal = ProposalFactory(status="submitted")
    user = UserFactory(roles=[role] if role else [])
    with pytest.raises(NotAllowed):
        services.proposal_approve(proposal=proposal, actor=user)
    with pytest.raises(NotAllowed):
        services.proposal_hide(proposal=proposal, actor=user, reason="x")
    with pytest.raises(NotAllowed):
        services.user_block(user=proposal.author, actor=user, reason="x")
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ["moderator", "administrator"])
def test_moderators_and_administrators_moderate(role: str) -> None:
    actor = UserFactory(roles=[role])
    proposal = ProposalFactory(status="submitted")
    services.proposal_approve(proposal=proposal, actor=actor)
    services.proposal_hide(proposal=proposal, actor=actor, reason="Spam")
    services.proposal_restore(proposal=proposal, actor=actor)
    proposal.refresh_from_db()
    assert proposal.status == "published"
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "proposal.published",
        "proposal.hidden",
        "proposal.published",
    ]


def test_restore_of_a_visible_proposal_is_a_clear_error() -> None:
    with pytest.raises(services.ProposalTransitionError):
        services.proposal_restore(proposal=ProposalFactory(), actor=UserFactory(roles=["moderator"]))


def test_withdraw_only_by_author_with_reason_and_not_in_vote() -> None:
    proposal = ProposalFactory(status="qualified")
    with pytest.raises(NotAllowed):
        services.proposal_withdraw(proposal=proposal, actor=UserFactory(), reason="x")
    with pytest.raises(ValidationError):
        services.proposal_withdraw(proposal=proposal, actor=proposal.author, reason="  <b></b> ")
    in_vote = ProposalFactory(status="in_vote")
    with pytest.raises(NotAllowed):
        services.proposal_withdraw(proposal=in_vote, actor=in_vote.author, reason="tarde")
    services.proposal_withdraw(proposal=proposal, actor=proposal.author, reason="Mejor en otro proceso")
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN


def test_institutional_bill_is_published_and_may_go_straight_to_a_vote() -> None:
    admin = UserFactory(roles=["administrator"])
    with pytest.raises(NotAllowed):
        services.institutional_bill_create(process=process_page(), actor=UserFactory(roles=["moderator"]), **CONTENT)
    bill = services.institutional_bill_create(process=process_page(), actor=admin, **CONTENT)
    assert bill.kind == "institutional" and bill.status == "published"
    services.proposal_transition(proposal=bill, to_status="in_vote", actor=admin)
    assert Proposal.objects.get(pk=bill.pk).status == "in_vote"


def test_flags_are_one_per_reporter_and_dismissed_by_moderators() -> None:
    proposal = ProposalFactory()
    reporter = VerifiedUserFactory()
    services.flag_create(proposal=proposal, reporter=reporter, reason="<script>x</script>Insultos")
    assert Flag.objects.get().reason == "Insultos"
    with pytest.raises(Conflict):
        services.flag_create(proposal=proposal, reporter=reporter, reason="Otra vez")
    assert services.flags_dismiss(proposal=proposal, actor=UserFactory(roles=["moderator"])) == 1


def test_block_and_unblock(django_capture_on_commit_callbacks: Any) -> None:
    moderator = UserFactory(roles=["moderator"])
    author = ProposalFactory().author
    with pytest.raises(ValidationError):
        services.user_block(user=author, actor=moderator, reason="")
    services.user_block(user=author, actor=moderator, reason="Spam")
    with pytest.raises(ValidationError):
        services.user_block(user=author, actor=moderator, reason="Spam")
    with pytest.raises(NotAllowed):  # a moderator is staff: only an administrator blocks staff (issue 13 item 5)
        services.user_block(user=moderator, actor=moderator, reason="yo")
    services.user_unblock(user=author, actor=moderator)
    assert author.blocked_at is None
