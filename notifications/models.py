"""Notifications, their deliveries per channel, each person's preferences, and newsletters.

The rules are constraints: one notification per (recipient, kind, event key), so an event
announced twice notifies once; one delivery per (notification, channel), so a message is
queued once; a delivery's state is one of a closed set, and a sent one carries its date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField

from .kinds import Channel, Kind


class Notification(models.Model):
    """One event told to one person: what the in-app centre lists."""

    # No index of its own for either key: the unique constraint (recipient, kind, key) serves lookups by
    # recipient, and `notification_actor` indexes only the rows that have an actor. Each index is paid by every
    # row a fan-out writes.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    key = models.CharField(_("event"), max_length=200)
    # Plain values the message templates interpolate (titles, names, counts) — never anyone's vote or census data.
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # For SET NULL when an account is deleted; most notifications have no actor and stay out of it.
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="notification_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.recipient_id}"


class NotificationEvent(models.Model):
    """An event waiting to be fanned out to its recipients by the worker.

    Kept as a row (not only as a task argument) so a worker killed mid-fan-out leaves
    something the next one can finish: the fan-out is idempotent by the constraints above.
    Its recipients are either a short list of ids, or — for a set given as a QuerySet, however
    large — the SQL of that query, which the worker expands inside the database (INSERT … SELECT),
    chunk by chunk, recording in `fanned_out_through` the last recipient id a committed chunk covered.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    key = models.CharField(_("event"), max_length=200)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    recipient_ids = models.JSONField(default=list)
    # SELECT of the recipients' user ids (one column, "recipient"), compiled from the caller's QuerySet after commit.
    recipient_query = models.TextField(blank=True)
    recipient_query_params = models.JSONField(default=list, blank=True)
    fanned_out_through = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], condition=Q(fanned_out_at__isnull=True), name="event_pending")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class Delivery(models.Model):
    """One notification on one channel (email or SMS), with its state machine.

    pending → sent | failed (after the last retry) | skipped (preference, no address);
    digest → sent (in the daily digest). A worker claims pending rows with
    SELECT … FOR UPDATE SKIP LOCKED, sends, and marks them sent in the same transaction.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        DIGEST = "digest", _("waiting for the daily digest")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent")

    # Indexed by the unique constraint (notification, channel), not by an index of its own.
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Which part failed, in words (the provider's answer, a timeout); never the message itself.
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "digest", "sent", "failed", "skipped"]), name="delivery_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="delivery_sent_has_date"
            ),
            models.CheckConstraint(condition=Q(channel__in=["email", "sms"]), name="delivery_channel_known"),
        ]
        indexes = [
            # The claim's ORDER BY (next_attempt_at, id) walks this index: no sort of every pending row per batch.
            models.Index(fields=["next_attempt_at", "id"], condition=Q(state="pending"), name="delivery_due"),
            # The digest's rows only: a delivery sent at once (most of them) never enters or leaves this index.
            models.Index(fields=["notification"], condition=Q(state="digest"), name="delivery_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} ({self.state})"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Each one as it happens")
    DIGEST = "digest", _("One daily summary")
    OFF = "off", _("No emails")


class NotificationSettings(models.Model):
    """How one person wants to hear: email mode, SMS opt-in, newsletters, kinds muted by unsubscribe links.

    No row means the defaults (immediate email, no SMS, newsletters on): rows appear when someone changes them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_settings"
    )
    email_mode = models.CharField(_("emails"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)
    sms = models.BooleanField(
        _("text messages"),
        default=False,
        help_text=_("Only when a vote opens in your district, closes soon, or publishes its results."),
    )
    newsletter = models.BooleanField(_("newsletters"), default=True)
    # Kinds whose emails this person turned off with the link at the foot of an email.
    # (STOP to a text message is recorded by accounts on the phone itself: User.sms_phone.)
    muted_kinds = models.JSONField(_("muted kinds"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(email_mode__in=["immediate", "digest", "off"]), name="notification_email_mode_known"
            ),
        ]

    def __str__(self) -> str:
        return f"settings of {self.user_id}"


class Newsletter(models.Model):
    """A message administrators write in the Wagtail admin and send to a segment of the people."""

    class Segment(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        PROVINCE = "province", _("People of a province")
        DISTRICT = "district", _("People of a district")
        PROCESS = "process", _("Followers of a process")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=150)
    body = RichTextField(_("text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    segment = models.CharField(_("segment"), max_length=10, choices=Segment.choices, default=Segment.EVERYONE)
    province = models.ForeignKey(
        "accounts.Province", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("province")
    )
    district = models.ForeignKey(
        "accounts.District", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("district")
    )
    process = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("process")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        constraints = [
            models.CheckConstraint(
                condition=~Q(segment="province") | Q(province__isnull=False), name="newsletter_province_named"
            ),
            models.CheckConstraint(
                condition=~Q(segment="district") | Q(district__isnull=False), name="newsletter_district_named"
            ),
            models.CheckConstraint(
                condition=~Q(segment="process") | Q(process__isnull=False), name="newsletter_process_named"
            ),
        ]

    def __str__(self) -> str:
        return self.subject
