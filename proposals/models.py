"""Processes (Wagtail pages) and what they host: proposals, supports, debate, flags, live events.

Proposals, supports and comments are ordinary models tied to their process page:
they are high-volume, written concurrently by citizens, and need database
constraints, not page revisions.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from accounts.models import CensusRecord, District, Province
from cms.blocks import BaseStreamBlock


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    PROPOSALS = "proposals", _("Proposals")
    SUPPORTS = "supports", _("Supports")
    DEBATE = "debate", _("Debate")
    VOTE = "vote", _("Vote")
    RESULTS = "results", _("Results")


class ProcessPage(RoutablePageMixin, Page):
    """A participatory process: its intro, calendar of phases, and the proposals it hosts."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))
    scope_province = models.ForeignKey(
        Province, verbose_name=_("scope: province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_district = models.ForeignKey(
        District, verbose_name=_("scope: district"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposals_opens = models.DateTimeField(_("proposals open"))
    proposals_closes = models.DateTimeField(_("proposals close"))
    supports_opens = models.DateTimeField(_("supports open"))
    supports_closes = models.DateTimeField(_("supports close"))
    debate_opens = models.DateTimeField(_("debate opens"))
    debate_closes = models.DateTimeField(_("debate closes"))
    vote_opens = models.DateTimeField(_("vote opens"))
    vote_closes = models.DateTimeField(_("vote closes"))
    results_on = models.DateTimeField(_("results published from"))
    support_threshold_percent = models.DecimalField(
        _("support threshold (% of eligible census)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    pre_moderation = models.BooleanField(_("moderate proposals before publishing"), default=True)
    # Past this date, a proposal that qualified or was voted and still has no official answer shows as overdue.
    answers_due_on = models.DateField(_("official answers due by"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("scope_province"), FieldPanel("scope_district")], heading=_("Scope")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("proposals_opens"), FieldPanel("proposals_closes")]),
                FieldRowPanel([FieldPanel("supports_opens"), FieldPanel("supports_closes")]),
                FieldRowPanel([FieldPanel("debate_opens"), FieldPanel("debate_closes")]),
                FieldRowPanel([FieldPanel("vote_opens"), FieldPanel("vote_closes")]),
                FieldPanel("results_on"),
            ],
            heading=_("Calendar"),
        ),
        MultiFieldPanel(
            [FieldPanel("support_threshold_percent"), FieldPanel("pre_moderation"), FieldPanel("answers_due_on")],
            heading=_("Rules"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("participatory process")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_province__isnull=True) | Q(scope_district__isnull=True),
                name="process_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(proposals_closes__gte=F("proposals_opens")), name="process_proposals_dates"
            ),
            models.CheckConstraint(
                condition=Q(supports_closes__gte=F("supports_opens")), name="process_supports_dates"
            ),
            models.CheckConstraint(condition=Q(debate_closes__gte=F("debate_opens")), name="process_debate_dates"),
            models.CheckConstraint(condition=Q(vote_closes__gte=F("vote_opens")), name="process_vote_dates"),
        ]

    # Routes: the process hosts its proposals under its own URL; the views live in proposals.views.
    @path("", name="index")
    def index_route(self, request: HttpRequest) -> HttpResponse:
        from . import views

        return views.process_index(request, self)

    @path("submit/", name="proposal_submit")
    def submit_route(self, request: HttpRequest) -> HttpResponse:
        from . import views

        return views.proposal_submit(request, self)

    @path("<int:proposal_id>/", name="proposal_detail")
    def detail_route(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        from . import views

        return views.proposal_detail(request, self, proposal_id)

    @path("<int:proposal_id>/edit/", name="proposal_edit")
    def edit_route(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        from . import views

        return views.proposal_edit(request, self, proposal_id)

    @path("<int:proposal_id>/withdraw/", name="proposal_withdraw")
    def withdraw_route(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        from . import views

        return views.proposal_withdraw(request, self, proposal_id)

    @path("<int:proposal_id>/support/", name="proposal_support")
    def support_route(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        from . import views

        return views.proposal_support(request, self, proposal_id)

    @path("<int:proposal_id>/flag/", name="proposal_flag")
    def flag_route(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        from . import views

        return views.proposal_flag(request, self, proposal_id)

    @path("<int:proposal_id>/follow/", name="proposal_follow")
    def follow_route(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        from . import views

        return views.proposal_follow(request, self, proposal_id)

    # After the vote (proposals.followup): the formal answer, milestones, attachments, and what became of it all.
    @path("<int:proposal_id>/answer/", name="proposal_answer")
    def answer_route(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        from .followup.views import answer_edit

        return answer_edit(request, self, proposal_id)

    @path("<int:proposal_id>/milestones/", name="proposal_milestones")
    def milestones_route(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        from .followup.views import milestone_add

        return milestone_add(request, self, proposal_id)

    @path("<int:proposal_id>/attachments/", name="proposal_attachments")
    def attachments_route(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        from .followup.views import attachment_add

        return attachment_add(request, self, proposal_id)

    @path("outcomes/", name="outcomes")
    def outcomes_route(self, request: HttpRequest) -> HttpResponse:
        from .followup.views import outcomes

        return outcomes(request, self)

    @path("outcomes/<str:fmt>/", name="outcomes_data")
    def outcomes_data_route(self, request: HttpRequest, fmt: str) -> HttpResponse:
        from .followup.views import outcomes_data

        return outcomes_data(request, self, fmt)

    def proposal_url(self, proposal: Proposal, route: str = "proposal_detail") -> str:
        """The public URL of `proposal` (or one of its actions) under this process page."""
        return str(self.url) + str(self.reverse_subpage(route, args=[proposal.pk]))

    def is_open(self, phase: Phase, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        opens, closes = {
            Phase.PROPOSALS: (self.proposals_opens, self.proposals_closes),
            Phase.SUPPORTS: (self.supports_opens, self.supports_closes),
            Phase.DEBATE: (self.debate_opens, self.debate_closes),
            Phase.VOTE: (self.vote_opens, self.vote_closes),
        }[phase]
        return bool(opens <= now < closes)

    def current_phases(self, at: datetime | None = None) -> list[Phase]:
        """Phases may overlap (debate usually runs beside supports)."""
        now = at or timezone.now()
        phases = [p for p in (Phase.PROPOSALS, Phase.SUPPORTS, Phase.DEBATE, Phase.VOTE) if self.is_open(p, now)]
        if not phases:
            phases = [Phase.RESULTS if now >= self.results_on else Phase.UPCOMING]
        return phases


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting moderation")
    PUBLISHED = "published", pgettext_lazy("proposal status", "Published")
    GATHERING = "gathering", _("Gathering supports")
    QUALIFIED = "qualified", _("Qualified for a vote")
    IN_VOTE = "in_vote", _("In vote")
    ACCEPTED = "accepted", pgettext_lazy("proposal status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("proposal status", "Rejected")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    HIDDEN = "hidden", _("Hidden by moderation")


# What the public sees: everything past moderation that is not a side exit.
PUBLIC_STATUSES = (
    ProposalStatus.PUBLISHED,
    ProposalStatus.GATHERING,
    ProposalStatus.QUALIFIED,
    ProposalStatus.IN_VOTE,
    ProposalStatus.ACCEPTED,
    ProposalStatus.REJECTED,
    ProposalStatus.ARCHIVED,
)


class ProposalKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen proposal")
    INSTITUTIONAL = "institutional", _("Institutional bill")


class Channel(models.TextChoices):
    """How a person took part: every channel counts the same, and the statistics break them down."""

    ONLINE = "online", _("Online")
    ASSISTED = "assisted", _("Assisted (officer desk)")
    PAPER = "paper", _("Paper signature sheet")
    SMS = "sms", _("SMS")


SupportChannel = Channel  # the name the supports code reads best with

SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def short_code_new() -> str:
    """Five characters from 32 unambiguous ones: 33 million codes, typed easily on a basic phone."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(5))


class Proposal(index.Indexed, models.Model):
    process = models.ForeignKey(ProcessPage, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("text of the proposal"), help_text=_("Cleaned HTML; see decide.sanitize."))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(_("kind"), max_length=13, choices=ProposalKind.choices, default=ProposalKind.CITIZEN)
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    # Kept in step by the support services inside their transaction, for lists sorted by support.
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    debate_locked = models.BooleanField(_("debate locked"), default=False)
    status_reason = models.TextField(_("reason for the last status change"), blank=True)
    # Where a hidden proposal returns when a moderator restores it.
    status_before_hidden = models.CharField(max_length=10, choices=ProposalStatus.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Online, or typed by an officer at a desk for the person present (assisted): the statistics count both.
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    # Printed on the signature sheet and texted to support by SMS ("APOYO K3F9Q"): short, no 0/O or 1/I.
    short_code = models.CharField(_("short code"), max_length=8, unique=True, default=short_code_new, editable=False)

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.FilterField("process_id"),
        index.FilterField("status"),
        index.FilterField("category_id"),
        index.FilterField("district_id"),
        index.FilterField("kind"),
        # Sort keys of the list: search results keep the list's order.
        index.FilterField("published_at"),
        index.FilterField("support_count"),
        index.FilterField("id"),
        # Lists and search drop blocked authors' proposals at once, without touching their status.
        index.RelatedFields("author", [index.FilterField("blocked_at")]),
    ]

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=ProposalKind.values), name="proposal_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="proposal_title_not_empty"),
        ]
        indexes = [
            models.Index(fields=["process", "status", "-published_at"], name="proposal_list_idx"),
            models.Index(fields=["process", "status", "-support_count"], name="proposal_support_idx"),
            # The public list asks for several statuses at once, so the indexes above cannot give its
            # order: these let a page of 20 stop after 20 index entries instead of sorting the process.
            models.Index(fields=["process", "-published_at", "-id"], name="proposal_newest_idx"),
            models.Index(fields=["process", "-support_count", "-published_at", "-id"], name="proposal_supported_idx"),
            # The list's count (authors not blocked) reads this index alone instead of every proposal row.
            models.Index(fields=["process", "status"], include=["author"], name="proposal_count_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def live_group(self) -> str:
        return f"proposal.{self.pk}"


class Support(models.Model):
    """One per person (census record) per proposal, whatever the channel; the constraint holds under any concurrency.

    A paper signature needs no account (`account` NULL); an assisted or paper support names the
    officer who recorded it and where (`recorded_by`, `location`).
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    census_record = models.ForeignKey(CensusRecord, on_delete=models.PROTECT, related_name="supports")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="supports"
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=SupportChannel.choices, default=SupportChannel.ONLINE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("where"), max_length=200, blank=True)
    sheet = models.ForeignKey(
        "SignatureSheet", null=True, blank=True, on_delete=models.PROTECT, related_name="supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "census_record"], name="one_support_per_person"),
            models.CheckConstraint(condition=Q(channel__in=SupportChannel.values), name="support_channel_valid"),
            # Online and SMS supports come from the person's own account; paper ones from a sheet.
            models.CheckConstraint(
                condition=Q(channel__in=["online", "sms", "assisted"], account__isnull=False)
                | Q(channel="paper", sheet__isnull=False),
                name="support_channel_source",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["online", "sms"]) | Q(recorded_by__isnull=False),
                name="support_officer_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"support #{self.pk} of proposal {self.proposal_id}"


class Follow(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_follow_per_user")]

    def __str__(self) -> str:
        return f"follow of proposal {self.proposal_id} by {self.user_id}"


class Stance(models.TextChoices):
    FOR = "for", _("For")
    NEUTRAL = "neutral", _("Neutral")
    AGAINST = "against", _("Against")


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(_("comment"), help_text=_("Cleaned HTML; see decide.sanitize."))
    stance = models.CharField(_("stance"), max_length=7, choices=Stance.choices, default=Stance.NEUTRAL)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.TextField(blank=True)
    is_official = models.BooleanField(_("official answer"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="comment_stance_valid"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="comment_not_own_parent"),
        ]
        indexes = [models.Index(fields=["proposal", "created_at"], name="comment_thread_idx")]

    def __str__(self) -> str:
        return f"comment #{self.pk} on {self.proposal_id}"


class CommentReaction(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=Value.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_reaction_per_user"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="reaction_value_valid"),
        ]

    def __str__(self) -> str:
        return f"reaction {self.value} on comment {self.comment_id}"


class Flag(models.Model):
    """A citizen's report of a proposal or a comment, for the moderators' queue."""

    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    reason = models.TextField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(proposal__isnull=False) & Q(comment__isnull=True))
                | (Q(proposal__isnull=True) & Q(comment__isnull=False)),
                name="flag_one_target",
            ),
            models.UniqueConstraint(fields=["reporter", "proposal"], name="one_flag_per_proposal"),
            models.UniqueConstraint(fields=["reporter", "comment"], name="one_flag_per_comment"),
        ]

    def __str__(self) -> str:
        target = f"proposal {self.proposal_id}" if self.proposal_id else f"comment {self.comment_id}"
        return f"flag #{self.pk} on {target}"


class ProposalEvent(models.Model):
    """The log of live events per proposal: its id is the event id a reconnecting viewer sends back."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    text = models.TextField(help_text="The event exactly as sent over the socket (JSON).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["proposal", "id"], name="proposal_event_idx")]

    def __str__(self) -> str:
        return f"event #{self.pk} {self.kind}"


class SignatureSheet(models.Model):
    """A paper signature sheet for one proposal, entered by an officer or administrator, kept with its rows.

    `content_hash` is computed from the rows (keyed census hashes, never document numbers): the
    same sheet entered twice is the same row, so a second entry changes nothing.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="signature_sheets")
    reference = models.CharField(_("sheet number"), max_length=40, blank=True)
    content_hash = models.CharField(max_length=64)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("where"), max_length=200, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_counted = models.PositiveIntegerField(_("supports counted"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("already supporting"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "content_hash"], name="one_entry_per_sheet"),
            models.CheckConstraint(
                condition=Q(rows_total=F("rows_counted") + F("rows_duplicate") + F("rows_rejected")),
                name="sheet_rows_add_up",
            ),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"signature sheet {self.reference or self.pk} of proposal {self.proposal_id}"


class SignatureRowOutcome(models.TextChoices):
    COUNTED = "counted", _("Counted")
    DUPLICATE = "duplicate", _("Already supports this proposal (not counted twice)")
    REPEATED = "repeated", _("Same person twice on this sheet")
    NOT_FOUND = "not_found", _("Not found in the census (check the number and the birth date)")
    OUT_OF_SCOPE = "out_of_scope", _("Lives outside the area of this process")
    INVALID = "invalid", _("Incomplete or unreadable row")


class SignatureRow(models.Model):
    """One line of a sheet and what became of it. Never the document number: the census record, if any."""

    sheet = models.ForeignKey(SignatureSheet, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveSmallIntegerField(_("line"))
    census_record = models.ForeignKey(CensusRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=SignatureRowOutcome.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "line"], name="one_outcome_per_sheet_line")]
        ordering = ["sheet", "line"]

    def __str__(self) -> str:
        return f"line {self.line} of sheet {self.sheet_id}: {self.outcome}"


class SmsInbound(models.Model):
    """Every text message received, once: the provider's message id is unique, so a resent webhook is a no-op."""

    provider_id = models.CharField(max_length=100, unique=True)
    phone = models.CharField(max_length=16, db_index=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    keyword = models.CharField(max_length=16, blank=True)
    outcome = models.CharField(max_length=32)
    reply = models.CharField(max_length=320, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"SMS {self.provider_id}: {self.outcome}"


# The follow-up models (answers, milestones, attachments, committee scopes) live in their own module;
# importing them here registers them with the app. They need Proposal and Category, defined above.
from proposals.followup import models as followup_models  # noqa: E402, F401
