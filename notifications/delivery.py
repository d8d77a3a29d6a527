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

import email
import inspect
import logging
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

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
from decide.site_name import site_name

from . import messages
from .kinds import Channel, Kind
from .models import Delivery, Newsletter, Notification
from .tokens import unsubscribe_signer, unsubscribe_token

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

BATCH = 1000
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


_SLOT = "unsubscribe-slot"


def _unsubscribe_urls() -> Callable[[int, str], str]:
    """unsubscribe_url for a whole batch: one reverse, then only the signing per email."""
    base = absolute(reverse("notifications:unsubscribe", args=[_SLOT]))
    signer = unsubscribe_signer()
    return lambda user_id, kind: base.replace(_SLOT, unsubscribe_token(user_id=user_id, kind=kind, signer=signer))


def _message_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "decide.local"


def message_id(delivery_id: int, domain: str | None = None) -> str:
    return f"<delivery-{delivery_id}@{domain or _message_domain()}>"


@dataclass
class _Outcome:
    sent: list[int]
    failed: dict[int, str]


class _Claimed(NamedTuple):
    """One claimed delivery with what sending it needs, read in the claiming query (no model instances)."""

    pk: int
    channel: str
    attempts: int
    notification_id: int
    kind: str
    key: str
    recipient_id: int
    email: str
    language: str


# Not the notification's params and link: they are the event's, the same on every row of it, read once per
# event (_Renders.event) rather than decoded from JSON for each of 100,000 rows.
_CLAIMED_FIELDS = (
    "pk",
    "channel",
    "attempts",
    "notification_id",
    "notification__kind",
    "notification__key",
    "notification__recipient_id",
    "notification__recipient__email",
    "notification__recipient__preferred_language",
)

# Stand-ins in the prototype message of one (event, language), replaced per recipient in its bytes.
_MERGE_TO = "merge-to-5f1c@merge.invalid"
_MERGE_ID = "<merge-id-5f1c@merge.invalid>"
_MERGE_UNSUBSCRIBE = "https://merge.invalid/unsubscribe-5f1c"
_MERGE_DELIVERY = "merge-delivery-5f1c"
_STAND_INS = re.compile(
    b"("
    + b"|".join(re.escape(part.encode("ascii")) for part in (_MERGE_TO, _MERGE_ID, _MERGE_UNSUBSCRIBE, _MERGE_DELIVERY))
    + b")"
)


class _MergedMessage:
    """The bytes of a prototype MIME message with one recipient's values merged in.

    Offers what Django's mail backends call (as_bytes, as_string, get_charset); anything else is
    answered by the parsed message, so a backend that inspects headers still sees a real Message.
    """

    def __init__(self, prototype: _Prototype, values: dict[str, str]) -> None:
        self._prototype = prototype
        self._values = {placeholder.encode("ascii"): value.encode("ascii") for placeholder, value in values.items()}

    def as_bytes(self, unixfrom: bool = False, policy: Any = None, linesep: str = "\n") -> bytes:
        values = self._values
        return b"".join([values.get(part, part) for part in self._prototype.parts(linesep)])

    def as_string(self, unixfrom: bool = False, maxheaderlen: int = 0, policy: Any = None) -> str:
        return self.as_bytes().decode("utf-8")

    def get_charset(self) -> Any:
        return self._prototype.message.get_charset()

    def _parsed(self) -> Any:
        return email.message_from_bytes(self.as_bytes())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy and pickle probe for these before __init__ ran
            raise AttributeError(name)
        return getattr(self._parsed(), name)

    def __getitem__(self, name: str) -> Any:
        return self._parsed()[name]

    def __contains__(self, name: str) -> bool:
        return name in self._parsed()


class _Prototype:
    """One fully built MIME message per (event, language): what Django's message() costs, paid once."""

    def __init__(self, message: Any, email: _MergedEmail | None) -> None:
        self.message = message
        self.email = email  # the EmailMessage the prototype was built from, copied for each recipient
        self._bytes: dict[str, bytes] = {}
        self._parts: dict[str, list[bytes]] = {}

    def data(self, linesep: str) -> bytes:
        if linesep not in self._bytes:
            self._bytes[linesep] = self.message.as_bytes(linesep=linesep)
        return self._bytes[linesep]

    def parts(self, linesep: str) -> list[bytes]:
        """The message's bytes split around its stand-ins (kept as parts): merging is one join, not four scans."""
        if linesep not in self._parts:
            self._parts[linesep] = _STAND_INS.split(self.data(linesep))
        return self._parts[linesep]

    def mergeable(self) -> bool:
        # Each stand-in must survive encoding whole (not folded or quoted-printable split), the body's once per line.
        data = self.data("\n")
        return all(data.count(part.encode("ascii")) >= 1 for part in (_MERGE_TO, _MERGE_ID, _MERGE_DELIVERY)) and (
            _MERGE_UNSUBSCRIBE.encode("ascii") in data
        )


class _MergedEmail(EmailMultiAlternatives):
    """An email whose MIME form comes from its event's prototype: one render per (event, language), not per person."""

    prototype: _Prototype | None = None
    merge_values: dict[str, str]

    def message(self, *, policy: Any = None) -> Any:
        if self.prototype is None:
            return super().message() if policy is None else super().message(policy=policy)
        return _MergedMessage(self.prototype, self.merge_values)


class _MessageText(NamedTuple):
    subject: str
    body: str
    html: str


class _Renders:
    """Texts and MIME prototypes per (kind, event, language), shared by the batches of the next minute.

    An event's text is the same for everyone reading the same language, so a 100,000-recipient event
    renders its templates three times (es, en, fr), not 100,000; kept a minute so the Date header stays true.
    """

    MAX_AGE_S = 60.0
    MAX_ENTRIES = 256

    def __init__(self) -> None:
        self.born = time.monotonic()
        self.events: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        self.texts: dict[tuple[str, str, str], _MessageText] = {}
        self.prototypes: dict[tuple[str, str, str], _Prototype] = {}
        self.unsubscribe_url = _unsubscribe_urls()
        self.domain = _message_domain()

    def message_id(self, delivery_id: int) -> str:
        return message_id(delivery_id, self.domain)

    def fresh(self) -> bool:
        return time.monotonic() - self.born < self.MAX_AGE_S and len(self.texts) < self.MAX_ENTRIES

    def event(self, row: _Claimed) -> tuple[dict[str, Any], str]:
        """The params and link of the row's event (kind, key), read from its notification once."""
        cache_key = (row.kind, row.key)
        if cache_key not in self.events:
            found = Notification.objects.filter(pk=row.notification_id).values_list("params", "url").first()
            self.events[cache_key] = found if found is not None else ({}, "")
        return self.events[cache_key]

    def text(self, row: _Claimed, language: str) -> _MessageText:
        """Subject, body (with the unsubscribe stand-in) and HTML part of one event in one language."""
        cache_key = (row.kind, row.key, language)
        if cache_key not in self.texts:
            params, url = self.event(row)
            html = ""
            if row.kind == Kind.NEWSLETTER:
                newsletter = Newsletter.objects.filter(pk=int(params.get("newsletter") or 0)).first()
                if newsletter is not None:
                    html = newsletter.body
                    params = {**params, "text": strip_tags(newsletter.body)}
            subject = messages.email_subject(kind=row.kind, params=params, language=language)
            body = messages.email_body(
                kind=row.kind,
                params=params,
                language=language,
                url=absolute(url),
                unsubscribe_url=_MERGE_UNSUBSCRIBE,
            )
            self.texts[cache_key] = _MessageText(subject, body, html)
        return self.texts[cache_key]


_renders: _Renders | None = None


def _current_renders() -> _Renders:
    global _renders
    if _renders is None or not _renders.fresh():
        _renders = _Renders()
    return _renders


def _email_for(row: _Claimed, renders: _Renders) -> EmailMultiAlternatives:
    if not row.email:  # an account made at an officer's desk may have none: the delivery fails, saying so
        raise ValueError("the recipient has no email address")
    language = row.language or settings.LANGUAGE_CODE
    text = renders.text(row, language)
    unsubscribe = renders.unsubscribe_url(row.recipient_id, row.kind)

    def build(to: str, message_id_: str, unsubscribe_: str, delivery: str) -> _MergedEmail:
        email = _MergedEmail(
            subject=text.subject,
            body=text.body.replace(_MERGE_UNSUBSCRIBE, unsubscribe_),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={
                "Message-ID": message_id_,
                "List-Unsubscribe": f"<{unsubscribe_}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-Decide-Delivery": delivery,
            },
        )
        if text.html:
            email.attach_alternative(text.html, "text/html")
        return email

    if not (row.email.isascii() and unsubscribe.isascii()):
        return build(row.email, message_id(row.pk), unsubscribe, str(row.pk))  # an address to encode: built whole
    cache_key = (row.kind, row.key, language)
    if cache_key not in renders.prototypes:
        template = build(_MERGE_TO, _MERGE_ID, _MERGE_UNSUBSCRIBE, _MERGE_DELIVERY)
        prototype = _Prototype(template.message(), template)
        renders.prototypes[cache_key] = prototype if prototype.mergeable() else _Prototype(None, None)
    prototype = renders.prototypes[cache_key]
    if prototype.message is None or prototype.email is None:
        return build(row.email, message_id(row.pk), unsubscribe, str(row.pk))
    # The event's email with this person's values: a shallow copy of the prototype's (its lists and headers are
    # replaced here, never changed in place), not a new EmailMessage built from scratch for each of 100,000 people.
    email = _MergedEmail.__new__(_MergedEmail)
    email.__dict__.update(prototype.email.__dict__)
    message_id_ = renders.message_id(row.pk)
    email.to = [row.email]
    email.body = text.body.replace(_MERGE_UNSUBSCRIBE, unsubscribe)
    email.extra_headers = {
        **prototype.email.extra_headers,
        "Message-ID": message_id_,
        "List-Unsubscribe": f"<{unsubscribe}>",
        "X-Decide-Delivery": str(row.pk),
    }
    email.prototype = prototype
    email.merge_values = {
        _MERGE_TO: row.email,
        _MERGE_ID: message_id_,
        _MERGE_UNSUBSCRIBE: unsubscribe,
        _MERGE_DELIVERY: str(row.pk),
    }
    return email


def _send_emails(rows: list[_Claimed]) -> _Outcome:
    """The batch's emails through one connection (one SMTP session, one file), each with its own outcome."""
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
    renders = _current_renders()
    try:
        for row in rows:
            try:
                connection.send_messages([_email_for(row, renders)])
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


def _send_sms(rows: list[_Claimed]) -> _Outcome:
    outcome = _Outcome(sent=[], failed={})
    if not rows:
        return outcome
    gateway = sms_gateway()
    takes_reference = "reference" in inspect.signature(gateway.send).parameters
    people = get_user_model().objects.in_bulk([row.recipient_id for row in rows])
    renders = _current_renders()
    for row in rows:
        recipient = people.get(row.recipient_id)
        phone: str | None = getattr(recipient, "sms_phone", None)
        if not phone:
            outcome.failed[row.pk] = "skip: no confirmed phone, or STOP"
            continue
        params, url = renders.event(row)
        text = messages.sms_text(
            kind=row.kind, params=params, language=row.language or settings.LANGUAGE_CODE, url=absolute(url)
        )
        try:
            if takes_reference:
                # The idempotency key: a message resent after a killed batch is dropped by the provider.
                gateway.send(phone=phone, message=text, reference=f"delivery-{row.pk}")  # type: ignore[call-arg]
            else:
                gateway.send(phone=phone, message=text)
        except Exception as exc:
            outcome.failed[row.pk] = f"SMS provider: {exc}"[:300]
        else:
            outcome.sent.append(row.pk)
    return outcome


def _record(rows: Iterable[_Claimed], outcome: _Outcome, now: datetime) -> None:
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
        # One query walks the partial index delivery_due in order and stops at `limit` (a nested loop to the
        # notification and the person, LIMIT on top). The fan-out refreshes the planner's statistics after a
        # large event: with stale ones it would join and sort every pending row for each batch.
        rows = [
            _Claimed(*values)
            for values in Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list(*_CLAIMED_FIELDS)[:limit]
        ]
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
                "site_name": site_name(),
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
