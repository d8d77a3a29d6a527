"""Who may do what with polls, ballots and booths: one predicate per action.

Views, templates and services all ask these, so a rule changes in one place.
`ballot_refusal` returns the reason in words (or None) because a refused voter
must be told why; `can_cast_ballot` is its yes/no form.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import CensusRecord
from accounts.permissions import AccountNeed, AccountRefusal, Actor, account_refusal
from accounts.roles import ADMINISTRATOR, OFFICER, has_role

from .models import Booth, Poll


def can_manage_polls(user: Actor) -> bool:
    """Create, schedule and edit polls (Wagtail admin)."""
    return has_role(user, ADMINISTRATOR)


def census_in_scope(census_record: CensusRecord, poll: Poll) -> bool:
    """A poll's scope is a province, a district, or (neither set) the whole region."""
    if poll.scope_district_id is not None:
        return census_record.district_id == poll.scope_district_id
    if poll.scope_province_id is not None:
        return census_record.district.province_id == poll.scope_province_id
    return True


def poll_refusal(poll: Poll) -> str | None:
    """Why nobody can vote in `poll` right now, or None while it is open."""
    if not poll.has_opened():
        return _("This poll has not opened yet.")
    if poll.is_closed():
        return _("This poll is closed.")
    return None


def ballot_refusal(user: Actor, poll: Poll) -> str | None:
    """Why `user` may not cast a web ballot in `poll`, or None if they may."""
    if account_refusal(user) is AccountRefusal.SIGNED_OUT:
        return _("Sign in to vote.")
    if reason := poll_refusal(poll):
        return reason
    if not poll.allow_web:
        return _("This poll is held at polling booths only.")
    if refusal := account_refusal(user, need=AccountNeed.VERIFIED):
        if refusal is AccountRefusal.UNVERIFIED:
            return _("Only verified citizens can vote. Verify your identity first.")
        return refusal.message
    census_record = getattr(user, "census_record", None)
    if census_record is None or not census_in_scope(census_record, poll):
        return _("Your census record is outside the area of this poll.")
    return None


def can_cast_ballot(user: Actor, poll: Poll) -> bool:
    return ballot_refusal(user, poll) is None


def can_operate_booths(user: Actor, poll: Poll) -> bool:
    """Open booths and record in-person participation: officers, for polls with booth voting."""
    return poll.allow_booth and has_role(user, OFFICER)


def can_record_booth_participation(user: Actor, booth: Booth) -> bool:
    return can_operate_booths(user, booth.poll) and booth.poll.is_open() and booth.closed_at is None


def can_enter_tallies(user: Actor, booth: Booth) -> bool:
    """Paper tallies are counted after the close, and frozen once results are published."""
    poll = booth.poll
    return can_operate_booths(user, poll) and poll.is_closed() and not poll.results_published


def results_hidden_reason(poll: Poll) -> str | None:
    """Why per-option counts exist for nobody, administrators included, or None once the poll has closed."""
    if not poll.is_closed():
        return _("Results are hidden from everyone, administrators included, until the poll closes.")
    return None
