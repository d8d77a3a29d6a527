"""Polls and the secret ballot.

Two tables are written in one transaction when a person votes:
`Participation` says who took part (unique per poll and census record: the rule
that stops double voting under any concurrency) and `Ballot` says what was
chosen, with only the coarse demographics statistics need. A ballot has no
link to its voter: a random id, no foreign key to a person, no time at all, and
no column that orders ballots the way participations are ordered.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, CensusRecord, District, Gender, Province
from legislation.models import Version
from proposals.models import ProcessPage, Proposal


class Channel(models.TextChoices):
    WEB = "web", _("Online")
    BOOTH = "booth", _("Polling booth")


class OutcomeRule(models.TextChoices):
    """How a single-choice question is decided (votes.results.outcome holds the arithmetic)."""

    SIMPLE = "simple", _("Simple majority: the option with more valid votes than any other")
    ABSOLUTE = "absolute", _("Absolute majority: more than half of all votes cast, blank votes included")
    TWO_THIRDS = "two_thirds", _("Qualified majority: at least two thirds of the valid votes")


class Poll(models.Model):
    process = models.ForeignKey(ProcessPage, verbose_name=_("process"), on_delete=models.PROTECT, related_name="polls")
    proposals = models.ManyToManyField(
        Proposal, verbose_name=_("proposals put to the vote"), related_name="polls", blank=True
    )
    # The exact text put to the vote when the poll decides a bill drafted in legislation.
    version = models.ForeignKey(
        Version,
        verbose_name=_("version of the bill put to the vote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="polls",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    scope_province = models.ForeignKey(
        Province, verbose_name=_("scope: province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_district = models.ForeignKey(
        District, verbose_name=_("scope: district"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allow_web = models.BooleanField(_("online voting"), default=True)
    allow_booth = models.BooleanField(_("booth voting"), default=True)
    outcome_rule = models.CharField(
        _("outcome rule"), max_length=10, choices=OutcomeRule.choices, default=OutcomeRule.SIMPLE
    )
    # Share of the eligible census that must take part for the result to bind; below it, consultative only.
    quorum_percent = models.PositiveSmallIntegerField(
        _("turnout quorum (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Share of the eligible census that must vote for the result to be binding. "
            "Below it the result is consultative only. 0 for no quorum."
        ),
    )
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    results_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the ballots were rewritten after the close (votes.services.poll_ballots_shuffle).
    ballots_shuffled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="poll_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(scope_province__isnull=True) | Q(scope_district__isnull=True), name="poll_one_scope"
            ),
            models.CheckConstraint(condition=Q(allow_web=True) | Q(allow_booth=True), name="poll_has_a_channel"),
            models.CheckConstraint(condition=Q(outcome_rule__in=OutcomeRule.values), name="poll_outcome_rule_known"),
            models.CheckConstraint(condition=Q(quorum_percent__lte=100), name="poll_quorum_at_most_all"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self) -> bool:
        now = timezone.now()
        return bool(self.opens_at <= now < self.closes_at)

    def has_opened(self) -> bool:
        return bool(self.opens_at <= timezone.now())

    def is_closed(self) -> bool:
        return bool(self.closes_at <= timezone.now())

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None

    @property
    def live_group(self) -> str:
        """The poll page's viewers (anyone): told when the results are out."""
        return f"poll.{self.pk}"

    @property
    def turnout_live_group(self) -> str:
        """Not the public group: turnout by group goes to the administrators' dashboards only."""
        return f"poll.{self.pk}.turnout"


class Question(models.Model):
    poll = models.ForeignKey(Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    max_choices = models.PositiveSmallIntegerField(
        _("maximum choices"), default=1, validators=[MinValueValidator(1)], help_text=_("1 for a single choice.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(max_choices__gte=1), name="question_max_choices_positive")]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # A blank vote: cast (it counts for an absolute majority and for turnout) but never valid, never a winner.
    blank = models.BooleanField(_("blank vote"), default=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "label"], name="option_label_unique"),
            models.UniqueConstraint(fields=["question"], condition=Q(blank=True), name="option_one_blank_per_question"),
        ]

    def __str__(self) -> str:
        return self.label


class Booth(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="booths")
    name = models.CharField(_("booth"), max_length=120)
    location = models.CharField(_("location"), max_length=200, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        constraints = [models.UniqueConstraint(fields=["poll", "name"], name="booth_name_unique_per_poll")]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """Who took part. Random id and only the day, so nothing orders it against ballots."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="participations")
    census_record = models.ForeignKey(CensusRecord, on_delete=models.PROTECT, related_name="participations")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    day = models.DateField()
    booth = models.ForeignKey(Booth, null=True, blank=True, on_delete=models.PROTECT, related_name="participations")
    # Copied from the census record for turnout by group without a join over the census.
    gender = models.CharField(max_length=7, choices=Gender.choices)
    area = models.CharField(max_length=5, choices=Area.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "census_record"], name="one_participation_per_person"),
            models.CheckConstraint(
                condition=(Q(channel=Channel.BOOTH) & Q(booth__isnull=False))
                | (Q(channel=Channel.WEB) & Q(booth__isnull=True)),
                name="participation_booth_iff_booth_channel",
            ),
        ]
        indexes = [models.Index(fields=["poll", "gender", "area"], name="participation_cell_idx")]

    def __str__(self) -> str:
        return f"participation in poll {self.poll_id} ({self.channel}, {self.day})"


class Ballot(models.Model):
    """What one web voter chose. No foreign key to a person, no time, a random id; only its receipt's hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="ballots")
    gender = models.CharField(max_length=7, choices=Gender.choices)
    area = models.CharField(max_length=5, choices=Area.choices)
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        # Never order by anything that could follow insertion order.
        ordering = ["receipt_hash"]

    def __str__(self) -> str:
        return f"ballot {self.receipt_hash[:12]}…"


class BallotChoice(models.Model):
    """One chosen option of a ballot, with the ballot's cell copied so results group on one table."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="ballot_choices")
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="+")
    gender = models.CharField(max_length=7, choices=Gender.choices)
    area = models.CharField(max_length=5, choices=Area.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "option"], name="choice_once_per_ballot")]
        indexes = [models.Index(fields=["poll", "option", "gender", "area"], name="ballot_choice_cell_idx")]

    def __str__(self) -> str:
        return f"choice of option {self.option_id}"


class BoothTally(models.Model):
    """Paper ballots counted at a booth, per option. A correction adds a row; the newest one counts."""

    booth = models.ForeignKey(Booth, on_delete=models.PROTECT, related_name="tallies")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="booth_tallies")
    count = models.PositiveIntegerField(_("paper ballots"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(count__gte=0), name="tally_count_not_negative")]

    def __str__(self) -> str:
        return f"{self.count} for option {self.option_id} at booth {self.booth_id}"
