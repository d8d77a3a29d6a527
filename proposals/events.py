"""What is pushed live to the viewers of a proposal (group `proposal.<id>`).

Every event is logged as a `ProposalEvent` (its id is the event id a reconnecting
viewer sends back to catch up) and sent to the group only after commit. Call
these from services only, inside their transaction.
"""

from __future__ import annotations

from typing import Any

from decide.live import encode_event, send_after_commit

from .models import Proposal, ProposalEvent


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
        {"proposal": proposal.pk, "status": proposal.status, "label": str(proposal.get_status_display())},
    )
