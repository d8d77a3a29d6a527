"""Platform activity week by week, for administrators: people by stage and channel, small cells suppressed.

Four stages — proposing (proposals put forward), supporting, commenting, voting — each
counted as distinct people per week (a person who supported twice in a week counts
once that week), broken down by channel: online, at an officer's desk, on a paper
sheet, by SMS for proposals and supports; online or at a booth for votes. Every
figure is one grouped query over the week's rows; nothing about who is read.

The same suppression as the published statistics: each week's stage is declared to
`votes.results.disclosure` (channels as atoms, the stage's people as their total;
someone who used two channels counts in both, so the total lies between the largest
channel and their sum, and is their sum when nobody did: the reader is assumed to know
that), and the decision hides every small figure and whatever would give it back by
difference. Weeks are not added up anywhere (people repeat from week
to week), so no figure spans two weeks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals.models import Channel as ParticipationChannel
from proposals.models import Comment, Proposal, ProposalStatus, Support
from votes.models import Channel as VotingChannel
from votes.models import Participation
from votes.results.disclosure import Decision, DisclosureModel, disclosure_decide

PROPOSING, SUPPORTING, COMMENTING, VOTING = "proposing", "supporting", "commenting", "voting"
ACTIVITY_STAGES: tuple[str, ...] = (PROPOSING, SUPPORTING, COMMENTING, VOTING)
STAGE_LABELS = {
    PROPOSING: _("Proposing"),
    SUPPORTING: _("Supporting"),
    COMMENTING: _("Commenting"),
    VOTING: _("Voting"),
}
ONLINE = ParticipationChannel.ONLINE.value
STAGE_CHANNELS: dict[str, tuple[str, ...]] = {
    PROPOSING: tuple(ParticipationChannel.values),
    SUPPORTING: tuple(ParticipationChannel.values),
    COMMENTING: (ONLINE,),  # comments are written on the site only
    VOTING: tuple(VotingChannel.values),
}
CHANNEL_LABELS = {**dict(ParticipationChannel.choices), **dict(VotingChannel.choices)}
WEEK_CHOICES = (12, 26, 52)
ALL = "*"
# A past week's figures never change; the current week's do. Kept a few minutes: the page is for a few people.
CACHE_SECONDS = 5 * 60

# week start -> stage -> channel (or ALL for the stage's people) -> count
Activity = dict[date, dict[str, dict[str, int]]]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(until: date, count: int) -> list[date]:
    last = week_start(until)
    return [last - timedelta(weeks=k) for k in range(count - 1, -1, -1)]


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def _count_by_week(
    rows: QuerySet[Any], moment: str, person: str, channel: str | None, into: Activity, stage: str
) -> None:
    """Distinct people per week (and per channel, or ALL when `channel` is None), added into `into`."""
    fields = ["week", channel] if channel else ["week"]
    grouped = (
        rows.order_by()
        .annotate(week=TruncWeek(moment))
        .values(*fields)
        .annotate(n=Count(person, distinct=True))
        .values_list(*fields, "n")
    )
    for row in grouped:
        week = _as_date(row[0])
        key = row[1] if channel else ALL
        n = row[-1]
        if week in into and key in into[week][stage]:
            into[week][stage][key] += n


def activity_counts(*, weeks: int, until: date | None = None) -> Activity:
    """Raw counts of the last `weeks` weeks (the current one included): not suppressed."""
    until = until or timezone.localdate()
    starts = _weeks(until, weeks)
    zone = timezone.get_current_timezone()
    since = datetime.combine(starts[0], time.min, tzinfo=zone)
    result: Activity = {
        week: {stage: dict.fromkeys([ALL, *STAGE_CHANNELS[stage]], 0) for stage in ACTIVITY_STAGES} for week in starts
    }
    proposals = Proposal.objects.exclude(status=ProposalStatus.DRAFT).filter(created_at__gte=since)
    supports = Support.objects.filter(created_at__gte=since)
    comments = Comment.objects.filter(created_at__gte=since)
    votes = Participation.objects.filter(day__gte=starts[0])
    sources: list[tuple[str, QuerySet[Any], str, str, str | None]] = [
        (PROPOSING, proposals, "created_at", "author_id", "channel"),
        (SUPPORTING, supports, "created_at", "census_record_id", "channel"),
        (COMMENTING, comments, "created_at", "author_id", None),
        (VOTING, votes, "day", "census_record_id", "channel"),
    ]
    for stage, rows, moment, person, channel in sources:
        _count_by_week(rows, moment, person, None, result, stage)
        if channel:
            _count_by_week(rows, moment, person, channel, result, stage)
        else:
            for week in result:
                result[week][stage][ONLINE] = result[week][stage][ALL]
    return result


def activity_key(week: date, stage: str, channel: str) -> str:
    return f"activity.{week.isoformat()}.{stage}:{channel}"


def activity_model(activity: Activity) -> DisclosureModel:
    """Each week's stage: its channels (atoms) and its people, with what ties them (see the module)."""
    model = DisclosureModel()
    for week, stages in activity.items():
        for stage, counts in stages.items():
            table = f"activity.{week.isoformat()}.{stage}"
            people = model.atom(f"{table}:people", counts[ALL])
            model.figure(activity_key(week, stage, ALL), table, {people: 1}, total=True, row=stage, column=ALL)
            channels = [c for c in counts if c != ALL]
            if len(channels) == 1:  # the only channel is the stage itself: one figure, already declared
                continue
            atoms = {c: model.atom(f"{table}:{c}", counts[c]) for c in channels}
            for channel, atom in atoms.items():
                model.figure(activity_key(week, stage, channel), table, {atom: 1}, row=stage, column=channel)
                model.relate({atom: 1, people: -1}, equal=False)
            # When nobody used two channels that week (one poll, one channel per voter), a reader who knows it
            # reads the people as the channels' sum: assume the reader knows (declared only when true).
            together = {people: 1, **dict.fromkeys(atoms.values(), -1)}
            if not model.relate(together, equal=True):
                model.relate(together, equal=False)
    return model


def activity_decision(activity: Activity, threshold: int) -> Decision:
    return disclosure_decide(activity_model(activity), threshold)


@dataclass(frozen=True)
class WeekRow:
    week: date
    # per stage: (the stage's people, then each channel), None where suppressed
    stages: dict[str, list[int | None]]

    def cells(self) -> Iterable[int | None]:
        for stage in ACTIVITY_STAGES:
            yield from self.stages[stage]


def activity_columns() -> list[tuple[str, list[str]]]:
    """The table's column groups in the reader's language: (stage, [its people, then its channels])."""
    columns = []
    for stage in ACTIVITY_STAGES:
        channels = STAGE_CHANNELS[stage] if len(STAGE_CHANNELS[stage]) > 1 else ()
        columns.append((str(STAGE_LABELS[stage]), [str(_("People")), *(str(CHANNEL_LABELS[c]) for c in channels)]))
    return columns


def activity_rows(*, weeks: int, threshold: int, until: date | None = None) -> list[WeekRow]:
    """The dashboard's figures, suppressed; kept a few minutes per (weeks, day, threshold)."""
    until = until or timezone.localdate()
    key = f"votes:activity:{weeks}:{until.isoformat()}:{threshold}"
    cached: list[WeekRow] | None = cache.get(key)
    if cached is not None:
        return cached
    activity = activity_counts(weeks=weeks, until=until)
    decision = activity_decision(activity, threshold)
    rows = [
        WeekRow(
            week=week,
            stages={
                stage: [
                    counts[channel] if decision.shows(activity_key(week, stage, channel)) else None
                    for channel in [ALL, *STAGE_CHANNELS[stage]]
                    if channel == ALL or len(STAGE_CHANNELS[stage]) > 1
                ]
                for stage, counts in stages.items()
            },
        )
        for week, stages in activity.items()
    ]
    cache.set(key, rows, CACHE_SECONDS)
    return rows
