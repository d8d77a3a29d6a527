"""Reads after the vote, shared by the proposal page, the outcomes page, the API and the open data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from proposals.models import ProcessPage, Proposal
from proposals.permissions import public_proposal_q

from .models import ANSWERABLE_STATUSES, Answer, AnswerState, Attachment, Milestone

OUTCOME_FIELDS = (
    "proposal",
    "process",
    "title",
    "status",
    "category",
    "district",
    "support_count",
    "answer_state",
    "answered_on",
    "responsible_body",
    "progress",
    "answers_due_on",
    "overdue",
)
OVERDUE = "overdue"
UNANSWERED = "unanswered"


def overdue_q(today: date | None = None) -> Q:
    """Owes an answer (qualified or voted), has none, and its process's answer date has passed."""
    return Q(
        status__in=ANSWERABLE_STATUSES,
        answer__isnull=True,
        process__answers_due_on__isnull=False,
        process__answers_due_on__lt=today or timezone.localdate(),
    )


def is_overdue(proposal: Proposal, today: date | None = None) -> bool:
    due = proposal.process.answers_due_on
    if due is None or proposal.status not in ANSWERABLE_STATUSES or due >= (today or timezone.localdate()):
        return False
    return not Answer.objects.filter(proposal=proposal).exists()


def overdue_among(process: ProcessPage, proposal_ids: Iterable[int], today: date | None = None) -> set[int]:
    """Which of these proposals of `process` owe an overdue answer: one query for a whole list page (none before
    the process's answer date), so each card can show it without asking again."""
    today = today or timezone.localdate()
    ids = list(proposal_ids)
    if not ids or process.answers_due_on is None or process.answers_due_on >= today:
        return set()
    overdue = Proposal.objects.filter(pk__in=ids, process=process).filter(overdue_q(today))
    return set(overdue.values_list("pk", flat=True))


def answer_of(proposal: Proposal) -> Answer | None:
    return Answer.objects.filter(proposal=proposal).first()


def milestones_of(proposal: Proposal) -> list[Milestone]:
    return list(Milestone.objects.filter(proposal=proposal).prefetch_related("attachments"))


def progress_of(milestones: list[Milestone]) -> int | None:
    """The progress of the latest milestone (by date): the proposal's progress bar; None before any."""
    return milestones[-1].progress if milestones else None


def proposal_attachments(proposal: Proposal) -> list[Attachment]:
    """The proposal's (or bill's) own documents, not those of its answer or milestones."""
    return list(Attachment.objects.filter(proposal=proposal, answer__isnull=True, milestone__isnull=True))


def answer_attachments(answer: Answer | None) -> list[Attachment]:
    return list(answer.attachments.all()) if answer is not None else []


def _latest_progress() -> Subquery:
    latest = Milestone.objects.filter(proposal=OuterRef("pk")).order_by("-date", "-id").values("progress")[:1]
    return Subquery(latest)


@dataclass(frozen=True)
class OutcomeFilters:
    category: int | None = None
    district: int | None = None
    state: str = ""  # an AnswerState, OVERDUE or UNANSWERED


def outcomes(*, process: ProcessPage, filters: OutcomeFilters | None = None) -> QuerySet[Proposal]:
    """Public proposals of `process` that owe an answer or have one, with their answer and latest progress."""
    filters = filters or OutcomeFilters()
    queryset = (
        Proposal.objects.filter(public_proposal_q(), process=process)
        .filter(Q(status__in=ANSWERABLE_STATUSES) | Q(answer__isnull=False))
        .select_related("answer", "category", "district", "process")
        .annotate(progress=_latest_progress())
        .order_by("-support_count", "-id")
    )
    if filters.category is not None:
        queryset = queryset.filter(category_id=filters.category)
    if filters.district is not None:
        queryset = queryset.filter(district_id=filters.district)
    if filters.state == OVERDUE:
        queryset = queryset.filter(overdue_q())
    elif filters.state == UNANSWERED:
        queryset = queryset.filter(answer__isnull=True)
    elif filters.state in AnswerState.values:
        queryset = queryset.filter(answer__state=filters.state)
    return queryset


def outcome_record(proposal: Proposal, *, today: date | None = None) -> dict[str, Any]:
    """One proposal's outcome as open data: plain values, no personal data beyond the public title."""
    answer: Answer | None = getattr(proposal, "answer", None)
    due = proposal.process.answers_due_on
    today = today or timezone.localdate()
    return {
        "proposal": proposal.pk,
        "process": proposal.process_id,
        "title": proposal.title,
        "status": proposal.status,
        "category": proposal.category.name if proposal.category else None,
        "district": proposal.district.name if proposal.district else None,
        "support_count": proposal.support_count,
        "answer_state": answer.state if answer else None,
        "answered_on": answer.answered_on.isoformat() if answer else None,
        "responsible_body": answer.responsible_body if answer else None,
        "progress": getattr(proposal, "progress", None),
        "answers_due_on": due.isoformat() if due else None,
        "overdue": answer is None and due is not None and due < today and proposal.status in ANSWERABLE_STATUSES,
    }


def milestone_records(process: ProcessPage) -> list[dict[str, Any]]:
    rows = (
        Milestone.objects.filter(proposal__process=process)
        .filter(Q(proposal__in=Proposal.objects.filter(public_proposal_q())))
        .order_by("proposal_id", "date", "id")
    )
    return [
        {
            "proposal": m.proposal_id,
            "date": m.date.isoformat(),
            "description": m.description,
            "progress": m.progress,
            "status": m.status,
        }
        for m in rows
    ]
