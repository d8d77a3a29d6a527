"""Who may review, publish and read results and turnout: one predicate per action, used everywhere.

Results stay hidden from everyone, administrators included, until the poll
closes; after the close an administrator reviews and publishes them; only then
does the public see them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.permissions import Actor
from accounts.roles import ADMINISTRATOR, has_role
from decide.refusals import NotAllowed, NotFound, Refused
from votes.models import Poll
from votes.permissions import results_hidden_reason

__all__ = [
    "can_publish_results",
    "can_read_activity",
    "can_review_results",
    "can_view_turnout",
    "results_hidden_reason",
    "results_publish_refusal",
    "results_refusal",
    "results_review_refusal",
]


def results_refusal(user: Actor | None, poll: Poll) -> Refused | None:
    """Why `user` may not see this poll's results, totals or ballots, or None: the one rule for every reader.

    Every page, download, bulletin and API route of results asks this. Before the close nobody
    (403); after the close and before publication nobody either, administrators reading them
    only through the review (404, "not yet published"); once published, everyone alike.
    """
    if reason := results_hidden_reason(poll):
        return NotAllowed(reason)
    if not poll.results_published:
        return NotFound(_("The results of this poll are not yet published."))
    return None


def results_review_refusal(user: Actor | None, poll: Poll) -> Refused | None:
    """Why `user` may not review this poll's results before publication, or None (administrators, after the close)."""
    if reason := results_hidden_reason(poll):
        return NotAllowed(reason)
    if not has_role(user, ADMINISTRATOR):
        return NotAllowed(_("Only administrators review results before publication."))
    return None


def can_review_results(user: Actor | None, poll: Poll) -> bool:
    """The administrators' review before publication: only after the close."""
    return results_review_refusal(user, poll) is None


def results_publish_refusal(user: Actor | None, poll: Poll) -> str | None:
    """Why `user` may not publish this poll's results, or None if they may."""
    if not has_role(user, ADMINISTRATOR):
        return _("Only administrators publish results.")
    if reason := results_hidden_reason(poll):
        return reason
    if poll.results_published:
        return _("These results are already published.")
    return None


def can_publish_results(user: Actor | None, poll: Poll) -> bool:
    return results_publish_refusal(user, poll) is None


def can_view_turnout(user: Actor | None, poll: Poll) -> bool:
    """The live turnout dashboard (turnout by group, never choices): administrators."""
    return has_role(user, ADMINISTRATOR)


def can_read_activity(user: Actor | None) -> bool:
    """Administrators read the platform's weekly activity (people by stage and channel, suppressed)."""
    return has_role(user, ADMINISTRATOR)
