"""Who may do what with proposals: one predicate per action, shared by views, templates and services.

Every predicate takes the acting user (possibly anonymous) and the object, and `at`
(the moment to judge phases by, default now) where a phase matters.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import CensusRecord
from accounts.permissions import Actor, is_active_citizen, is_verified_citizen
from accounts.permissions import is_confirmed_citizen as is_confirmed_citizen  # re-exported: legislation reads it here
from accounts.roles import ADMINISTRATOR, MODERATOR, has_role, is_staff_member
from decide.refusals import NotAllowed

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


def can_moderate(user: Actor) -> bool:
    return is_active_citizen(user) and (has_role(user, MODERATOR) or has_role(user, ADMINISTRATOR))


def user_block_refusal(actor: Actor, user: Actor) -> NotAllowed | None:
    """Why `actor` may not block (or unblock) `user`, or None.

    Moderators block citizens; staff (a role, `is_staff`) are blocked by administrators only, and a
    superuser by a superuser only: a lower role must not silence a higher one (issue 13).
    """
    if not can_moderate(actor):
        return NotAllowed(_("Only moderators block users."))
    if getattr(user, "is_superuser", False) and not getattr(actor, "is_superuser", False):
        return NotAllowed(_("Only a superuser can block a superuser."))
    if is_staff_member(user) and not has_role(actor, ADMINISTRATOR):
        return NotAllowed(_("Only administrators can block staff accounts."))
    return None


def can_create_institutional_bill(user: Actor) -> bool:
    return is_active_citizen(user) and has_role(user, ADMINISTRATOR)


def _is_author(user: Actor, proposal: Proposal) -> bool:
    return is_active_citizen(user) and proposal.author_id == getattr(user, "pk", None)


def public_proposal_q() -> Q:
    """What anyone may see in lists: past moderation, not a side exit, author not blocked."""
    return Q(status__in=PUBLIC_STATUSES, author__blocked_at__isnull=True)


def can_view_proposal(user: Actor, proposal: Proposal) -> bool:
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


def can_submit_proposal(user: Actor, process: ProcessPage, at: datetime | None = None) -> bool:
    return is_confirmed_citizen(user) and process.is_open(Phase.PROPOSALS, at)


def can_edit_proposal(user: Actor, proposal: Proposal) -> bool:
    return _is_author(user, proposal) and proposal.status in EDITABLE_STATUSES and is_confirmed_citizen(user)


def can_withdraw_proposal(user: Actor, proposal: Proposal) -> bool:
    return _is_author(user, proposal) and proposal.kind == "citizen" and proposal.status in WITHDRAWABLE_STATUSES


def census_in_process_scope(record: CensusRecord, process: ProcessPage) -> bool:
    """A census record lives in the process's area (its district or province), or the process has none."""
    if process.scope_district_id is not None:
        return bool(record.district_id == process.scope_district_id)
    if process.scope_province_id is not None:
        return bool(record.district.province_id == process.scope_province_id)
    return True


def in_process_scope(user: Actor, process: ProcessPage) -> bool:
    """A supporter counts towards the threshold of their own scope only."""
    record = getattr(user, "census_record", None)
    if record is None:
        return False
    return census_in_process_scope(record, process)


def supports_open(proposal: Proposal, at: datetime | None = None) -> bool:
    return proposal.status in SUPPORTABLE_STATUSES and proposal.process.is_open(Phase.SUPPORTS, at)


def can_support(user: Actor, proposal: Proposal, at: datetime | None = None) -> bool:
    return (
        is_verified_citizen(user)
        and supports_open(proposal, at)
        and proposal.author.blocked_at is None
        and in_process_scope(user, proposal.process)
    )


def can_withdraw_support(user: Actor, proposal: Proposal, at: datetime | None = None) -> bool:
    """Until the supports phase ends, a supporter may take their support back."""
    return is_verified_citizen(user) and supports_open(proposal, at)


def can_flag(user: Actor, proposal: Proposal) -> bool:
    return (
        is_confirmed_citizen(user)
        and not _is_author(user, proposal)
        and proposal.status in VISIBLE_STATUSES
        and proposal.author.blocked_at is None
    )


def can_follow(user: Actor, proposal: Proposal) -> bool:
    return is_active_citizen(user) and can_view_proposal(user, proposal)
