"""The bills' texts in the open-data API (routes of /api/v1/legislation/): versions, annotations, amendments.

Only bills anyone may read (legislation.selectors.public_drafts); only shown annotations.
Each version carries the SHA-256 of its JSON and Markdown downloads, the same bytes as the
files on the bill's versions page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Router, Schema
from ninja.pagination import paginate

from decide.api_schema import answers
from decide.pagination import PAGE_SIZE, LazyMap, StrictPageNumberPagination
from decide.refusals import NotFound

from . import exports
from .models import Draft, Version
from .selectors import public_drafts


class Refusal(Schema):
    detail: str


class SectionOut(Schema):
    key: str
    kind: str
    number: str
    heading: str
    text: str


class DraftOut(Schema):
    id: int
    bill: int
    title: str
    process: int
    latest_version: int
    reading_opens: datetime
    annotation_opens: datetime
    annotation_closes: datetime
    amendments_opens: datetime
    amendments_closes: datetime
    final_text_on: datetime
    url: str


class VersionOut(Schema):
    number: int
    created_at: datetime
    note: str
    json_url: str
    json_sha256: str
    markdown_url: str
    markdown_sha256: str


class VersionTextOut(VersionOut):
    sections: list[SectionOut]


class AnnotationOut(Schema):
    id: int
    section: str
    amendment: int | None
    quote: str
    stance: str
    text: str
    author: str
    version: int
    created_at: str


class AmendmentOut(Schema):
    id: int
    section: str
    base_version: int
    text: str
    justification: str
    author: str
    status: str
    reason: str
    merged_into_version: int | None
    supports: int
    created_at: str
    decided_at: str | None


def _draft(draft_id: int) -> Draft:
    draft = public_drafts().filter(pk=draft_id).first()
    if draft is None:
        raise NotFound(_("There is no public bill text with this number."))
    return draft


def _draft_out(draft: Draft) -> dict[str, Any]:
    latest = max((v.number for v in draft.versions.all()), default=1)
    return {
        "id": draft.pk,
        "bill": draft.proposal_id,
        "title": draft.proposal.title,
        "process": draft.proposal.process_id,
        "latest_version": latest,
        "reading_opens": draft.reading_opens,
        "annotation_opens": draft.annotation_opens,
        "annotation_closes": draft.annotation_closes,
        "amendments_opens": draft.amendments_opens,
        "amendments_closes": draft.amendments_closes,
        "final_text_on": draft.final_text_on,
        "url": reverse("legislation:draft", args=[draft.pk]),
    }


def _version_out(version: Version, *, with_text: bool = False) -> dict[str, Any]:
    sums = exports.version_checksums(version)
    out: dict[str, Any] = {
        "number": version.number,
        "created_at": version.created_at,
        "note": version.note,
        "json_url": reverse("legislation:version_download", args=[version.draft_id, version.number, "json"]),
        "json_sha256": sums["json"],
        "markdown_url": reverse("legislation:version_download", args=[version.draft_id, version.number, "md"]),
        "markdown_sha256": sums["md"],
    }
    if with_text:
        out["sections"] = version.sections
    return out


legislation = Router(tags=["legislation"])


@legislation.get("/", response=answers(list[DraftOut], 404), summary=gettext_noop("Bills drafted article by article"))
@paginate(StrictPageNumberPagination, page_size=PAGE_SIZE)
def draft_list(request: HttpRequest) -> Any:
    return LazyMap(public_drafts().prefetch_related("versions"), _draft_out)


@legislation.get("/{draft_id}", response=answers(DraftOut, 404), summary=gettext_noop("One bill text and its calendar"))
def draft_detail(request: HttpRequest, draft_id: int) -> Any:
    return _draft_out(_draft(draft_id))


@legislation.get(
    "/{draft_id}/versions",
    response=answers(list[VersionOut], 404),
    summary=gettext_noop("Every version of a bill's text, with checksums"),
)
def version_list(request: HttpRequest, draft_id: int) -> Any:
    draft = _draft(draft_id)
    return [_version_out(v) for v in draft.versions.order_by("number")]


@legislation.get(
    "/{draft_id}/versions/{number}",
    response=answers(VersionTextOut, 404),
    summary=gettext_noop("One version of a bill's text, section by section"),
)
def version_detail(request: HttpRequest, draft_id: int, number: int) -> Any:
    version = _draft(draft_id).versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("This bill has no version with this number."))
    return _version_out(version, with_text=True)


@legislation.get(
    "/{draft_id}/annotations",
    response=answers(list[AnnotationOut], 404),
    summary=gettext_noop("Comments on a bill's articles (shown ones only)"),
)
@paginate(StrictPageNumberPagination, page_size=PAGE_SIZE)
def annotation_list(request: HttpRequest, draft_id: int) -> Any:
    return exports.annotation_records(_draft(draft_id))


@legislation.get(
    "/{draft_id}/amendments",
    response=answers(list[AmendmentOut], 404),
    summary=gettext_noop("Amendments to a bill and their outcomes"),
)
@paginate(StrictPageNumberPagination, page_size=PAGE_SIZE)
def amendment_list(request: HttpRequest, draft_id: int) -> Any:
    return exports.amendment_records(_draft(draft_id))
