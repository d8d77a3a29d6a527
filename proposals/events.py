"""What is pushed live to the viewers of a proposal (group `proposal.<id>`).

Every event is logged as a `ProposalEvent` (its id is the event id a reconnecting
viewer sends back to catch up) and sent to the group only after commit. Call
these from services only, inside their transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from decide.live.publish import encode_event, send_after_commit

from .models import Comment, Proposal, ProposalEvent


def publish(proposal: Proposal, kind: str, data: dict[str, Any]) -> ProposalEvent:
    """Log the event and queue it for the proposal's viewers once the transaction commits."""
    event = ProposalEvent.objects.create(proposal=proposal, kind=kind, text="")
    event.text = encode_event(event_id=event.pk, kind=kind, data=data)
    event.save(update_fields=["text"])
    send_after_commit(proposal.live_group, event.text)
    return event


def support_count_changed(proposal: Proposal) -> ProposalEvent:
    return publish(proposal, "proposal.supports", {"proposal": proposal.pk, "count": proposal.support_count})


def status_changed(proposal: Proposal) -> ProposalEvent:
    return publish(
        proposal,
        "proposal.status",
        {
            "proposal": proposal.pk,
            "status": proposal.status,
            "label": str(proposal.get_status_display()),
            "labels": _status_labels(proposal),
        },
    )


def _status_labels(proposal: Proposal) -> dict[str, str]:
    # One label per site language: the event goes to every viewer, whatever language the actor uses.
    labels: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = str(proposal.get_status_display())
    return labels


# --- debate (proposals.debate.services) -----------------------------------------------
# Comment HTML comes rendered by the page's own templates, once per site language,
# so the client inserts it as is and every viewer sees what a page load would show.


def comment_created(comment: Comment, html: dict[str, str]) -> ProposalEvent:
    return publish(
        comment.proposal,
        "comment.created",
        {"comment": comment.pk, "parent": comment.parent_id, "pinned": comment.is_pinned, "html": html},
    )


def comment_edited(comment: Comment, html: dict[str, str]) -> ProposalEvent:
    """Its words, stance, official mark or pin changed: `html` is the comment without its replies."""
    return publish(
        comment.proposal,
        "comment.edited",
        {"comment": comment.pk, "parent": comment.parent_id, "pinned": comment.is_pinned, "html": html},
    )


def comment_removed(comment: Comment, html: dict[str, str], *, reason: str) -> ProposalEvent:
    """Hidden by moderators, deleted by its author, or its author blocked: `html` is what stays in its place."""
    return publish(comment.proposal, "comment.removed", {"comment": comment.pk, "reason": reason, "html": html})


def comment_restored(comment: Comment, html: dict[str, str]) -> ProposalEvent:
    return publish(
        comment.proposal,
        "comment.restored",
        {"comment": comment.pk, "parent": comment.parent_id, "pinned": comment.is_pinned, "html": html},
    )


def comment_reactions(comment: Comment) -> ProposalEvent:
    return publish(
        comment.proposal,
        "comment.reactions",
        {"comment": comment.pk, "agree": comment.agree_count, "disagree": comment.disagree_count},
    )


def debate_lock_changed(proposal: Proposal, message: dict[str, str]) -> ProposalEvent:
    return publish(
        proposal, "debate.locked", {"proposal": proposal.pk, "locked": proposal.debate_locked, "message": message}
    )
