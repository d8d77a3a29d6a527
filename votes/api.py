"""The public, read-only open-data API: processes, proposals, polls, results and statistics.

Only what the public may see: live public process pages, proposals in public
statuses (no hidden, draft, withdrawn or waiting ones), polls, and results and
statistics only once published, with small cells suppressed as on the pages.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from proposals.models import PUBLIC_STATUSES, ProcessPage, Proposal
from proposals.selectors import public_proposals

from .exports import results_records, statistics_records
from .models import Poll
from .published import poll_publication, process_statistics
from .results_permissions import can_view_results, results_hidden_reason
from .stats import suppression_threshold

PAGE_SIZE = 20


class StrictPageNumberPagination(PageNumberPagination):
    """Page numbers past the last page are a clear 404, not an empty page that looks like 'no data'."""

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        count = self._items_count(queryset)
        pages = max(math.ceil(count / page_size), 1)
        if pagination.page > pages:
            raise HttpError(
                404,
                _("Page %(page)s does not exist: there are %(pages)s pages.")
                % {
                    "page": pagination.page,
                    "pages": pages,
                },
            )
        offset = (pagination.page - 1) * page_size
        return {"items": queryset[offset : offset + page_size], "count": count}


# --- schemas --------------------------------------------------------------------------


class ProcessOut(Schema):
    id: int
    title: str
    intro: str
    url: str | None
    scope_province: str | None
    scope_district: str | None
    proposals_opens: datetime
    proposals_closes: datetime
    supports_opens: datetime
    supports_closes: datetime
    debate_opens: datetime
    debate_closes: datetime
    vote_opens: datetime
    vote_closes: datetime


class ProposalOut(Schema):
    id: int
    process: int = Field(..., alias="process_id")
    title: str
    summary: str
    body: str = Field(..., description="Cleaned HTML (allowlist).")
    kind: str
    status: str
    category: str | None
    district: str | None
    support_count: int
    published_at: datetime | None


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


class ResultOut(Schema):
    question_id: int
    question: str
    option_id: int | None
    option: str
    group: str = Field(..., description="gender/area, 'unattributed' (booth ballots) or 'all'")
    votes: int | None = Field(..., description="null when suppressed")
    suppressed: bool


class ResultsOut(Schema):
    poll: int
    results_published_at: datetime | None
    suppression_threshold: int
    results: list[ResultOut]


# --- reads ----------------------------------------------------------------------------


def _public_processes() -> QuerySet[ProcessPage]:
    return ProcessPage.objects.live().public().select_related("scope_province", "scope_district").order_by("id")


def _process_out(page: ProcessPage) -> dict[str, Any]:
    return {
        "id": page.pk,
        "title": page.title,
        "intro": page.intro,
        "url": page.get_url(),
        "scope_province": page.scope_province.name if page.scope_province else None,
        "scope_district": page.scope_district.name if page.scope_district else None,
        **{
            f"{phase}_{edge}": getattr(page, f"{phase}_{edge}")
            for phase in ("proposals", "supports", "debate", "vote")
            for edge in ("opens", "closes")
        },
    }


def _public_proposals() -> QuerySet[Proposal]:
    return (
        # public_proposals(): past moderation, not a side exit, and no blocked author.
        public_proposals()
        .filter(process__in=_public_processes())
        .select_related("category", "district")
        .order_by("-published_at", "-id")
    )


def _proposal_out(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "process_id": proposal.process_id,
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "kind": proposal.kind,
        "status": proposal.status,
        "category": proposal.category.name if proposal.category else None,
        "district": proposal.district.name if proposal.district else None,
        "support_count": proposal.support_count,
        "published_at": proposal.published_at,
    }


def _public_polls() -> QuerySet[Poll]:
    return (
        Poll.objects.filter(process__in=_public_processes())
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
        raise HttpError(404, _("There is no poll with this number."))
    if reason := results_hidden_reason(poll):
        raise HttpError(403, reason)
    if not can_view_results(None, poll):
        raise HttpError(404, _("The results of this poll are not yet published."))
    return poll


processes = Router(tags=["processes"])
proposals = Router(tags=["proposals"])
polls = Router(tags=["polls"])
results = Router(tags=["results"])
statistics = Router(tags=["statistics"])


@processes.get("/", response=list[ProcessOut], summary=gettext_noop("Participatory processes"))
@paginate(StrictPageNumberPagination, page_size=PAGE_SIZE)
def process_list(request: HttpRequest) -> Any:
    return _LazyMap(_public_processes(), _process_out)


@processes.get("/{process_id}", response=ProcessOut, summary=gettext_noop("One process"))
def process_detail(request: HttpRequest, process_id: int) -> Any:
    page = _public_processes().filter(pk=process_id).first()
    if page is None:
        raise HttpError(404, _("There is no public process with this number."))
    return _process_out(page)


@proposals.get("/", response=list[ProposalOut], summary=gettext_noop("Public proposals, newest first"))
@paginate(StrictPageNumberPagination, page_size=PAGE_SIZE)
def proposal_list(request: HttpRequest, process: int | None = None) -> Any:
    queryset = _public_proposals()
    if process is not None:
        queryset = queryset.filter(process_id=process)
    return _LazyMap(queryset, _proposal_out)


@proposals.get("/{proposal_id}", response=ProposalOut, summary=gettext_noop("One public proposal"))
def proposal_detail(request: HttpRequest, proposal_id: int) -> Any:
    proposal = _public_proposals().filter(pk=proposal_id).first()
    if proposal is None:
        raise HttpError(404, _("There is no public proposal with this number."))
    return _proposal_out(proposal)


@polls.get("/", response=list[PollOut], summary=gettext_noop("Polls, newest first"))
@paginate(StrictPageNumberPagination, page_size=PAGE_SIZE)
def poll_list(request: HttpRequest, process: int | None = None) -> Any:
    queryset = _public_polls()
    if process is not None:
        queryset = queryset.filter(process_id=process)
    return _LazyMap(queryset, _poll_out)


@polls.get("/{poll_id}", response=PollOut, summary=gettext_noop("One poll (no results: see /results/)"))
def poll_detail(request: HttpRequest, poll_id: int) -> Any:
    poll = _public_polls().filter(pk=poll_id).first()
    if poll is None:
        raise HttpError(404, _("There is no poll with this number."))
    return _poll_out(poll)


@results.get("/{poll_id}", response=ResultsOut, summary=gettext_noop("Published results by option and group"))
def poll_results(request: HttpRequest, poll_id: int) -> Any:
    poll = _published_poll(poll_id)
    threshold = suppression_threshold(request)
    _stages, questions = poll_publication(poll, threshold)
    return {
        "poll": poll.pk,
        "results_published_at": poll.results_published_at,
        "suppression_threshold": threshold,
        "results": results_records(questions),
    }


@statistics.get(
    "/polls/{poll_id}", response=StatisticsOut, summary=gettext_noop("Inclusion statistics of a poll (published)")
)
def poll_statistics(request: HttpRequest, poll_id: int) -> Any:
    poll = _published_poll(poll_id)
    threshold = suppression_threshold(request)
    stages, _questions = poll_publication(poll, threshold)
    return {"suppression_threshold": threshold, "statistics": statistics_records(stages)}


@statistics.get(
    "/processes/{process_id}", response=StatisticsOut, summary=gettext_noop("Inclusion statistics of a process")
)
def process_statistics_api(request: HttpRequest, process_id: int) -> Any:
    page = _public_processes().filter(pk=process_id).first()
    if page is None:
        raise HttpError(404, _("There is no public process with this number."))
    threshold = suppression_threshold(request)
    return {"suppression_threshold": threshold, "statistics": statistics_records(process_statistics(page, threshold))}


class _LazyMap:
    """A queryset the paginator can count and slice, mapped to output dicts only for the page it serves."""

    def __init__(self, queryset: QuerySet[Any], convert: Any) -> None:
        self.queryset = queryset
        self.convert = convert

    def all(self) -> QuerySet[Any]:
        return self.queryset

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [self.convert(item) for item in self.queryset[key]]

    def __len__(self) -> int:
        return self.queryset.count()
