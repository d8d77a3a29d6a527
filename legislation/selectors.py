"""Reads of a bill's text shared by pages, the live events, the API and the open-data exports.

Every function here runs a fixed number of queries whatever the number of articles
(the bill page is tested at two sizes with django_assert_max_num_queries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from proposals.models import PUBLIC_STATUSES

from .models import Amendment, AmendmentStatus, Annotation, Draft, DraftEvent, Section, Version

# An article is "hot" by how many people wrote about it lately, not by its all-time total.
HEAT_WINDOW = timedelta(days=7)
HEAT_STEPS = (1, 5, 20)  # annotations in the window for heat 1, 2, 3
RECENT_PER_ARTICLE = 2


def visible_comment_q(prefix: str = "comment__") -> Q:
    """Its words are shown: not deleted, not hidden, its author not blocked (as the debate's comment_is_visible)."""
    return Q(
        **{
            f"{prefix}deleted_at__isnull": True,
            f"{prefix}hidden_at__isnull": True,
            f"{prefix}author__blocked_at__isnull": True,
        }
    )


def heat_level(recent: int) -> int:
    return sum(1 for step in HEAT_STEPS if recent >= step)


def _heat_since() -> Any:
    return timezone.now() - HEAT_WINDOW


def section_annotation_count(section: Section) -> int:
    return Annotation.objects.filter(visible_comment_q(), section=section).count()


def section_heat(section: Section) -> int:
    recent = Annotation.objects.filter(visible_comment_q(), section=section, created_at__gte=_heat_since()).count()
    return heat_level(recent)


def draft_for_page(draft_id: int) -> Draft | None:
    return Draft.objects.select_related("proposal__process", "proposal__author").filter(pk=draft_id).first()


@dataclass
class SectionRow:
    section: Section
    count: int
    heat: int
    recent: list[Annotation]
    open_amendments: int


def sections_with_activity(draft: Draft) -> list[SectionRow]:
    """Every section in order with its annotation count, heat, latest annotations and open amendments: 3 queries."""
    visible = visible_comment_q("annotations__comment__")
    sections = list(
        Section.objects.filter(draft=draft)
        .order_by("position")
        .annotate(
            n_annotations=Count("annotations", filter=visible, distinct=True),
            n_recent=Count(
                "annotations",
                filter=visible & Q(annotations__created_at__gte=_heat_since()),
                distinct=True,
            ),
        )
    )
    recent = (
        Annotation.objects.filter(visible_comment_q(), draft=draft)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("section_id")], order_by=[F("created_at").desc(), F("id").desc()])
        )
        .filter(rank__lte=RECENT_PER_ARTICLE)  # filtered in SQL (Django wraps the window in a subquery)
        .select_related("comment__author")
        .order_by("section_id", "-created_at", "-id")
    )
    by_section: dict[int, list[Annotation]] = {}
    for annotation in recent:
        by_section.setdefault(annotation.section_id, []).append(annotation)
    amendments = dict(
        Amendment.objects.filter(draft=draft, status__in=(AmendmentStatus.PROPOSED, AmendmentStatus.ACCEPTED))
        .values("section_id")
        .annotate(n=Count("id"))
        .values_list("section_id", "n")
    )
    return [
        SectionRow(
            section=s,
            count=getattr(s, "n_annotations", 0),
            heat=heat_level(getattr(s, "n_recent", 0)),
            recent=by_section.get(s.pk, []),
            open_amendments=amendments.get(s.pk, 0),
        )
        for s in sections
    ]


def section_by_key(draft: Draft, key: str) -> Section | None:
    try:
        return Section.objects.filter(draft=draft, key=key).first()
    except Exception:  # a malformed UUID in the URL
        return None


def section_annotations(section: Section) -> QuerySet[Annotation]:
    """An article's visible annotations, newest first (paginated by the view)."""
    return (
        Annotation.objects.filter(visible_comment_q(), section=section, amendment__isnull=True)
        .select_related("comment__author")
        .order_by("-created_at", "-id")
    )


def amendment_annotations(amendment: Amendment) -> QuerySet[Annotation]:
    return (
        Annotation.objects.filter(visible_comment_q(), amendment=amendment)
        .select_related("comment__author")
        .order_by("-created_at", "-id")
    )


def section_amendments(section: Section) -> QuerySet[Amendment]:
    return Amendment.objects.filter(section=section).select_related("author", "merged_into").order_by("-created_at")


def draft_amendments(draft: Draft) -> QuerySet[Amendment]:
    return (
        Amendment.objects.filter(draft=draft)
        .select_related("author", "section", "merged_into", "base_version")
        .order_by("section__position", "-created_at")
    )


def draft_versions(draft: Draft) -> QuerySet[Version]:
    return Version.objects.filter(draft=draft).order_by("number")


def last_event_id(draft: Draft) -> int:
    return DraftEvent.objects.filter(draft=draft).order_by("-id").values_list("id", flat=True).first() or 0


def public_drafts() -> QuerySet[Draft]:
    """Bills whose text anyone may read now: their proposal public (as proposals.permissions.public_proposal_q)."""
    return (
        Draft.objects.filter(
            proposal__status__in=PUBLIC_STATUSES,
            proposal__author__blocked_at__isnull=True,
            reading_opens__lte=timezone.now(),
        )
        .select_related("proposal__process")
        .order_by("-created_at")
    )
