"""Who may review, publish and read results and turnout: one predicate per action, used everywhere.

Results stay hidden from everyone, administrators included, until the poll
closes; after the close an administrator reviews and publishes them; only then
does the public see them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.roles import ADMINISTRATOR, has_role
from votes.models import Poll


def results_hidden_reason(poll: Poll) -> str | None:
    """Why nobody at all may see this poll's results yet, or None once it has closed."""
    if not poll.is_closed():
        return _("Results are hidden from everyone, administrators included, until the poll closes.")
    return None


def can_review_results(user: object, poll: Poll) -> bool:
    """The administrators' review before publication: only after the close."""
    return has_role(user, ADMINISTRATOR) and results_hidden_reason(poll) is None


def results_publish_refusal(user: object, poll: Poll) -> str | None:
    """Why `user` may not publish this poll's results, or None if they may."""
    if not has_role(user, ADMINISTRATOR):
        return _("Only administrators publish results.")
    if reason := results_hidden_reason(poll):
        return reason
    if poll.results_published:
        return _("These results are already published.")
    return None


def can_publish_results(user: object, poll: Poll) -> bool:
    return results_publish_refusal(user, poll) is None


def can_view_results(user: object, poll: Poll) -> bool:
    """The public results page, exports and API: published results only, for everyone alike."""
    return poll.results_published and poll.is_closed()


def can_view_turnout(user: object, poll: Poll) -> bool:
    """The live turnout dashboard (turnout by group, never choices): administrators."""
    return has_role(user, ADMINISTRATOR)
