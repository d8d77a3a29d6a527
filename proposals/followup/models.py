"""After the vote: the institution's formal answer, the milestones of carrying it out, and attached documents.

Imported at the end of proposals/models.py, so these are models of the `proposals` app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from proposals.models import Category, Proposal, ProposalStatus

# A proposal that qualified or went to a vote gets a formal answer; these are the statuses that owe one.
ANSWERABLE_STATUSES = (
    ProposalStatus.QUALIFIED,
    ProposalStatus.IN_VOTE,
    ProposalStatus.ACCEPTED,
    ProposalStatus.REJECTED,
)


class AnswerState(models.TextChoices):
    UNDER_STUDY = "under_study", _("Under study")
    ACCEPTED = "accepted", pgettext_lazy("official answer to a proposal", "Accepted")
    PARTIAL = "partial", _("Partially accepted")
    REJECTED = "rejected", pgettext_lazy("official answer to a proposal", "Rejected")
    IMPLEMENTED = "implemented", _("Implemented")


# States whose proposal is (being) carried out: they get milestones.
TRACKED_STATES = (AnswerState.ACCEPTED, AnswerState.PARTIAL, AnswerState.IMPLEMENTED)


class Answer(models.Model):
    """The council's formal answer to one proposal: one per proposal, revised in place (updated_at says when)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="answer")
    state = models.CharField(_("state"), max_length=12, choices=AnswerState.choices)
    text = models.TextField(_("answer"), help_text=_("Cleaned HTML; see decide.sanitize."))
    responsible_body = models.CharField(_("responsible body"), max_length=200)
    answered_on = models.DateField(_("date of the answer"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("official answer")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=AnswerState.values), name="answer_state_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="answer_text_not_empty"),
            models.CheckConstraint(condition=~Q(responsible_body=""), name="answer_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"answer to proposal {self.proposal_id}: {self.state}"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("state of a milestone", "In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")


class Milestone(models.Model):
    """One step of carrying out an accepted proposal; the latest one's progress is the proposal's progress bar."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), max_length=2000)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    status = models.CharField(_("status"), max_length=11, choices=MilestoneStatus.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("milestone")
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="milestone_progress_range"),
            models.CheckConstraint(condition=Q(status__in=MilestoneStatus.values), name="milestone_status_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="milestone_description_not_empty"),
        ]
        indexes = [models.Index(fields=["proposal", "date"], name="milestone_timeline_idx")]

    def __str__(self) -> str:
        return f"milestone {self.date} of proposal {self.proposal_id}: {self.progress}%"


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", _("Document (PDF)")
    IMAGE = "image", _("Image")


class Attachment(models.Model):
    """A checked file (decide.uploads) of a proposal or bill, of its answer, or of one of its milestones.

    Always tied to its proposal (who may see it follows who may see the proposal); `answer` or
    `milestone` says which part it documents. Images carry their alternative text.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=AttachmentKind.choices)
    stored_name = models.CharField(max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    alt_text = models.CharField(_("alternative text"), max_length=250, blank=True)
    # A PDF with scripts or actions on opening: served as a download, never opened in the browser.
    download_only = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AttachmentKind.values), name="attachment_kind_valid"),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/png", "image/jpeg", "image/webp"]),
                name="attachment_type_served",
            ),
            models.CheckConstraint(
                condition=Q(kind="document", content_type="application/pdf")
                | (Q(kind="image") & ~Q(content_type="application/pdf") & ~Q(alt_text="")),
                name="attachment_image_has_alt_text",
            ),
            models.CheckConstraint(
                condition=Q(answer__isnull=True) | Q(milestone__isnull=True), name="attachment_one_part"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class CommitteeScope(models.Model):
    """A committee member answers the proposals of these categories (the `committee` group gives the role)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_scopes")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="committee_scopes")

    class Meta:
        verbose_name = _("committee scope")
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="one_committee_scope")]

    def __str__(self) -> str:
        return f"committee scope of {self.user_id}: category {self.category_id}"
