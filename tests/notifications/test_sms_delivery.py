"""SMS notifications through the real HTTP gateway backend (accounts.sms.http) against a local fake provider."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from notifications import delivery
from notifications.kinds import Kind
from notifications.models import Delivery, Notification, NotificationSettings
from notifications.services import notify
from notifications.tasks import notifications_sweep
from tests.factories import UserFactory
from tests.support.sms_provider import FakeSmsProvider

pytestmark = pytest.mark.django_db

PHONE = "+51987654321"


def _opted_in() -> User:
    person: User = UserFactory(phone=PHONE, phone_confirmed_at=timezone.now(), preferred_language="es")
    NotificationSettings.objects.create(user=person, sms=True, email_mode="off")
    return person


def _poll_opened(person: User, django_capture_on_commit_callbacks: Any, key: str = "poll-opened:1") -> float:
    """The event as its owning app announces it, inside the caller's transaction; returns the caller's seconds."""
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(
            kind=Kind.POLL_OPENED,
            recipients=[person],
            key=key,
            params={"poll": "Agua 2027", "closes": "2027-01-01 18:00"},
            url="/polls/1/",
        )
    return time.monotonic() - started


def _sms_row(person: User) -> Delivery:
    return Delivery.objects.get(notification__recipient=person, channel="sms")


def test_a_text_reaches_the_provider_with_its_idempotency_key_in_the_persons_language(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    person = _opted_in()
    _poll_opened(person, django_capture_on_commit_callbacks)
    row = _sms_row(person)
    assert row.state == Delivery.State.SENT and row.attempts == 1
    [sent] = sms_provider.sent
    assert sent.to == PHONE and sent.authorization == "Bearer test-token"
    assert sent.reference == f"delivery-{row.pk}"  # the provider drops a resend after a killed batch
    assert len(sent.text) <= 160 and "/polls/1/" in sent.text and "Agua 2027" in sent.text
    assert "votación" in sent.text.lower() or "vota" in sent.text.lower()


def test_a_failing_provider_is_retried_with_backoff_and_the_caller_is_unaffected(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    person = _opted_in()
    sms_provider.mode = "fail"
    _poll_opened(person, django_capture_on_commit_callbacks)  # raises nothing into the caller
    row = _sms_row(person)
    assert row.state == Delivery.State.PENDING and row.attempts == 1
    assert "SMS provider" in row.last_error and "500" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert delivery.deliveries_send_due() == 0  # not due yet: backoff
    assert sms_provider.sent == []
    # The provider recovers; once the retry is due, the sweep sends it, once.
    sms_provider.mode = "ok"
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    notifications_sweep()
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT and row.attempts == 2
    assert [sent.reference for sent in sms_provider.sent] == [f"delivery-{row.pk}"]


def test_a_hanging_provider_costs_at_most_the_timeout_and_is_retried(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    person = _opted_in()
    sms_provider.mode = "hang"
    sms_provider.hang_seconds = 5.0
    assert settings.SMS_HTTP_TIMEOUT == 1.0
    seconds = _poll_opened(person, django_capture_on_commit_callbacks)
    # With the inline test queue the sending runs in the caller's process: even so, bounded by the timeout.
    assert seconds < 3.0
    row = _sms_row(person)
    assert row.state == Delivery.State.PENDING and row.attempts == 1
    with translation.override(django_settings.LANGUAGE_CODE):  # the worker records errors in the site language
        assert row.last_error == "SMS provider: " + gettext("The SMS provider did not answer in time.")
    assert row.next_attempt_at > timezone.now()


def test_after_the_last_attempt_a_text_is_marked_failed(sms_provider: FakeSmsProvider) -> None:
    person = _opted_in()
    sms_provider.mode = "fail"
    notification = Notification.objects.create(
        recipient=person, kind=Kind.POLL_REMINDER, key="r:1", params={"poll": "Agua", "closes": "mañana"}
    )
    row = Delivery.objects.create(notification=notification, channel="sms", attempts=delivery.MAX_ATTEMPTS - 1)
    delivery.deliveries_send_due()
    row.refresh_from_db()
    assert row.state == Delivery.State.FAILED and "SMS provider" in row.last_error
