"""Every write of notifications: announcing an event, reading, preferences, unsubscribing, newsletters.

`notify` is the one door other apps use. It only queues work after the caller's transaction
commits; the fan-out to recipients and the sending happen in the background worker (small
events are fanned out right after commit, so the live badge moves at once on one machine).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from decide.refusals import Invalid, NotFound

from .kinds import Kind
from .models import EmailMode, Notification, NotificationEvent, NotificationSettings
from .tokens import unsubscribe_token_read

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Up to this many recipients, the fan-out runs right after commit in the process that made the event
# (one bulk insert): the recipients' badges move live even on the single-process embedded default.
INLINE_FANOUT_MAX = 100


def _recipient_ids(recipients: Iterable[User] | QuerySet[User], actor: User | None) -> list[int]:
    if isinstance(recipients, QuerySet):
        ids = list(recipients.order_by().values_list("pk", flat=True).distinct())
    else:
        ids = list(dict.fromkeys(user.pk for user in recipients))
    if actor is not None:
        # Nobody is told about what they did themselves.
        ids = [pk for pk in ids if pk != actor.pk]
    return ids


def notify(
    *,
    kind: Kind,
    recipients: Iterable[User] | QuerySet[User],
    key: str,
    params: Mapping[str, str | int] | None = None,
    url: str = "",
    actor: User | None = None,
) -> None:
    """Schedule, after the current transaction commits, one notification per recipient for one event.

    `key` identifies the event (e.g. f"comment-reply:{comment.pk}"): (recipient, kind, key) is unique,
    so calling twice notifies once. `params` are plain values the message templates interpolate in each
    recipient's language (never another person's vote or census data). Never raises into the caller's
    request; never sends inside it.
    """
    kind = Kind(kind)
    # NUL cannot be stored in PostgreSQL text or JSON (a title written past the forms could carry one).
    clean_params = {
        str(name): value.replace("\x00", "") if isinstance(value, str) else value
        for name, value in (params or {}).items()
    }
    for name, value in clean_params.items():
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise TypeError(f"notify params must be str or int, {name} is {type(value).__name__}")
    if len(key) > 200:
        raise ValueError("notify key is at most 200 characters")

    def announce() -> None:
        try:
            # A QuerySet is read after commit, so it sees the change that caused the event.
            ids = _recipient_ids(recipients, actor)
            if not ids:
                return
            event = NotificationEvent.objects.create(
                kind=kind,
                key=key,
                params=clean_params,
                url=url[:500],
                actor_id=actor.pk if actor is not None else None,
                recipient_ids=ids,
            )
        except Exception:  # the caller's change is committed: a failure here must not turn it into an error page
            logger.exception("notification %s %s not recorded", kind, key)
            return
        from .tasks import event_fan_out_enqueue  # tasks imports the fan-out, which imports this module's models

        event_fan_out_enqueue(event_id=event.pk, inline=len(ids) <= INLINE_FANOUT_MAX)

    transaction.on_commit(announce, robust=True)


@transaction.atomic
def notification_read(*, user: User, notification_id: int) -> Notification:
    notification = Notification.objects.select_for_update().filter(pk=notification_id, recipient=user).first()
    if notification is None:
        # Someone else's notification is as absent as a missing one: its existence is private too.
        raise NotFound(_("This notification does not exist."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    _badge_after_commit(user.pk)
    return notification


@transaction.atomic
def notifications_read_all(*, user: User) -> int:
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    _badge_after_commit(user.pk)
    return count


def _badge_after_commit(user_id: int) -> None:
    from .live import badge_refresh_after_commit

    badge_refresh_after_commit(user_id)


def notification_settings_of(user: User) -> NotificationSettings:
    """The person's settings, or the defaults (unsaved) when they never changed them."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found if found is not None else NotificationSettings(user=user)


@transaction.atomic
def notification_settings_update(
    *, user: User, email_mode: str, sms: bool, newsletter: bool, muted_kinds: list[str] | None = None
) -> NotificationSettings:
    if email_mode not in EmailMode.values:
        raise Invalid(_("Choose how often you want emails."))
    values: dict[str, object] = {"email_mode": email_mode, "sms": sms, "newsletter": newsletter}
    if muted_kinds is not None:
        values["muted_kinds"] = sorted({Kind(kind).value for kind in muted_kinds})
    settings, _created = NotificationSettings.objects.update_or_create(user=user, defaults=values)
    return settings


@transaction.atomic
def email_unsubscribe(*, token: str) -> tuple[User, str]:
    """Honour a one-click unsubscribe link at once: no email of that kind (or none at all) is sent from now.

    Deliveries already queued for that person and kind are skipped too, so "at once" holds for the backlog.
    """
    from .models import Delivery

    read = unsubscribe_token_read(token)
    user = get_user_model().objects.filter(pk=read.user_id).first() if read is not None else None
    if read is None or user is None:
        raise Invalid(_("This unsubscribe link is not valid."))
    settings, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    pending = Delivery.objects.filter(
        notification__recipient=user,
        channel="email",
        state__in=[Delivery.State.PENDING, Delivery.State.DIGEST],
    )
    if read.kind == "*":
        settings.email_mode = EmailMode.OFF
        settings.newsletter = False
    elif read.kind == Kind.NEWSLETTER:
        settings.newsletter = False
        pending = pending.filter(notification__kind=read.kind)
    else:
        settings.muted_kinds = sorted({*settings.muted_kinds, Kind(read.kind).value})
        pending = pending.filter(notification__kind=read.kind)
    settings.save()
    pending.update(state=Delivery.State.SKIPPED, last_error="unsubscribed")
    return user, read.kind
