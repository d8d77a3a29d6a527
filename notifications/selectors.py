"""Reads shared by the notification centre, the header badge, the socket and the admin."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Delivery, Newsletter, Notification, NotificationEvent

INBOX_PAGE = 30


def unread_count(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def inbox(user_id: int) -> QuerySet[Notification]:
    """A person's notifications, newest first: only their own, ever."""
    return Notification.objects.filter(recipient_id=user_id).order_by("-created_at", "-id")


def newsletter_progress(newsletter: Newsletter) -> dict[str, int]:
    """How far the sending of a newsletter is: emails sent, waiting, failed."""
    counts = Delivery.objects.filter(
        notification__kind="newsletter", notification__key=f"newsletter:{newsletter.pk}"
    ).aggregate(
        sent=Count("id", filter=Q(state=Delivery.State.SENT)),
        waiting=Count("id", filter=Q(state=Delivery.State.PENDING)),
        failed=Count("id", filter=Q(state=Delivery.State.FAILED)),
    )
    return {name: int(value or 0) for name, value in counts.items()}


def event_announced(*, kind: str, key: str) -> bool:
    """Whether an event was already handed over (for periodic jobs that must announce once)."""
    return NotificationEvent.objects.filter(kind=kind, key=key).exists()
