"""Who may do what in a proposal's debate: one predicate per action.

Views, templates (through `debate_tags`), services and the consumer all ask these,
so a rule changes in one place. `*_refusal` variants return the reason in words
(None when allowed), for the message a citizen sees instead of a bare 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import AccountNeed, AccountRefusal, Actor, account_refusal
from proposals.models import PUBLIC_STATUSES, Comment, Phase, Proposal
from proposals.permissions import can_moderate, can_view_proposal

# An author may fix a typo for this long; after that the comment stands as others replied to it.
EDIT_WINDOW = timedelta(minutes=15)


def is_moderator(user: Actor) -> bool:
    return can_moderate(user)


def proposal_is_public(proposal: Proposal) -> bool:
    return proposal.status in PUBLIC_STATUSES


def debate_can_view(user: Actor, proposal: Proposal) -> bool:
    """Read the debate (and connect to its live socket): whoever may see the proposal itself."""
    return can_view_proposal(user, proposal)


def _participant_refusal(user: Actor) -> str | None:
    refusal = account_refusal(user, need=AccountNeed.CONFIRMED)
    if refusal is AccountRefusal.SIGNED_OUT:
        return _("Sign in to take part in the debate.")
    if refusal is AccountRefusal.UNCONFIRMED:
        return _("Confirm your email address to take part in the debate.")
    return refusal.message if refusal else None


def debate_open_refusal(proposal: Proposal) -> str | None:
    """Why nobody may write in this debate now (None when it is open)."""
    if not proposal_is_public(proposal):
        return _("This proposal is not public, so its debate is closed.")
    if proposal.debate_locked:
        return _("The moderators have locked this debate.")
    if not proposal.process.is_open(Phase.DEBATE):
        return _("The debate phase of this process is not open.")
    return None


# Why nobody may write now; an app that hosts comments under its own calendar (a text being
# annotated) passes its own, keeping the debate's rules on who may write.
OpenRefusal = Callable[[Proposal], str | None]


def comment_post_refusal(
    user: Actor, proposal: Proposal, *, open_refusal: OpenRefusal = debate_open_refusal
) -> str | None:
    """Why `user` may not comment on (or react in) `proposal`'s debate now; None when they may."""
    return _participant_refusal(user) or open_refusal(proposal)


def comment_can_post(user: Actor, proposal: Proposal) -> bool:
    return comment_post_refusal(user, proposal) is None


def comment_is_visible(comment: Comment) -> bool:
    """Its words are shown: not deleted, not hidden, its author not blocked."""
    return comment.deleted_at is None and comment.hidden_at is None and comment.author.blocked_at is None


def comment_can_reply(user: Actor, comment: Comment) -> bool:
    return comment_is_visible(comment) and comment_can_post(user, comment.proposal)


def comment_react_refusal(user: Actor, comment: Comment) -> str | None:
    refusal = comment_post_refusal(user, comment.proposal)
    if refusal:
        return refusal
    if not comment_is_visible(comment):
        return _("This comment is no longer shown.")
    if comment.author_id == user.pk:
        return _("You cannot react to your own comment.")
    return None


def comment_can_react(user: Actor, comment: Comment) -> bool:
    return comment_react_refusal(user, comment) is None


def comment_edit_refusal(user: Actor, comment: Comment) -> str | None:
    if not getattr(user, "is_authenticated", False) or comment.author_id != user.pk:
        return _("Only its author may edit a comment.")
    if comment.deleted_at is not None or comment.hidden_at is not None:
        return _("This comment is no longer shown.")
    if timezone.now() - comment.created_at > EDIT_WINDOW:
        return _("Comments can be edited only in the first %(minutes)d minutes.") % {
            "minutes": int(EDIT_WINDOW.total_seconds() // 60)
        }
    return comment_post_refusal(user, comment.proposal)


def comment_can_edit(user: Actor, comment: Comment) -> bool:
    return comment_edit_refusal(user, comment) is None


def comment_can_delete(user: Actor, comment: Comment) -> bool:
    """The author may always withdraw their words (the thread keeps a "deleted" mark)."""
    return bool(
        getattr(user, "is_authenticated", False) and comment.author_id == user.pk and comment.deleted_at is None
    )


def comment_can_flag(user: Actor, comment: Comment) -> bool:
    return (
        _participant_refusal(user) is None
        and comment.author_id != user.pk
        and comment_is_visible(comment)
        and debate_can_view(user, comment.proposal)
    )


def comment_can_moderate(user: Actor, comment: Comment | None = None) -> bool:
    """Hide, restore, mark official, pin: moderators only."""
    return is_moderator(user)


def debate_can_lock(user: Actor, proposal: Proposal | None = None) -> bool:
    return is_moderator(user)
