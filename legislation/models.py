"""The text of a law: a bill's draft as ordered sections, its immutable versions, annotations and amendments.

`Section` rows hold the current text (the latest version) and are what annotations and
amendments point at: their `key` is the stable identifier that survives renumbering.
Each `Version` stores the whole text as it was (a JSON snapshot), so any two versions
can be diffed without rebuilding history. Annotations are debate comments of the bill's
proposal (proposals.debate): this app only records which article, and which passage.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import CensusRecord
from proposals.models import Comment, Proposal


class DraftPhase(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    READING = "reading", _("Reading")
    ANNOTATION = "annotation", _("Annotation")
    AMENDMENTS = "amendments", _("Amendments")
    FINAL_TEXT = "final_text", _("Final text")
    VOTE = "vote", _("Vote")


class Draft(models.Model):
    """The working text of one bill, with its drafting calendar (reading → annotation → amendments → final text)."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("bill"), on_delete=models.CASCADE, related_name="legislative_draft"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reading_opens = models.DateTimeField(_("reading opens"))
    annotation_opens = models.DateTimeField(_("annotation opens"))
    annotation_closes = models.DateTimeField(_("annotation closes"))
    amendments_opens = models.DateTimeField(_("amendments open"))
    amendments_closes = models.DateTimeField(_("amendments close"))
    final_text_on = models.DateTimeField(_("final text from"))

    class Meta:
        verbose_name = _("bill text")
        verbose_name_plural = _("bill texts")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(annotation_opens__gte=F("reading_opens")), name="draft_reading_first"),
            models.CheckConstraint(
                condition=Q(annotation_closes__gte=F("annotation_opens")), name="draft_annotation_dates"
            ),
            models.CheckConstraint(
                condition=Q(amendments_closes__gte=F("amendments_opens")), name="draft_amendments_dates"
            ),
            models.CheckConstraint(
                condition=Q(final_text_on__gte=F("amendments_closes")), name="draft_final_after_amendments"
            ),
        ]

    def __str__(self) -> str:
        return str(self.proposal.title)

    @property
    def live_group(self) -> str:
        return f"legislation.{self.pk}"

    def window(self, phase: DraftPhase) -> tuple[datetime, datetime | None]:
        """When `phase` opens and closes (None: until the process votes)."""
        return {
            DraftPhase.READING: (self.reading_opens, None),
            DraftPhase.ANNOTATION: (self.annotation_opens, self.annotation_closes),
            DraftPhase.AMENDMENTS: (self.amendments_opens, self.amendments_closes),
            DraftPhase.FINAL_TEXT: (self.final_text_on, None),
        }[phase]

    def is_open(self, phase: DraftPhase, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        opens, closes = self.window(phase)
        return bool(opens <= now and (closes is None or now < closes))

    def current_phases(self, at: datetime | None = None) -> list[DraftPhase]:
        """Annotation and amendments may overlap; reading runs beside both."""
        now = at or timezone.now()
        if now < self.reading_opens:
            return [DraftPhase.UPCOMING]
        if self.proposal.process.vote_opens <= now:
            return [DraftPhase.VOTE]
        if self.final_text_on <= now:
            return [DraftPhase.FINAL_TEXT]
        phases = [p for p in (DraftPhase.ANNOTATION, DraftPhase.AMENDMENTS) if self.is_open(p, now)]
        return phases or [DraftPhase.READING]


class SectionKind(models.TextChoices):
    TITLE = "title", _("Title")
    CHAPTER = "chapter", _("Chapter")
    ARTICLE = "article", _("Article")
    PARAGRAPH = "paragraph", _("Paragraph")


class Section(models.Model):
    """One title, chapter, article or paragraph of the current text; `key` never changes once created."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="sections")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=9, choices=SectionKind.choices)
    number = models.CharField(_("number"), max_length=30, blank=True)
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["draft", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "key"], name="section_key_unique"),
            models.UniqueConstraint(fields=["draft", "position"], name="section_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=SectionKind.values), name="section_kind_valid"),
            models.CheckConstraint(condition=~Q(kind="article") | ~Q(text=""), name="section_article_has_text"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        names = {
            SectionKind.TITLE: _("Title"),
            SectionKind.CHAPTER: _("Chapter"),
            SectionKind.ARTICLE: _("Article"),
            SectionKind.PARAGRAPH: _("Paragraph"),
        }
        if not self.number and self.heading:  # "DISPOSICIONES FINALES", a preamble's own title
            return self.heading
        base = f"{names[SectionKind(self.kind)]} {self.number}".strip()
        return f"{base}. {self.heading}" if self.heading else base

    def snapshot(self) -> dict[str, Any]:
        return {
            "key": str(self.key),
            "kind": self.kind,
            "number": self.number,
            "heading": self.heading,
            "text": self.text,
        }


class Version(models.Model):
    """An immutable, numbered snapshot of the whole text: `sections` is the list of section snapshots in order."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    sections = models.JSONField(_("text"), editable=False)
    note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draft", "number"]
        verbose_name = _("version of a bill")
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.draft} · v{self.number}"


class Annotation(models.Model):
    """A debate comment anchored to one article (and, optionally, a quoted passage of it or an amendment)."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="legislative_anchor")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="annotations")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="annotations")
    amendment = models.ForeignKey(
        "Amendment", null=True, blank=True, on_delete=models.CASCADE, related_name="annotations"
    )
    quote = models.TextField(_("quoted passage"), blank=True)
    version_number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["section", "-created_at"], name="annotation_section_idx")]

    def __str__(self) -> str:
        return f"annotation #{self.pk} on {self.section_id}"


class AmendmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", pgettext_lazy("amendment status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("amendment status", "Rejected")
    MERGED = "merged", _("Merged into a version")


class Amendment(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="amendments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="amendments")
    base_version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="amendments_proposed")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amendments")
    text = models.TextField(_("new wording"))
    justification = models.TextField(_("justification"))
    status = models.CharField(
        _("status"), max_length=8, choices=AmendmentStatus.choices, default=AmendmentStatus.PROPOSED
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        Version, null=True, blank=True, on_delete=models.PROTECT, related_name="amendments_merged"
    )
    # Kept in step by amendment_support_add inside its transaction.
    support_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AmendmentStatus.values), name="amendment_status_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="amendment_text_not_empty"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""), name="amendment_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=(Q(status="merged") & Q(merged_into__isnull=False))
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="amendment_merged_has_version",
            ),
        ]
        indexes = [models.Index(fields=["draft", "status"], name="amendment_state_idx")]

    def __str__(self) -> str:
        return f"amendment #{self.pk} to {self.section}"


class AmendmentSupport(models.Model):
    """One per person (census record) per amendment, like proposal supports."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="supports")
    census_record = models.ForeignKey(CensusRecord, on_delete=models.PROTECT, related_name="amendment_supports")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amendment_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["amendment", "census_record"], name="one_amendment_support_per_person")
        ]

    def __str__(self) -> str:
        return f"support of amendment {self.amendment_id}"


class DraftEvent(models.Model):
    """The log of live events per bill: its id is the event id a reconnecting reader sends back."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["draft", "id"], name="draft_event_idx")]

    def __str__(self) -> str:
        return f"event #{self.pk} {self.kind}"
