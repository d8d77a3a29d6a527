"""Every write of notifications: announcing an event, reading, preferences, unsubscribing, newsletters.

`notify` is the one door other apps use. It only queues work after the caller's transaction
commits; the fan-out to recipients and the sending happen in the background worker (small
events are fanned out right after commit, so the live badge moves at once on one machine).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import F, QuerySet
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


def _recipient_ids(recipients: Iterable[User], actor: User | None) -> list[int]:
    ids = list(dict.fromkeys(user.pk for user in recipients))
    if actor is not None:
        # Nobody is told about what they did themselves.
        ids = [pk for pk in ids if pk != actor.pk]
    return ids


def _query_param(value: object) -> Any:
    """A SQL parameter as JSON, tagged when JSON has no type for it; TypeError for anything else."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal | UUID):
        return {type(value).__name__.lower(): str(value)}
    raise TypeError(f"a recipient query parameter of type {type(value).__name__} cannot be stored")


def query_param_read(value: Any) -> Any:
    """A parameter stored by _query_param, back to its Python type."""
    if isinstance(value, dict):
        ((tag, text),) = value.items()
        if tag == "datetime":
            return datetime.fromisoformat(text)
        if tag == "date":
            return date.fromisoformat(text)
        return Decimal(text) if tag == "decimal" else UUID(text)
    return value


def _recipient_query(recipients: QuerySet[User]) -> tuple[str, list[Any]] | None:
    """The SELECT of the recipients' ids as SQL and JSON parameters, or None if it cannot be stored as such."""
    try:
        sql, params = recipients.order_by().values(recipient=F("pk")).query.sql_with_params()
        return sql, [_query_param(value) for value in params]
    except (TypeError, EmptyResultSet):
        return None


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
    request; never sends inside it. Pass a large audience as a QuerySet: the event stores its SQL once and
    the worker expands it inside the database, so the request holds no object per recipient.
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
            ids: list[int] = []
            query: tuple[str, list[Any]] | None = None
            if isinstance(recipients, QuerySet):
                # Nobody is told about what they did themselves.
                audience = recipients.exclude(pk=actor.pk) if actor is not None else recipients
                query = _recipient_query(audience)
                # At most INLINE_FANOUT_MAX + 1 ids are read: enough to choose inline or worker.
                few = list(audience.order_by().values_list("pk", flat=True).distinct()[: INLINE_FANOUT_MAX + 1])
                if query is None:
                    ids = list(audience.order_by().values_list("pk", flat=True).distinct())
                count = len(few)
            else:
                ids = _recipient_ids(recipients, actor)
                count = len(ids)
            if not count:
                return
            event = NotificationEvent.objects.create(
                kind=kind,
                key=key,
                params=clean_params,
                url=url[:500],
                actor_id=actor.pk if actor is not None else None,
                recipient_ids=ids,
                recipient_query=query[0] if query is not None else "",
                recipient_query_params=query[1] if query is not None else [],
            )
        except Exception:  # the caller's change is committed: a failure here must not turn it into an error page
            logger.exception("notification %s %s not recorded", kind, key)
            return
        from .tasks import event_fan_out_enqueue  # tasks imports the fan-out, which imports this module's models

        event_fan_out_enqueue(event_id=event.pk, inline=count <= INLINE_FANOUT_MAX)

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
