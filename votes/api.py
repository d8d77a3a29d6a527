"""The public, read-only open-data API of polls, results and statistics (routes of /api/v1/).

Only what the public may see: live public process pages, proposals in public
statuses (no hidden, draft, withdrawn or waiting ones), polls, and results and
statistics only once published, with small cells suppressed as on the pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from decide.api_schema import answers
from decide.pagination import PAGE_SIZE, LazyMap, StrictPageNumberPagination
from decide.refusals import NotFound
from proposals.models import PUBLIC_STATUSES
from proposals.selectors import public_process_pages
from votes.results.exports import outcome_records, results_records, statistics_records
from votes.results.permissions import results_refusal
from votes.results.published import (
    poll_outcome,
    poll_publication,
    process_age_statistics,
    process_channel_statistics,
    process_statistics,
)
from votes.results.stats import cells, suppression_threshold

from .models import Poll

# --- schemas --------------------------------------------------------------------------


class OptionOut(Schema):
    id: int
    label: str


class QuestionOut(Schema):
    id: int
    text: str
    max_choices: int
    options: list[OptionOut]


class PollOut(Schema):
    id: int
    process: int
    title: str
    description: str
    opens_at: datetime
    closes_at: datetime
    state: str = Field(..., description="upcoming, open or closed")
    results_published_at: datetime | None
    outcome_rule: str = Field(..., description="simple, absolute or two_thirds (majority of valid votes / of all cast)")
    quorum_percent: int = Field(..., description="share of the eligible census needed for a binding result; 0: none")
    proposals: list[int]
    questions: list[QuestionOut]


class StatisticOut(Schema):
    stage: str
    gender: str
    area: str
    participants: int | None = Field(..., description="null when suppressed")
    eligible: int | None
    participation_rate: float | None
    representation_index: float | None
    suppressed: bool


class StatisticsOut(Schema):
    suppression_threshold: int
    statistics: list[StatisticOut]


class ChannelStatisticOut(Schema):
    stage: str = Field(..., description="proposing or supporting")
    channel: str = Field(..., description="online, assisted (officer desk), paper (signature sheet), sms, or 'all'")
    group: str = Field(..., description="gender/area, or 'all'")
    participants: int | None = Field(..., description="distinct people; null when suppressed")
    suppressed: bool


class ChannelStatisticsOut(Schema):
    suppression_threshold: int
    statistics: list[ChannelStatisticOut]


class AgeStatisticOut(Schema):
    stage: str = Field(..., description="proposing, supporting, debating or voting")
    age_band: str = Field(..., description="16-29, 30-44, 45-64, 65+, unknown (no census record) or 'all'")
    participants: int | None = Field(..., description="distinct people; null when suppressed")
    eligible: int | None = Field(..., description="the census of the process's scope in that band")
    participation_rate: float | None
    representation_index: float | None
    suppressed: bool


class AgeStatisticsOut(Schema):
    suppression_threshold: int
    statistics: list[AgeStatisticOut]


class ResultOut(Schema):
    question_id: int
    question: str
    option_id: int | None
    option: str
    group: str = Field(..., description="gender/area, 'unattributed' (booth ballots) or 'all'")
    votes: int | None = Field(..., description="null when suppressed")
    suppressed: bool


class OutcomeOut(Schema):
    question_id: int
    rule: str = Field(..., description="simple, absolute or two_thirds")
    status: str = Field(..., description="won, tie, no_votes, short_of_majority or several_choices")
    winner_option_id: int | None
    winner: str | None
    votes_cast: int
    blank_votes: int
    valid_votes: int
    votes_needed: int | None = Field(..., description="votes an option needed under the rule; null for simple")
    quorum_percent: int
    participants: int
    eligible: int
    binding: bool = Field(..., description="false when turnout was below the quorum: the result is consultative")


class ResultsOut(Schema):
    poll: int
    results_published_at: datetime | None
    suppression_threshold: int
    binding: bool = Field(..., description="false when turnout was below the quorum: the result is consultative")
    outcomes: list[OutcomeOut]
    results: list[ResultOut]


# --- reads ----------------------------------------------------------------------------


def _public_polls() -> QuerySet[Poll]:
    return (
        Poll.objects.filter(process__in=public_process_pages())
        .prefetch_related("questions__options", "proposals__author")
        .order_by("-opens_at", "-id")
    )


def _poll_out(poll: Poll) -> dict[str, Any]:
    public_ids = {p.pk for p in poll.proposals.all() if p.status in PUBLIC_STATUSES and p.author.blocked_at is None}
    state = "closed" if poll.is_closed() else ("open" if poll.has_opened() else "upcoming")
    return {
        "id": poll.pk,
        "process": poll.process_id,
        "title": poll.title,
        "description": poll.description,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "state": state,
        "results_published_at": poll.results_published_at,
        "outcome_rule": poll.outcome_rule,
        "quorum_percent": poll.quorum_percent,
        "proposals": sorted(public_ids),
        "questions": [
            {
                "id": q.pk,
                "text": q.text,
                "max_choices": q.max_choices,
                "options": [{"id": o.pk, "label": o.label} for o in q.options.all()],
            }
            for q in poll.questions.all()
        ],
    }


def _published_poll(poll_id: int) -> Poll:
    poll = _public_polls().filter(pk=poll_id).first()
    if poll is None:
        raise NotFound(_("There is no poll with this number."))
    if refusal := results_refusal(None, poll):
        raise refusal
    return poll


polls = Router(tags=["polls"])
results = Router(tags=["results"])
statistics = Router(tags=["statistics"])


@polls.get("/", response=answers(list[PollOut], 404), summary=gettext_noop("Polls, newest first"))
@paginate(StrictPageNumberPagination, page_size=PAGE_SIZE)
def poll_list(request: HttpRequest, process: int | None = None) -> Any:
    queryset = _public_polls()
    if process is not None:
        queryset = queryset.filter(process_id=process)
    return LazyMap(queryset, _poll_out)


@polls.get("/{poll_id}", response=answers(PollOut, 404), summary=gettext_noop("One poll (no results: see /results/)"))
def poll_detail(request: HttpRequest, poll_id: int) -> Any:
    poll = _public_polls().filter(pk=poll_id).first()
    if poll is None:
        raise NotFound(_("There is no poll with this number."))
    return _poll_out(poll)


@results.get(
    "/{poll_id}", response=answers(ResultsOut, 403, 404), summary=gettext_noop("Published results by option and group")
)
def poll_results(request: HttpRequest, poll_id: int) -> Any:
    poll = _published_poll(poll_id)
    threshold = suppression_threshold(request)
    _stages, questions = poll_publication(poll, threshold)
    outcome = poll_outcome(poll, threshold)
    labels = {option.option_id: option.label for question in questions for option in question.options}
    return {
        "poll": poll.pk,
        "results_published_at": poll.results_published_at,
        "suppression_threshold": threshold,
        "binding": outcome.binding,
        "outcomes": outcome_records(outcome, labels),
        "results": results_records(questions),
    }


@statistics.get(
    "/polls/{poll_id}",
    response=answers(StatisticsOut, 403, 404),
    summary=gettext_noop("Inclusion statistics of a poll (published)"),
)
def poll_statistics(request: HttpRequest, poll_id: int) -> Any:
    poll = _published_poll(poll_id)
    threshold = suppression_threshold(request)
    stages, _questions = poll_publication(poll, threshold)
    return {"suppression_threshold": threshold, "statistics": statistics_records(stages)}


@statistics.get(
    "/processes/{process_id}",
    response=answers(StatisticsOut, 404),
    summary=gettext_noop("Inclusion statistics of a process"),
)
def process_statistics_api(request: HttpRequest, process_id: int) -> Any:
    page = public_process_pages().filter(pk=process_id).first()
    if page is None:
        raise NotFound(_("There is no public process with this number."))
    threshold = suppression_threshold(request)
    return {"suppression_threshold": threshold, "statistics": statistics_records(process_statistics(page, threshold))}


@statistics.get(
    "/processes/{process_id}/channels",
    response=answers(ChannelStatisticsOut, 404),
    summary=gettext_noop("People of a process by channel (online, desk, paper, SMS), gender and area"),
)
def process_channel_statistics_api(request: HttpRequest, process_id: int) -> Any:
    page = public_process_pages().filter(pk=process_id).first()
    if page is None:
        raise NotFound(_("There is no public process with this number."))
    threshold = suppression_threshold(request)
    rows = []
    for table in process_channel_statistics(page, threshold):
        if table.dropped:
            continue
        groups = [f"{g}/{a}" for g, a in cells()]
        for row in table.rows:
            for group, value in zip(groups, row.values, strict=True):
                rows.append(_channel_row(table.stage, row.channel, group, value))
            rows.append(_channel_row(table.stage, row.channel, "all", row.total))
        for group, value in zip(groups, table.totals, strict=True):
            rows.append(_channel_row(table.stage, "all", group, value))
        rows.append(_channel_row(table.stage, "all", "all", table.grand_total))
    return {"suppression_threshold": threshold, "statistics": rows}


@statistics.get(
    "/processes/{process_id}/ages",
    response=answers(AgeStatisticsOut, 404),
    summary=gettext_noop("People of a process by age band (from the census birth date), stage by stage"),
)
def process_age_statistics_api(request: HttpRequest, process_id: int) -> Any:
    page = public_process_pages().filter(pk=process_id).first()
    if page is None:
        raise NotFound(_("There is no public process with this number."))
    threshold = suppression_threshold(request)
    rows = [
        {
            "stage": table.stage,
            "age_band": row.band,
            "participants": row.participants,
            "eligible": row.eligible,
            "participation_rate": None if row.rate is None else round(row.rate, 6),
            "representation_index": None if row.representation_index is None else round(row.representation_index, 6),
            "suppressed": row.suppressed,
        }
        for table in process_age_statistics(page, threshold)
        for row in table.rows
    ]
    return {"suppression_threshold": threshold, "statistics": rows}


def _channel_row(stage: str, channel: str, group: str, value: int | None) -> dict[str, Any]:
    return {"stage": stage, "channel": channel, "group": group, "participants": value, "suppressed": value is None}
