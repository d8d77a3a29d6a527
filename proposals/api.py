"""The public, read-only open-data API of processes and proposals (routes of /api/v1/).

Only what the public may see: live public process pages and proposals in public statuses
(no hidden, draft, withdrawn or waiting ones, none by a blocked author).
"""

from __future__ import annotations

from datetime import date as calendar_date
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from decide.api_schema import answers
from decide.pagination import PAGE_SIZE, LazyMap, StrictPageNumberPagination
from decide.refusals import NotFound
from decide.uploads import download_name

from .followup import selectors as followup_selectors
from .followup.models import Attachment
from .models import ProcessPage, Proposal
from .selectors import public_process_pages, public_proposals


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
        .filter(process__in=public_process_pages())
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


processes = Router(tags=["processes"])
proposals = Router(tags=["proposals"])


@processes.get("/", response=answers(list[ProcessOut], 404), summary=gettext_noop("Participatory processes"))
@paginate(StrictPageNumberPagination, page_size=PAGE_SIZE)
def process_list(request: HttpRequest) -> Any:
    return LazyMap(public_process_pages(), _process_out)


@processes.get("/{process_id}", response=answers(ProcessOut, 404), summary=gettext_noop("One process"))
def process_detail(request: HttpRequest, process_id: int) -> Any:
    page = public_process_pages().filter(pk=process_id).first()
    if page is None:
        raise NotFound(_("There is no public process with this number."))
    return _process_out(page)


@proposals.get("/", response=answers(list[ProposalOut], 404), summary=gettext_noop("Public proposals, newest first"))
@paginate(StrictPageNumberPagination, page_size=PAGE_SIZE)
def proposal_list(request: HttpRequest, process: int | None = None) -> Any:
    queryset = _public_proposals()
    if process is not None:
        queryset = queryset.filter(process_id=process)
    return LazyMap(queryset, _proposal_out)


@proposals.get("/{proposal_id}", response=answers(ProposalOut, 404), summary=gettext_noop("One public proposal"))
def proposal_detail(request: HttpRequest, proposal_id: int) -> Any:
    proposal = _public_proposals().filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(_("There is no public proposal with this number."))
    return _proposal_out(proposal)


# --- after the vote (proposals.followup): the formal answer, milestones and documents of one proposal ---------


class AttachmentOut(Schema):
    name: str
    url: str
    content_type: str
    size: int
    alt_text: str
    download_only: bool


class AnswerOut(Schema):
    state: str
    text: str = Field(..., description="Cleaned HTML (allowlist).")
    responsible_body: str
    answered_on: calendar_date
    documents: list[AttachmentOut]


class MilestoneOut(Schema):
    date: calendar_date
    description: str
    progress: int
    status: str
    documents: list[AttachmentOut]


class OutcomeOut(Schema):
    proposal: int
    answer: AnswerOut | None
    overdue: bool
    answers_due_on: calendar_date | None
    progress: int | None = Field(..., description="The latest milestone's progress (%), or null before any.")
    milestones: list[MilestoneOut]
    documents: list[AttachmentOut] = Field(..., description="The proposal's (or bill's) own documents.")


def _attachment_out(attachment: Attachment) -> dict[str, Any]:
    name = download_name(attachment.original_name, attachment.content_type)
    return {
        "name": attachment.original_name,
        "url": reverse("proposals:attachment_file", args=[attachment.pk, name]),
        "content_type": attachment.content_type,
        "size": attachment.size,
        "alt_text": attachment.alt_text,
        "download_only": attachment.download_only,
    }


@proposals.get(
    "/{proposal_id}/outcome",
    response=answers(OutcomeOut, 404),
    summary=gettext_noop("What became of a public proposal: its official answer, milestones and documents"),
)
def proposal_outcome(request: HttpRequest, proposal_id: int) -> Any:
    proposal = _public_proposals().select_related("process").filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(_("There is no public proposal with this number."))
    answer = followup_selectors.answer_of(proposal)
    milestones = followup_selectors.milestones_of(proposal)
    return {
        "proposal": proposal.pk,
        "answer": None
        if answer is None
        else {
            "state": answer.state,
            "text": answer.text,
            "responsible_body": answer.responsible_body,
            "answered_on": answer.answered_on,
            "documents": [_attachment_out(a) for a in followup_selectors.answer_attachments(answer)],
        },
        "overdue": answer is None and followup_selectors.is_overdue(proposal),
        "answers_due_on": proposal.process.answers_due_on,
        "progress": followup_selectors.progress_of(milestones),
        "milestones": [
            {
                "date": m.date,
                "description": m.description,
                "progress": m.progress,
                "status": m.status,
                "documents": [_attachment_out(a) for a in m.attachments.all()],
            }
            for m in milestones
        ],
        "documents": [_attachment_out(a) for a in followup_selectors.proposal_attachments(proposal)],
    }
