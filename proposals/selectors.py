"""Reads of processes and proposals shared by views, the admin, the API and other apps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from math import ceil
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from wagtail.search.backends import get_search_backend

from accounts.selectors import census_stamp_columns, census_stamp_of, eligible_census

from .models import (
    PUBLIC_STATUSES,
    Category,
    Comment,
    Flag,
    Follow,
    Phase,
    ProcessPage,
    Proposal,
    ProposalStatus,
    Support,
)
from .permissions import VISIBLE_STATUSES, can_view_proposal, public_proposal_q

SORTS = {"newest": ("-published_at", "-id"), "supported": ("-support_count", "-published_at", "-id")}


def support_threshold(*, percent: Decimal, eligible: int) -> int:
    """ceil(percent % of the eligible census), at least one support."""
    return max(1, ceil(Decimal(eligible) * percent / Decimal(100)))


# Counting the census of a scope scans up to a million rows on every proposal page, yet the count
# changes only when records come or go: cached with the census stamp it was read at (its newest
# record, its newest finished import). The expiry is a backstop, not the invalidation.
ELIGIBLE_COUNT_SECONDS = 15 * 60


def _census_row(process: ProcessPage, *, with_count: bool) -> dict[str, Any]:
    """The census stamp (and, on a cold cache, the scope's count) in ONE query, so pages keep a constant count."""
    columns: dict[str, Any] = census_stamp_columns()
    if with_count:
        # eligible_census's scoping by ids, so the page does not fetch the district or province rows first.
        scope = eligible_census()
        if process.scope_district_id is not None:
            scope = scope.filter(district_id=process.scope_district_id)
        elif process.scope_province_id is not None:
            scope = scope.filter(district__province_id=process.scope_province_id)
        count_all = Func(template="COUNT(*)", output_field=IntegerField())
        columns["eligible"] = Subquery(scope.order_by().annotate(n=count_all).values("n")[:1])
    row: dict[str, Any] = ProcessPage.objects.filter(pk=process.pk).values(**columns).get()
    row["stamp"] = census_stamp_of(row)
    return row


def eligible_count(process: ProcessPage) -> int:
    """The eligible census of the scope of `process`: one small query when cached, one count when not."""
    key = f"proposals:eligible:{process.scope_province_id or '-'}:{process.scope_district_id or '-'}"
    cached: tuple[str, int] | None = cache.get(key)
    if cached is None:
        row = _census_row(process, with_count=True)
    else:
        row = _census_row(process, with_count=False)
        if row["stamp"] == cached[0]:
            return cached[1]
        row = _census_row(process, with_count=True)  # the census changed since: count again
    count = int(row["eligible"] or 0)
    cache.set(key, (row["stamp"], count), ELIGIBLE_COUNT_SECONDS)
    return count


def process_support_threshold(process: ProcessPage) -> int:
    """The supports a proposal of `process` needs, from the eligible census of the process scope."""
    return support_threshold(percent=process.support_threshold_percent, eligible=eligible_count(process))


def public_proposals() -> QuerySet[Proposal]:
    """Every proposal the public may see listed (any process): for the API, exports and other apps."""
    return Proposal.objects.filter(public_proposal_q())


def proposal_for_viewer(*, process: ProcessPage, proposal_id: int, user: Any) -> Proposal:
    """The proposal `proposal_id` of `process` if `user` may see it; 404 otherwise (missing and hidden alike)."""
    proposal = (
        Proposal.objects.select_related("author", "category", "district__province", "process")
        .filter(process=process, pk=proposal_id)
        .first()
    )
    if proposal is None or not can_view_proposal(user, proposal):
        raise Http404("No such proposal.")
    return proposal


@dataclass(frozen=True)
class ProposalFilters:
    query: str = ""
    category: int | None = None
    district: int | None = None
    status: str = ""
    sort: str = "newest"


def proposal_list(*, process: ProcessPage, filters: ProposalFilters) -> Any:
    """Public proposals of `process`, filtered and sorted; a search (Wagtail backend) when there is a query.

    Returns a queryset or search results; either pages with a constant number of
    queries (authors, categories and districts come in by join).
    """
    statuses: tuple[str, ...] = PUBLIC_STATUSES
    if filters.status in VISIBLE_STATUSES:
        statuses = (filters.status,)
    # Withdrawn proposals are listed only when asked for; blocked authors' never.
    proposals = Proposal.objects.filter(process=process, status__in=statuses, author__blocked_at__isnull=True)
    if filters.category:
        proposals = proposals.filter(category_id=filters.category)
    if filters.district:
        proposals = proposals.filter(district_id=filters.district)
    proposals = proposals.select_related("author", "category", "district").order_by(
        *SORTS.get(filters.sort, SORTS["newest"])
    )
    # Words only: quotes and operators mean nothing to a citizen, and an unbalanced quote is a syntax
    # error in SQLite's full-text search (a 500 for typing «"agua»).
    words = " ".join(re.findall(r"\w+", filters.query or ""))
    if words:
        return get_search_backend().search(words, proposals, order_by_relevance=False)
    return proposals


def public_comment_counts(proposal_ids: list[int]) -> dict[int, int]:
    """Comments the public sees, per proposal of one list page: one grouped query whatever the page holds."""
    rows = (
        Comment.objects.filter(
            proposal_id__in=proposal_ids,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
            author__blocked_at__isnull=True,
        )
        .values("proposal_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["proposal_id"]: row["n"] for row in rows}


def proposal_counts_by_status(process: ProcessPage) -> dict[str, int]:
    rows = (
        Proposal.objects.filter(process=process)
        .filter(public_proposal_q())
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def user_support(*, user: Any, proposal: Proposal) -> Support | None:
    record_id = getattr(user, "census_record_id", None)
    if record_id is None:
        return None
    return Support.objects.filter(proposal=proposal, census_record_id=record_id).first()


def user_follows(*, user: Any, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(proposal=proposal, user=user).exists()


def user_flagged(*, user: Any, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Flag.objects.filter(proposal=proposal, reporter=user).exists()


def proposals_of_author(*, process: ProcessPage, user: Any) -> QuerySet[Proposal]:
    """An author's own proposals in `process`, whatever their state (their 'my proposals' box)."""
    if not getattr(user, "is_authenticated", False):
        return Proposal.objects.none()
    return Proposal.objects.filter(process=process, author=user).order_by("-created_at")


def moderation_queue() -> QuerySet[Proposal]:
    """Proposals waiting for a moderator: submitted, or with open flags."""
    open_flags = Flag.objects.filter(proposal=OuterRef("pk"), resolved_at__isnull=True)
    return (
        Proposal.objects.annotate(has_open_flags=Exists(open_flags))
        .filter(Q(status=ProposalStatus.SUBMITTED) | Q(has_open_flags=True))
        .select_related("author", "process")
        .order_by("created_at")
    )


def open_flags() -> QuerySet[Flag]:
    return Flag.objects.filter(resolved_at__isnull=True, proposal__isnull=False).select_related("proposal", "reporter")


def public_process_pages() -> QuerySet[ProcessPage]:
    """Live, public process pages, oldest first: what the open data lists (API, exports)."""
    pages: QuerySet[ProcessPage] = (
        ProcessPage.objects.live().public().select_related("scope_province", "scope_district").order_by("id")
    )
    return pages


@dataclass(frozen=True)
class ProcessNow:
    """What a visitor can do in a process today: its open phases, the main action and until when."""

    process: ProcessPage
    phases: list[Phase]
    action: str  # "propose", "support", "debate", "vote", "upcoming" or "results"
    until: datetime | None
    opens: datetime | None

    @property
    def rank(self) -> int:
        """Open processes first, then those about to open, then the finished ones."""
        return {"upcoming": 1, "results": 2}.get(self.action, 0)


def process_now(process: ProcessPage, at: datetime | None = None) -> ProcessNow:
    now = at or timezone.now()
    phases = process.current_phases(now)
    closes = {
        Phase.PROPOSALS: process.proposals_closes,
        Phase.SUPPORTS: process.supports_closes,
        Phase.DEBATE: process.debate_closes,
        Phase.VOTE: process.vote_closes,
    }
    # A vote outranks everything open beside it; then proposing, supporting, debating.
    for phase, action in (
        (Phase.VOTE, "vote"),
        (Phase.PROPOSALS, "propose"),
        (Phase.SUPPORTS, "support"),
        (Phase.DEBATE, "debate"),
    ):
        if phase in phases:
            return ProcessNow(process, phases, action, closes[phase], None)
    if Phase.UPCOMING in phases:
        upcoming = [
            opens
            for opens in (process.proposals_opens, process.supports_opens, process.debate_opens, process.vote_opens)
            if opens > now
        ]
        return ProcessNow(process, phases, "upcoming", None, min(upcoming) if upcoming else None)
    return ProcessNow(process, phases, "results", None, None)


def processes_now(at: datetime | None = None) -> list[ProcessNow]:
    """Every public process with what can be done in it now: open ones first, soonest deadline first."""
    rows = [process_now(process, at) for process in ProcessPage.objects.live().public().order_by("id")]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda row: (row.rank, row.until or row.opens or far))


def recently_qualified(limit: int = 3) -> list[Proposal]:
    """Proposals that reached their threshold most recently (public ones, authors not blocked)."""
    return list(
        Proposal.objects.filter(public_proposal_q(), status=ProposalStatus.QUALIFIED)
        .select_related("process", "district")
        .order_by("-updated_at", "-id")[:limit]
    )
