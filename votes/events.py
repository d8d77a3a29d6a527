"""What is pushed live about a poll: turnout to the administrators' dashboards, "results out" to its viewers.

Like `proposals.events`: each kind a typed payload (a frozen dataclass whose fields are the
event's `data`), group names from the model (`Poll.live_group`, `Poll.turnout_live_group`),
sent only after commit. Neither kind is logged (there is nothing to catch up: the dashboard
sends a snapshot on connect, the poll page shows the results link on load), so their
envelope `id` is None. Call these from services only, inside their transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from django.db import transaction

from decide.cache_pages import HOME_SCOPE, touch_after_commit
from decide.live.publish import LiveEvent, encode_live_event, send_after_commit, send_to_group_now
from proposals import events as proposal_events
from proposals.events import PollResultsPublished
from votes.models import Poll
from votes.results.display import turnout_payload
from votes.results.stats import poll_eligible_counts_cached, poll_live_turnout

__all__ = ["EVENT_TYPES", "PollResultsPublished", "TurnoutChanged"]


@dataclass(frozen=True)
class TurnoutChanged:
    """Turnout by group (never choices), for the administrators' dashboard: raw figures, formatted by the page."""

    poll: int
    rows: list[dict[str, Any]]  # cell, label, participants, eligible, rate, index, low (votes.results.display)
    kind: ClassVar[Literal["poll.turnout"]] = "poll.turnout"


EVENT_TYPES: tuple[type[LiveEvent], ...] = (TurnoutChanged, PollResultsPublished)


def turnout_text(poll: Poll) -> str:
    """The dashboard's figures now, encoded: the snapshot a dashboard socket sends on connect, and each update."""
    payload = turnout_payload(*poll_live_turnout(poll))
    return encode_live_event(TurnoutChanged(poll=poll.pk, rows=payload["rows"]))


def turnout_send(poll_id: int) -> None:
    """Compute the figures once and send them to every dashboard of the poll (called after commit)."""
    poll = Poll.objects.select_related("process").filter(pk=poll_id).first()
    if poll is not None:
        send_to_group_now(poll.turnout_live_group, turnout_text(poll))


def turnout_changed(poll: Poll) -> None:
    """Call inside the transaction that recorded a participation: administrators' dashboards update after commit.

    Runs inside a voter's request, so the census is never counted here: without
    denominators cached for the current census (the dashboard page and socket cache
    them when they open) no dashboard has been opened since the census last changed,
    and there is nobody to tell.
    """
    if poll_eligible_counts_cached(poll) is None:
        return
    poll_id = poll.pk
    transaction.on_commit(lambda: turnout_send(poll_id))


def results_published(poll: Poll, *, url: str) -> PollResultsPublished:
    """Tell the poll page's viewers, and the viewers of each proposal put to it, that the results are out."""
    event = PollResultsPublished(poll=poll.pk, title=poll.title, url=url)
    send_after_commit(poll.live_group, encode_live_event(event))
    touch_after_commit(HOME_SCOPE)  # the home page's cached copy links to results
    for proposal in poll.proposals.all():
        proposal_events.poll_results_published(proposal, event)
    return event
