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
from votes.models import Participation, Poll
from votes.notifications import results_published
from votes.results.outcome import SEVERAL_CHOICES, WON, poll_outcome_of
from votes.results.permissions import results_publish_refusal
from votes.results.stats import poll_eligible_counts, poll_results_breakdown


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
    outcome = proposals_verdict(poll, totals={int(k): v for k, v in totals.items()})
    for proposal in poll.proposals.all():
        if outcome is not None and proposal.status == ProposalStatus.IN_VOTE:
            proposal_transition(proposal=proposal, to_status=outcome, actor=actor, reason=_("Result of the vote."))
    events.results_published(poll, url=reverse("votes:results", args=[poll.pk]))  # viewers told, after commit
    results_published(poll, actor=actor)
    return poll


def proposals_verdict(poll: Poll, *, totals: dict[int, int]) -> str | None:
    """What the vote makes of the poll's proposals, under the poll's rule and quorum (votes.results.outcome).

    Accepted when the first option of the first question (Yes, by the admin's default) wins under
    the rule; rejected otherwise (a tie, no majority, another option winning). Below the quorum the
    result is consultative only, and a first question with fewer than two options decides nothing:
    in both cases the proposals stay in vote for the administrators to settle. A first question
    allowing several choices keeps the plain comparison: accepted when the first option beats the second.
    """
    question = poll.questions.order_by("position", "id").first()
    if question is None:
        return None
    options = list(question.options.order_by("position", "id").values_list("id", "blank"))
    if len(options) < 2:
        return None
    participants = Participation.objects.filter(poll=poll).count()
    eligible = sum(poll_eligible_counts(poll).values())
    outcome = poll_outcome_of(
        rule=poll.outcome_rule,
        quorum_percent=poll.quorum_percent,
        participants=participants,
        eligible=eligible,
        questions=[
            (
                question.pk,
                question.max_choices,
                {option_id: totals.get(option_id, 0) for option_id, _blank in options},
                [option_id for option_id, blank in options if blank],
            )
        ],
    )
    if not outcome.binding:
        return None
    [decided] = outcome.questions
    first = options[0][0]
    if decided.status == SEVERAL_CHOICES:
        yes, no = (totals.get(option_id, 0) for option_id, _blank in options[:2])
        return ProposalStatus.ACCEPTED if yes > no else ProposalStatus.REJECTED
    return ProposalStatus.ACCEPTED if decided.status == WON and decided.winner == first else ProposalStatus.REJECTED
