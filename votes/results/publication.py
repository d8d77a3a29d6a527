"""Publishing a poll's results: the one write of the results work."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User
from decide.refusals import NotAllowed
from proposals.models import ProposalStatus
from proposals.services import proposal_transition
from votes import events
from votes.models import Poll
from votes.notifications import results_published
from votes.results.permissions import results_publish_refusal
from votes.results.stats import poll_results_breakdown


@transaction.atomic
def poll_results_publish(*, poll: Poll, actor: User) -> Poll:
    """Publish `poll`'s results: administrators only, after the close, once. Audited; viewers told live."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)  # two administrators clicking at once publish once
    if reason := results_publish_refusal(actor, poll):
        raise NotAllowed(reason)
    poll.results_published_at = timezone.now()
    poll.results_published_by = actor
    poll.full_clean()
    poll.save(update_fields=["results_published_at", "results_published_by"])
    totals = {str(option_id): row["total"] for option_id, row in poll_results_breakdown(poll).items()}
    audit_record(actor=actor, action="poll.results_published", target=poll, detail={"totals": totals})
    outcome = poll_outcome(poll, totals={int(k): v for k, v in totals.items()})
    for proposal in poll.proposals.all():
        if outcome is not None and proposal.status == ProposalStatus.IN_VOTE:
            proposal_transition(proposal=proposal, to_status=outcome, actor=actor, reason=_("Result of the vote."))
    events.results_published(poll, url=reverse("votes:results", args=[poll.pk]))  # viewers told, after commit
    results_published(poll, actor=actor)
    return poll


def poll_outcome(poll: Poll, *, totals: dict[int, int]) -> str | None:
    """Accepted when the first option of the first question (Yes, by the admin's default) beats the second.

    A tie rejects, as in a council vote. A poll whose first question has fewer than two
    options decides nothing: its proposals stay in vote for the administrators to settle.
    """
    question = poll.questions.order_by("position", "id").first()
    if question is None:
        return None
    options = list(question.options.order_by("position", "id").values_list("id", flat=True)[:2])
    if len(options) < 2:
        return None
    yes, no = (totals.get(option_id, 0) for option_id in options)
    return ProposalStatus.ACCEPTED if yes > no else ProposalStatus.REJECTED
