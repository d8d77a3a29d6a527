"""Open data of a bill: every version as JSON and Markdown, its annotations and amendments with outcomes, with SHA-256.

Each file is deterministic bytes (fixed order, no generation time), so a file and the
checksum listed for it always agree, and anyone can check a download with `sha256sum -c`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpResponse

from decide.refusals import NotFound

from .models import Amendment, Annotation, Draft, Version
from .selectors import visible_comment_q

FORMATS = {"json": "application/json", "md": "text/markdown; charset=utf-8"}


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()


def version_document(version: Version) -> dict[str, Any]:
    draft = version.draft
    return {
        "bill": draft.proposal_id,
        "draft": draft.pk,
        "title": draft.proposal.title,
        "version": version.number,
        "created_at": version.created_at.isoformat(),
        "note": version.note,
        "sections": version.sections,
    }


_MD_HEADINGS = {"title": "##", "chapter": "###", "article": "####", "paragraph": "#####"}
_MD_NAMES = {"title": "Título", "chapter": "Capítulo", "article": "Artículo", "paragraph": ""}


def version_markdown(version: Version) -> bytes:
    """The text as a Markdown document (the bill's own language: headings in Spanish, as imported)."""
    lines = [f"# {version.draft.proposal.title}", "", f"Versión {version.number}", ""]
    for section in version.sections:
        kind = section["kind"]
        label = " ".join(p for p in (_MD_NAMES[kind], section["number"]) if p)
        title = f"{label}. {section['heading']}" if section["heading"] and label else section["heading"] or label
        if title:
            lines += [f"{_MD_HEADINGS[kind]} {title}", ""]
        if section["text"]:
            lines += [section["text"], ""]
    return "\n".join(lines).encode()


def version_file(version: Version, fmt: str) -> tuple[bytes, str]:
    if fmt == "json":
        return _json(version_document(version)), FORMATS["json"]
    if fmt == "md":
        return version_markdown(version), FORMATS["md"]
    raise NotFound("unknown format")


def version_checksums(version: Version) -> dict[str, str]:
    return {fmt: checksum(version_file(version, fmt)[0]) for fmt in FORMATS}


def annotation_records(draft: Draft) -> list[dict[str, Any]]:
    """Shown annotations only: hidden and deleted words never leave the site."""
    rows = (
        Annotation.objects.filter(visible_comment_q(), draft=draft)
        .select_related("comment__author", "section")
        .order_by("id")
    )
    return [
        {
            "id": a.pk,
            "section": str(a.section.key),
            "amendment": a.amendment_id,
            "quote": a.quote,
            "stance": a.comment.stance,
            "text": a.comment.body,
            "author": a.comment.author.public_name,
            "version": a.version_number,
            "created_at": a.created_at.isoformat(),
        }
        for a in rows
    ]


def amendment_records(draft: Draft) -> list[dict[str, Any]]:
    rows = Amendment.objects.filter(draft=draft).select_related("section", "author", "merged_into", "base_version")
    return [
        {
            "id": a.pk,
            "section": str(a.section.key),
            "base_version": a.base_version.number,
            "text": a.text,
            "justification": a.justification,
            "author": a.author.public_name,
            "status": a.status,
            "reason": a.decision_reason,
            "merged_into_version": a.merged_into.number if a.merged_into else None,
            "supports": a.support_count,
            "created_at": a.created_at.isoformat(),
            "decided_at": a.decided_at.isoformat() if a.decided_at else None,
        }
        for a in rows.order_by("id")
    ]


def draft_data_bytes(draft: Draft) -> bytes:
    return _json(
        {
            "bill": draft.proposal_id,
            "draft": draft.pk,
            "annotations": annotation_records(draft),
            "amendments": amendment_records(draft),
        }
    )


def file_response(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Checksum-SHA256"] = checksum(data)
    return response
