"""The proposal life of DESIGN.md as data: which status may follow which.

Kept apart from the services so permissions, templates and tests read the same table.
"""

from __future__ import annotations

from typing import Final

from .models import ProposalKind, ProposalStatus

S = ProposalStatus

# Every move any service may make. Restoring a hidden proposal returns it to where it was
# (Proposal.status_before_hidden), so `hidden` may lead back to any status that can be hidden.
_HIDEABLE: Final = (S.SUBMITTED, S.PUBLISHED, S.GATHERING, S.QUALIFIED, S.ARCHIVED, S.WITHDRAWN)

ALLOWED_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.PUBLISHED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.PUBLISHED, S.HIDDEN, S.WITHDRAWN}),
    S.PUBLISHED: frozenset({S.GATHERING, S.QUALIFIED, S.IN_VOTE, S.WITHDRAWN, S.HIDDEN, S.ARCHIVED}),
    # gathering ↔ qualified: a support withdrawn during the phase may take it back under the threshold.
    S.GATHERING: frozenset({S.QUALIFIED, S.WITHDRAWN, S.HIDDEN, S.ARCHIVED}),
    S.QUALIFIED: frozenset({S.IN_VOTE, S.GATHERING, S.WITHDRAWN, S.HIDDEN, S.ARCHIVED}),
    # in_vote → qualified: a poll cancelled before it closes gives the proposal back.
    S.IN_VOTE: frozenset({S.ACCEPTED, S.REJECTED, S.QUALIFIED}),
    S.ACCEPTED: frozenset({S.ARCHIVED}),
    S.REJECTED: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset({S.HIDDEN}),
    S.WITHDRAWN: frozenset({S.HIDDEN}),
    S.HIDDEN: frozenset(_HIDEABLE),
}

# Only institutional bills may skip supports: published → in_vote.
INSTITUTIONAL_ONLY: Final[frozenset[tuple[str, str]]] = frozenset({(S.PUBLISHED, S.IN_VOTE)})


def transition_allowed(*, kind: str, from_status: str, to_status: str) -> bool:
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        return False
    return (from_status, to_status) not in INSTITUTIONAL_ONLY or kind == ProposalKind.INSTITUTIONAL
