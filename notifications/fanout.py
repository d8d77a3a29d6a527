"""From one event to its notifications and deliveries: idempotent, in chunks, safe to run twice.

Run by the worker (or right after commit for small events). A worker killed halfway leaves the
event unfinished; the next run inserts only what is missing (ON CONFLICT DO NOTHING on the
unique constraints), so nobody is told twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .kinds import NEVER_DIGESTED, SMS_KINDS, Channel, Kind
from .live import LIVE_PUSH_MAX, badge_push
from .models import Delivery, EmailMode, Notification, NotificationEvent, NotificationSettings

CHUNK = 5000


@dataclass(frozen=True)
class _Reach:
    """What one recipient accepts, read in bulk for a chunk."""

    email: bool
    digest: bool
    sms: bool


def _sms_capable_ids(user_ids: list[int]) -> set[int]:
    """Accounts with a confirmed phone that has not texted STOP (fields owned by accounts)."""
    user_model = get_user_model()
    names = {field.name for field in user_model._meta.get_fields()}
    if not {"phone", "phone_confirmed_at", "sms_opt_out_at"} <= names:
        return set()
    return set(
        user_model.objects.filter(
            pk__in=user_ids, phone__isnull=False, phone_confirmed_at__isnull=False, sms_opt_out_at__isnull=True
        ).values_list("pk", flat=True)
    )


def _reach(kind: Kind, user_ids: list[int]) -> dict[int, _Reach]:
    user_model = get_user_model()
    emails = dict(
        user_model.objects.filter(pk__in=user_ids, is_active=True, email__gt="")
        # Deleted accounts keep an address at invalid.decide: nobody reads it.
        .exclude(email__endswith="@invalid.decide")
        .values_list("pk", "email")
    )
    settings = {row.user_id: row for row in NotificationSettings.objects.filter(user_id__in=user_ids)}
    sms_ids = _sms_capable_ids(user_ids) if kind in SMS_KINDS else set()
    reach: dict[int, _Reach] = {}
    for user_id in user_ids:
        own = settings.get(user_id)
        mode = own.email_mode if own is not None else EmailMode.IMMEDIATE
        muted = kind.value in (own.muted_kinds if own is not None else [])
        if kind == Kind.NEWSLETTER:
            email = user_id in emails and (own is None or own.newsletter)
        else:
            email = user_id in emails and mode != EmailMode.OFF and not muted
        reach[user_id] = _Reach(
            email=email,
            digest=mode == EmailMode.DIGEST and kind not in NEVER_DIGESTED,
            sms=user_id in sms_ids and own is not None and own.sms,
        )
    return reach


def event_fan_out(*, event_id: int) -> int:
    """Create the notifications and deliveries of one event; returns how many people were newly told."""
    event = NotificationEvent.objects.filter(pk=event_id).first()
    if event is None or event.fanned_out_at is not None:
        return 0
    kind = Kind(event.kind)
    active = set(
        get_user_model().objects.filter(pk__in=event.recipient_ids, is_active=True).values_list("pk", flat=True)
    )
    recipients = [pk for pk in event.recipient_ids if pk in active]
    told: list[int] = []
    now = timezone.now()
    for start in range(0, len(recipients), CHUNK):
        chunk = recipients[start : start + CHUNK]
        with transaction.atomic():
            already = set(
                Notification.objects.filter(kind=kind, key=event.key, recipient_id__in=chunk).values_list(
                    "recipient_id", flat=True
                )
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient_id=pk,
                        kind=kind,
                        key=event.key,
                        params=event.params,
                        url=event.url,
                        actor_id=event.actor_id,
                        created_at=now,
                    )
                    for pk in chunk
                    if pk not in already
                ],
                ignore_conflicts=True,
                batch_size=1000,
            )
            ids = dict(
                Notification.objects.filter(kind=kind, key=event.key, recipient_id__in=chunk).values_list(
                    "recipient_id", "id"
                )
            )
            reach = _reach(kind, chunk)
            deliveries: list[Delivery] = []
            for recipient_id, notification_id in ids.items():
                wants = reach[recipient_id]
                if wants.email:
                    state = Delivery.State.DIGEST if wants.digest else Delivery.State.PENDING
                    deliveries.append(
                        Delivery(
                            notification_id=notification_id, channel=Channel.EMAIL, state=state, next_attempt_at=now
                        )
                    )
                if wants.sms:
                    deliveries.append(
                        Delivery(notification_id=notification_id, channel=Channel.SMS, next_attempt_at=now)
                    )
            Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
        told.extend(pk for pk in chunk if pk not in already)
    NotificationEvent.objects.filter(pk=event.pk).update(fanned_out_at=timezone.now())
    if len(told) <= LIVE_PUSH_MAX:
        for user_id in told:
            badge_push(user_id, new=1)
    return len(told)
