"""Who may do what with proposals: one predicate per action, shared by views, templates and services.

Every predicate takes the acting user (possibly anonymous) and the object, and `at`
(the moment to judge phases by, default now) where a phase matters.
"""

from __future__ import annotations

from datetime import datetime

from allauth.account.models import EmailAddress
from django.db.models import Q

from accounts.permissions import is_verified_citizen
from accounts.roles import ADMINISTRATOR, MODERATOR, has_role

from .models import PUBLIC_STATUSES, Phase, ProcessPage, Proposal, ProposalStatus

# Shown on its detail page to everyone (with the author's reason), but not listed by default.
VISIBLE_STATUSES = (*PUBLIC_STATUSES, ProposalStatus.WITHDRAWN)
EDITABLE_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED)
WITHDRAWABLE_STATUSES = (
    ProposalStatus.DRAFT,
    ProposalStatus.SUBMITTED,
    ProposalStatus.PUBLISHED,
    ProposalStatus.GATHERING,
    ProposalStatus.QUALIFIED,
)
SUPPORTABLE_STATUSES = (ProposalStatus.PUBLISHED, ProposalStatus.GATHERING, ProposalStatus.QUALIFIED)


def _active(user: object) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "blocked_at", None) is None
    )


def is_confirmed_citizen(user: object) -> bool:
    """Signed in, active, not blocked, with a confirmed email address (cached on the user object)."""
    if not _active(user):
        return False
    cached: bool | None = getattr(user, "_decide_email_confirmed", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        setattr(user, "_decide_email_confirmed", cached)  # noqa: B010 - a cache slot on a foreign object
    return cached


def can_moderate(user: object) -> bool:
    return _active(user) and (has_role(user, MODERATOR) or has_role(user, ADMINISTRATOR))


def can_create_institutional_bill(user: object) -> bool:
    return _active(user) and has_role(user, ADMINISTRATOR)


def _is_author(user: object, proposal: Proposal) -> bool:
    return _active(user) and proposal.author_id == getattr(user, "pk", None)


def public_proposal_q() -> Q:
    """What anyone may see in lists: past moderation, not a side exit, author not blocked."""
    return Q(status__in=PUBLIC_STATUSES, author__blocked_at__isnull=True)


def can_view_proposal(user: object, proposal: Proposal) -> bool:
    if can_moderate(user):
        return True
    author_blocked = proposal.author.blocked_at is not None
    if proposal.status in VISIBLE_STATUSES and not author_blocked:
        return True
    # Authors follow their own proposal while it waits for moderation, and read why it was hidden.
    return _is_author(user, proposal) and proposal.status in (
        *EDITABLE_STATUSES,
        ProposalStatus.WITHDRAWN,
        ProposalStatus.HIDDEN,
    )


def can_submit_proposal(user: object, process: ProcessPage, at: datetime | None = None) -> bool:
    return is_confirmed_citizen(user) and process.is_open(Phase.PROPOSALS, at)


def can_edit_proposal(user: object, proposal: Proposal) -> bool:
    return _is_author(user, proposal) and proposal.status in EDITABLE_STATUSES and is_confirmed_citizen(user)


def can_withdraw_proposal(user: object, proposal: Proposal) -> bool:
    return _is_author(user, proposal) and proposal.kind == "citizen" and proposal.status in WITHDRAWABLE_STATUSES


def in_process_scope(user: object, process: ProcessPage) -> bool:
    """A supporter counts towards the threshold of their own scope only."""
    record = getattr(user, "census_record", None)
    if record is None:
        return False
    if process.scope_district_id is not None:
        return bool(record.district_id == process.scope_district_id)
    if process.scope_province_id is not None:
        return bool(record.district.province_id == process.scope_province_id)
    return True


def supports_open(proposal: Proposal, at: datetime | None = None) -> bool:
    return proposal.status in SUPPORTABLE_STATUSES and proposal.process.is_open(Phase.SUPPORTS, at)


def can_support(user: object, proposal: Proposal, at: datetime | None = None) -> bool:
    return (
        is_verified_citizen(user)
        and supports_open(proposal, at)
        and proposal.author.blocked_at is None
        and in_process_scope(user, proposal.process)
    )


def can_withdraw_support(user: object, proposal: Proposal, at: datetime | None = None) -> bool:
    """Until the supports phase ends, a supporter may take their support back."""
    return is_verified_citizen(user) and supports_open(proposal, at)


def can_flag(user: object, proposal: Proposal) -> bool:
    return (
        is_confirmed_citizen(user)
        and not _is_author(user, proposal)
        and proposal.status in VISIBLE_STATUSES
        and proposal.author.blocked_at is None
    )


def can_follow(user: object, proposal: Proposal) -> bool:
    return _active(user) and can_view_proposal(user, proposal)
