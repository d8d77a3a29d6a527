"""Who hears about polls: the eligible voters of a poll's scope (the rules votes owns).

Nothing here looks at ballots. The reminder asks only whether a person took part
(Participation), tells nobody but that person, and its words are the same for everyone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import User
from accounts.selectors import eligible_census
from notifications.kinds import Kind
from notifications.selectors import event_announced
from notifications.services import notify

from .models import Participation, Poll

REMINDER_BEFORE = timedelta(hours=48)


def poll_voters(poll: Poll) -> QuerySet[User]:
    """Verified accounts whose census record is in the poll's scope: the people who may vote in it."""
    census = eligible_census(scope_province=poll.scope_province, scope_district=poll.scope_district)
    return User.objects.filter(is_active=True, census_record__in=census)


def _closes(poll: Poll) -> str:
    # A date every language reads (ISO), in the site's time zone: the templates put it in a sentence.
    return formats.date_format(timezone.localtime(poll.closes_at), "Y-m-d H:i")


def poll_opened(poll: Poll) -> bool:
    """Announce once that `poll` is open to its voters; returns whether it announced now."""
    key = f"poll-opened:{poll.pk}"
    voters = poll_voters(poll)
    if event_announced(kind=Kind.POLL_OPENED, key=key) or not voters.exists():
        return False
    notify(
        kind=Kind.POLL_OPENED,
        recipients=voters,
        key=key,
        params={"poll": poll.title, "closes": _closes(poll)},
        url=reverse("votes:detail", args=[poll.pk]),
    )
    return True


def poll_reminder(poll: Poll) -> bool:
    """Remind, once, the voters who have not taken part; returns whether it reminded now."""
    key = f"poll-reminder:{poll.pk}"
    if event_announced(kind=Kind.POLL_REMINDER, key=key):
        return False
    took_part = Participation.objects.filter(poll=poll).values("census_record_id")
    absent = poll_voters(poll).exclude(census_record__in=took_part)
    if not absent.exists():
        return False
    notify(
        kind=Kind.POLL_REMINDER,
        recipients=absent,
        key=key,
        params={"poll": poll.title, "closes": _closes(poll)},
        url=reverse("votes:detail", args=[poll.pk]),
    )
    return True


def results_published(poll: Poll, *, actor: User | None) -> None:
    notify(
        kind=Kind.RESULTS_PUBLISHED,
        recipients=poll_voters(poll),
        key=f"results:{poll.pk}",
        params={"poll": poll.title},
        url=reverse("votes:results", args=[poll.pk]),
        actor=actor,
    )


def polls_tick(now: datetime | None = None) -> list[str]:
    """The periodic part (close_polls' clock): announce polls that opened, remind before they close."""
    now = now or timezone.now()
    said: list[str] = []
    for poll in Poll.objects.filter(opens_at__lte=now, closes_at__gt=now).select_related(
        "scope_province", "scope_district"
    ):
        if poll_opened(poll):
            said.append(f"Poll {poll.pk}: voters told it is open.")
        if poll.closes_at - REMINDER_BEFORE <= now and poll_reminder(poll):
            said.append(f"Poll {poll.pk}: voters who have not taken part reminded.")
    return said
