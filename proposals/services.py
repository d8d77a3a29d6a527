"""Every write to proposals, supports, follows and flags: one typed, atomic function per action.

Each status change goes through `proposal_transition`, which checks the table in
`proposals.transitions`, writes an audit entry and publishes the status event after commit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User

from . import events
from .models import Proposal, ProposalStatus
from .transitions import transition_allowed


class ProposalTransitionError(ValidationError):
    """A status change the proposal life does not allow (e.g. draft → accepted)."""


@transaction.atomic
def proposal_transition(
    *, proposal: Proposal, to_status: str, actor: User | None, reason: str = ""
) -> Proposal:
    """Move `proposal` to `to_status` if the life of a proposal allows it; audit it; tell its viewers.

    The row is locked for the move so two moderators (or a moderator and a support)
    cannot both move the same proposal from the same status.
    """
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    from_status = locked.status
    allowed = transition_allowed(kind=locked.kind, from_status=from_status, to_status=to_status)
    if from_status == ProposalStatus.HIDDEN and locked.status_before_hidden:
        allowed = allowed and to_status == locked.status_before_hidden
    if not allowed:
        raise ProposalTransitionError(
            _("A proposal cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": ProposalStatus(from_status).label,
                "to": ProposalStatus(to_status).label if to_status in ProposalStatus.values else to_status,
            },
            code="transition_not_allowed",
        )
    update_fields = ["status", "status_reason", "updated_at"]
    if to_status == ProposalStatus.HIDDEN:
        locked.status_before_hidden = from_status
        update_fields.append("status_before_hidden")
    elif from_status == ProposalStatus.HIDDEN:
        locked.status_before_hidden = ""
        update_fields.append("status_before_hidden")
    if to_status == ProposalStatus.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
        update_fields.append("published_at")
    locked.status = to_status
    locked.status_reason = reason
    locked.full_clean()
    locked.save(update_fields=update_fields)
    audit_record(
        actor=actor,
        action=f"proposal.{to_status}",
        target=locked,
        reason=reason,
        detail={"from": from_status, "to": to_status},
    )
    events.status_changed(locked)
    # The caller's instance reflects the move too.
    for field in update_fields:
        setattr(proposal, field, getattr(locked, field))
    return proposal
