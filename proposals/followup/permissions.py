"""Who answers a proposal, tracks its milestones and attaches documents: predicates that return the reason for a no."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.permissions import Actor, is_active_citizen
from accounts.roles import ADMINISTRATOR, COMMITTEE, has_role
from decide.refusals import NotAllowed
from proposals.models import Proposal, ProposalStatus
from proposals.permissions import EDITABLE_STATUSES, can_view_proposal

from .models import ANSWERABLE_STATUSES, TRACKED_STATES, Answer, Attachment, CommitteeScope


def is_committee_for(user: Actor, proposal: Proposal) -> bool:
    """A committee member whose scope names the proposal's category (a proposal without one is nobody's)."""
    if proposal.category_id is None or not has_role(user, COMMITTEE):
        return False
    user_id = getattr(user, "pk", None)
    return (
        user_id is not None
        and CommitteeScope.objects.filter(user_id=user_id, category_id=proposal.category_id).exists()
    )


def answer_refusal(user: Actor, proposal: Proposal) -> NotAllowed | None:
    """Why `user` may not give (or revise) the formal answer to `proposal`, or None."""
    if not is_active_citizen(user) or not (has_role(user, ADMINISTRATOR) or has_role(user, COMMITTEE)):
        return NotAllowed(_("Only administrators and the committee answer proposals."))
    if not has_role(user, ADMINISTRATOR) and not is_committee_for(user, proposal):
        return NotAllowed(_("Your committee answers proposals of other categories."))
    if proposal.status not in ANSWERABLE_STATUSES:
        return NotAllowed(_("Only proposals that qualified or went to a vote get a formal answer."))
    return None


def _tracked(proposal: Proposal) -> bool:
    if proposal.status == ProposalStatus.ACCEPTED:
        return True
    answer = Answer.objects.filter(proposal=proposal).only("state").first()
    return answer is not None and answer.state in TRACKED_STATES


def milestone_refusal(user: Actor, proposal: Proposal) -> NotAllowed | None:
    """Administrators record the milestones of an accepted proposal (accepted by vote or by its answer)."""
    if not (is_active_citizen(user) and has_role(user, ADMINISTRATOR)):
        return NotAllowed(_("Only administrators record milestones."))
    if not _tracked(proposal):
        return NotAllowed(_("Milestones follow accepted proposals only."))
    return None


def attachment_refusal(user: Actor, proposal: Proposal) -> NotAllowed | None:
    """A proposal's documents: its author while it can still be edited, administrators for any (bills too)."""
    if is_active_citizen(user) and has_role(user, ADMINISTRATOR):
        return None
    if (
        is_active_citizen(user)
        and proposal.author_id == getattr(user, "pk", None)
        and proposal.status in EDITABLE_STATUSES
    ):
        return None
    return NotAllowed(_("Only the author, until the proposal is published, and administrators attach documents."))


def attachment_change_refusal(
    user: Actor, attachment: Attachment, *, proposal: Proposal | None = None
) -> NotAllowed | None:
    """Who may rename or remove a document: whoever may attach one to the same part (answer, milestone, proposal)."""
    proposal = proposal or attachment.proposal
    if attachment.answer_id is not None:
        return answer_refusal(user, proposal)
    if attachment.milestone_id is not None:
        return milestone_refusal(user, proposal)
    return attachment_refusal(user, proposal)


def can_view_attachment(user: Actor, proposal: Proposal) -> bool:
    return can_view_proposal(user, proposal)
