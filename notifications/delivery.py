"""Sending: claim due deliveries, send them, mark them sent — in one short transaction per batch.

Rows are claimed with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL), so workers never share a row;
a message is marked sent in the transaction that claimed it. A worker killed mid-batch rolls the
whole batch back: its rows are claimable again, and a message that left before the kill is sent
again *with the same idempotency key* (the delivery id, in the Message-ID header and to the SMS
provider), which providers use to drop the duplicate. Smaller batches shorten that window.

A failure (mail server down, provider timeout) is retried with exponential backoff and recorded in
words on the row; after MAX_ATTEMPTS the delivery is marked failed.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from accounts.sms import sms_gateway

from . import messages
from .kinds import Channel, Kind
from .models import Delivery, Newsletter
from .tokens import unsubscribe_token

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

BATCH = 200
MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 60
BACKOFF_MAX_S = 6 * 3600


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes (capped at six hours), with jitter so a recovered provider is not stampeded."""
    seconds = min(BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=user_id, kind=kind)]))


def message_id(delivery_id: int) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "decide.local"
    return f"<delivery-{delivery_id}@{domain}>"


@dataclass
class _Outcome:
    sent: list[int]
    failed: dict[int, str]


def _email_for(delivery: Delivery, cache: dict[tuple[str, str, str], tuple[str, str]]) -> EmailMultiAlternatives:
    notification = delivery.notification
    recipient = notification.recipient
    if not recipient.email:  # an account made at an officer's desk may have none: the delivery fails, saying so
        raise ValueError("the recipient has no email address")
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    unsubscribe = unsubscribe_url(user_id=recipient.pk, kind=notification.kind)
    # The text of one event is the same for every recipient who reads the same language: rendered once.
    cache_key = (notification.kind, notification.key, language)
    if cache_key not in cache:
        placeholder = "\x00unsubscribe\x00"
        params = notification.params
        html = ""
        if notification.kind == Kind.NEWSLETTER:
            newsletter = Newsletter.objects.filter(pk=params.get("newsletter")).first()
            if newsletter is not None:
                html = newsletter.body
                params = {**params, "text": strip_tags(newsletter.body)}
        subject = messages.email_subject(kind=notification.kind, params=params, language=language)
        body = messages.email_body(
            kind=notification.kind,
            params=params,
            language=language,
            url=absolute(notification.url),
            unsubscribe_url=placeholder,
        )
        cache[cache_key] = (subject, body)
        if html:
            cache[(*cache_key[:2], language + ":html")] = (html, "")
    subject, body = cache[cache_key]
    email = EmailMultiAlternatives(
        subject=subject,
        body=body.replace("\x00unsubscribe\x00", unsubscribe),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "Message-ID": message_id(delivery.pk),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Decide-Delivery": str(delivery.pk),
        },
    )
    html_entry = cache.get((notification.kind, notification.key, language + ":html"))
    if html_entry is not None:
        email.attach_alternative(html_entry[0], "text/html")
    return email


def _send_emails(rows: list[Delivery]) -> _Outcome:
    outcome = _Outcome(sent=[], failed={})
    if not rows:
        return outcome
    try:
        connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
        connection.open()
    except Exception as exc:
        reason = f"mail server: {type(exc).__name__}: {exc}"[:300]
        outcome.failed.update((row.pk, reason) for row in rows)
        return outcome
    cache: dict[tuple[str, str, str], tuple[str, str]] = {}
    try:
        for row in rows:
            try:
                connection.send_messages([_email_for(row, cache)])
            except Exception as exc:
                outcome.failed[row.pk] = f"mail server: {type(exc).__name__}: {exc}"[:300]
            else:
                outcome.sent.append(row.pk)
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("mail connection did not close cleanly")
    return outcome


def _send_sms(rows: list[Delivery]) -> _Outcome:
    outcome = _Outcome(sent=[], failed={})
    gateway = sms_gateway()
    for row in rows:
        recipient = row.notification.recipient
        phone: str | None = getattr(recipient, "sms_phone", None)
        if not phone:
            outcome.failed[row.pk] = "skip: no confirmed phone, or STOP"
            continue
        text = messages.sms_text(
            kind=row.notification.kind,
            params=row.notification.params,
            language=recipient.preferred_language,
            url=absolute(row.notification.url),
        )
        try:
            gateway.send(phone=phone, message=text)
        except Exception as exc:
            outcome.failed[row.pk] = f"SMS provider: {exc}"[:300]
        else:
            outcome.sent.append(row.pk)
    return outcome


def _record(rows: Iterable[Delivery], outcome: _Outcome, now: datetime) -> None:
    if outcome.sent:
        Delivery.objects.filter(pk__in=outcome.sent).update(
            state=Delivery.State.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
        )
    by_pk = {row.pk: row for row in rows}
    for pk, reason in outcome.failed.items():
        row = by_pk[pk]
        attempts = row.attempts + 1
        if reason.startswith("skip:"):
            values: dict[str, Any] = {"state": Delivery.State.SKIPPED, "last_error": reason[5:].strip()}
        elif attempts >= MAX_ATTEMPTS:
            values = {"state": Delivery.State.FAILED, "attempts": attempts, "last_error": reason}
        else:
            values = {"attempts": attempts, "last_error": reason, "next_attempt_at": now + backoff(attempts)}
        Delivery.objects.filter(pk=pk).update(**values)


def deliveries_send_due(*, limit: int = BATCH) -> int:
    """Claim up to `limit` due deliveries, send them, record the outcome; returns how many were claimed."""
    with transaction.atomic():
        now = timezone.now()
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
            .select_related("notification__recipient")
            .order_by("next_attempt_at", "id")[:limit]
        )
        if not rows:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            emails = _send_emails([row for row in rows if row.channel == Channel.EMAIL])
            sms = _send_sms([row for row in rows if row.channel == Channel.SMS])
        _record(rows, _Outcome(sent=emails.sent + sms.sent, failed={**emails.failed, **sms.failed}), timezone.now())
    return len(rows)


def next_retry_at() -> datetime | None:
    row = Delivery.objects.filter(state=Delivery.State.PENDING).order_by("next_attempt_at").first()
    return row.next_attempt_at if row is not None else None


def digests_send(*, limit_people: int = 500) -> int:
    """Send each person waiting for a digest one email listing their held notifications; returns emails sent."""
    user_model = get_user_model()
    waiting = list(
        Delivery.objects.filter(state=Delivery.State.DIGEST, channel=Channel.EMAIL)
        .values_list("notification__recipient_id", flat=True)
        .distinct()[:limit_people]
    )
    sent = 0
    for recipient_id in waiting:
        with transaction.atomic():
            rows = list(
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=Delivery.State.DIGEST, channel=Channel.EMAIL, notification__recipient_id=recipient_id)
                .select_related("notification")
                .order_by("notification__created_at")
            )
            recipient = user_model.objects.filter(pk=recipient_id).first()
            if not rows or recipient is None:
                continue
            email = digest_email(recipient=recipient, rows=rows)
            try:
                email.send(fail_silently=False)
            except Exception as exc:
                logger.warning("digest for %s not sent: %s", recipient_id, exc)
                continue
            Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
                state=Delivery.State.SENT, sent_at=timezone.now(), last_error=""
            )
            sent += 1
    return sent


def digest_email(*, recipient: Any, rows: list[Delivery]) -> EmailMultiAlternatives:
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    # Keyed by the lazy label: it is read in the recipient's language when the email is rendered.
    grouped: dict[StrOrPromise, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        notification = row.notification
        grouped[Kind(notification.kind).label].append(
            {
                "text": messages.inapp_text(kind=notification.kind, params=notification.params, language=language),
                "url": absolute(notification.url),
            }
        )
    unsubscribe = unsubscribe_url(user_id=recipient.pk, kind="*")
    with translation.override(language):
        subject = " ".join(render_to_string("notifications/messages/digest_subject.txt", {"count": len(rows)}).split())
        body = render_to_string(
            "notifications/messages/digest_body.txt",
            {
                "groups": [(str(label), items) for label, items in grouped.items()],
                "unsubscribe_url": unsubscribe,
                "settings_url": absolute(reverse("notifications:settings")),
            },
        )
    first = min(row.pk for row in rows)
    return EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "Message-ID": message_id(first).replace("delivery-", "digest-"),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
