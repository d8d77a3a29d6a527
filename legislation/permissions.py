"""Who may do what with a bill's text: one predicate per action, returning the reason for a refusal (None: allowed).

Phases come from the draft's calendar (`Draft.is_open`), judged at `at` (default now),
the way proposals.permissions judges the process phases. Views, templates, services
and the consumer all ask these.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_verified_citizen
from proposals.debate.permissions import comment_post_refusal
from proposals.models import PUBLIC_STATUSES
from proposals.permissions import can_moderate, can_view_proposal, in_process_scope, is_confirmed_citizen

from .models import Amendment, AmendmentStatus, Draft, DraftPhase


def draft_can_view(user: Any, draft: Draft, at: datetime | None = None) -> bool:
    """Read the bill (and connect to its live socket): whoever sees its proposal, once reading opens."""
    if can_moderate(user):
        return True
    now = at or timezone.now()
    return bool(draft.reading_opens <= now and can_view_proposal(user, draft.proposal))


def draft_can_manage(user: Any) -> bool:
    """Decide amendments, publish versions: moderators and administrators."""
    return can_moderate(user)


def _bill_open_refusal(draft: Draft) -> str | None:
    proposal = draft.proposal
    if proposal.status not in PUBLIC_STATUSES:
        return _("This bill is not public.")
    if proposal.debate_locked:
        return _("The moderators have locked this debate.")
    return None


def annotation_open_refusal(draft: Draft, at: datetime | None = None) -> str | None:
    """Why nobody may annotate the text now (None when the annotation phase is open)."""
    if not draft.is_open(DraftPhase.ANNOTATION, at):
        return _("Comments on the text are accepted only during the annotation phase.")
    return _bill_open_refusal(draft)


def annotation_refusal(user: Any, draft: Draft, at: datetime | None = None) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return _("Sign in to comment on the text.")
    return annotation_open_refusal(draft, at) or _participant_refusal(user, draft)


def _participant_refusal(user: Any, draft: Draft) -> str | None:
    # The debate's own rules for who may write (signed in, email confirmed, not blocked), without its phase.
    refusal = comment_post_refusal(user, draft.proposal, open_refusal=lambda _proposal: None)
    return refusal


def amendment_propose_refusal(user: Any, draft: Draft, at: datetime | None = None) -> str | None:
    if not is_verified_citizen(user):
        return _("Only citizens verified against the census can propose amendments.")
    if not draft.is_open(DraftPhase.AMENDMENTS, at):
        return _("Amendments are accepted only during the amendments phase.")
    if not in_process_scope(user, draft.proposal.process):
        return _("Only residents of the area of this process can propose amendments.")
    return _bill_open_refusal(draft)


def amendment_support_refusal(user: Any, amendment: Amendment, at: datetime | None = None) -> str | None:
    draft = amendment.draft
    if not is_verified_citizen(user):
        return _("Only citizens verified against the census can support amendments.")
    if not draft.is_open(DraftPhase.AMENDMENTS, at):
        return _("Amendments can be supported only during the amendments phase.")
    if amendment.status != AmendmentStatus.PROPOSED:
        return _("This amendment has already been decided.")
    if not in_process_scope(user, draft.proposal.process):
        return _("Only residents of the area of this process can support amendments.")
    return _bill_open_refusal(draft)


def amendment_decide_refusal(user: Any, amendment: Amendment) -> str | None:
    if not draft_can_manage(user):
        return _("Only moderators may decide on amendments.")
    if amendment.status not in (AmendmentStatus.PROPOSED, AmendmentStatus.ACCEPTED):
        return _("This amendment is already part of a version or was rejected.")
    return None


def version_create_refusal(user: Any, draft: Draft, at: datetime | None = None) -> str | None:
    if not draft_can_manage(user):
        return _("Only moderators may publish a new version.")
    if DraftPhase.VOTE in draft.current_phases(at):
        return _("The text cannot change once the vote has started.")
    return None


def may_follow_text(user: Any) -> bool:
    """A signed-in citizen with a confirmed email (shown the comment form rather than a sign-in link)."""
    return is_confirmed_citizen(user)
