"""Delivery: retries with backoff when a provider fails (the request unaffected), digests, unsubscribe links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from notifications import delivery
from notifications.kinds import Kind
from notifications.models import Delivery, EmailMode, Notification, NotificationSettings
from notifications.services import notify
from notifications.tasks import notifications_sweep
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


class BrokenMail:
    """A mail server that refuses every connection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def open(self) -> None:
        raise ConnectionRefusedError("smtp down")

    def close(self) -> None:
        pass


def test_a_failed_mail_server_is_retried_with_backoff_and_the_request_is_unaffected(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.BrokenMail"
    first = CommentFactory()
    client = Client()
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/proposals/{first.proposal.pk}/comments/",
            {"body": "Respuesta", "stance": "neutral", "parent": first.pk},
        )
    assert response.status_code in (200, 302)  # the reply is saved; the mail server's failure is not the person's
    row = Delivery.objects.get(notification__recipient=first.author)
    assert row.state == Delivery.State.PENDING and row.attempts == 1
    assert "mail server" in row.last_error and "smtp down" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=30)
    # The mail server comes back; once the retry is due, the sweep sends it (once).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliveries_send_due() == 0  # not due yet: backoff
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    notifications_sweep()
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT and row.attempts == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].extra_headers["Message-ID"] == delivery.message_id(row.pk)


def test_after_the_last_attempt_the_delivery_is_marked_failed(settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.BrokenMail"
    person = UserFactory()
    notification = Notification.objects.create(recipient=person, kind=Kind.PROPOSAL_STATUS, key="k", params={})
    row = Delivery.objects.create(notification=notification, channel="email", attempts=delivery.MAX_ATTEMPTS - 1)
    delivery.deliveries_send_due()
    row.refresh_from_db()
    assert row.state == Delivery.State.FAILED


def test_the_backoff_doubles() -> None:
    waits = [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 4)]
    assert 48 <= waits[0] <= 72 and 96 <= waits[1] <= 144 and 192 <= waits[2] <= 288 and 384 <= waits[3] <= 576


def test_the_digest_groups_a_persons_notifications_in_one_email(django_capture_on_commit_callbacks: Any) -> None:
    reader = UserFactory(preferred_language="en")
    NotificationSettings.objects.create(user=reader, email_mode=EmailMode.DIGEST)
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=Kind.PROPOSAL_ANSWERED, recipients=[reader, other], key="a:1", params={"proposal": "Agua"})
        notify(kind=Kind.PROPOSAL_ANSWERED, recipients=[reader], key="a:2", params={"proposal": "Riego"})
        notify(kind=Kind.COMMENT_REPLY, recipients=[reader], key="r:1", params={"proposal": "Agua", "author": "Luz"})
    assert [m.to for m in mail.outbox] == [[other.email]]  # the immediate one only
    assert delivery.digests_send() == 1
    digest = mail.outbox[-1]
    assert digest.to == [reader.email]
    assert "3 notifications" in digest.subject
    assert "An official answer to a proposal I follow" in digest.body and "A reply to my comment" in digest.body
    assert "“Riego” has an official answer." in digest.body and "Luz replied" in digest.body
    assert Delivery.objects.filter(state=Delivery.State.DIGEST).count() == 0
    assert delivery.digests_send() == 0  # nothing twice


@pytest.mark.usefixtures("english")
def test_one_click_unsubscribe_without_sign_in_is_honoured_at_once(django_capture_on_commit_callbacks: Any) -> None:
    person = UserFactory(preferred_language="en")
    NotificationSettings.objects.create(user=person, email_mode=EmailMode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=Kind.PROPOSAL_ANSWERED, recipients=[person], key="a:1", params={"proposal": "Agua"})
    held = Delivery.objects.get()
    assert held.state == Delivery.State.DIGEST
    link = delivery.unsubscribe_url(user_id=person.pk, kind=Kind.PROPOSAL_ANSWERED)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = Client().get("/" + path)
    assert response.status_code == 200 and "no more emails of this kind" in response.content.decode()
    held.refresh_from_db()
    assert held.state == Delivery.State.SKIPPED  # the backlog too
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=Kind.PROPOSAL_ANSWERED, recipients=[person], key="a:2", params={"proposal": "Riego"})
        notify(
            kind=Kind.PROPOSAL_STATUS,
            recipients=[person],
            key="s:2",
            params={"proposal": "Riego", "status": "Withdrawn"},
        )
    kinds = set(Delivery.objects.exclude(state=Delivery.State.SKIPPED).values_list("notification__kind", flat=True))
    assert kinds == {Kind.PROPOSAL_STATUS}  # only that kind stopped
    assert Notification.objects.filter(recipient=person).count() == 3  # the centre still lists everything


def test_the_email_carries_list_unsubscribe_and_its_one_click_post_works(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=Kind.RESULTS_PUBLISHED, recipients=[person], key="res:1", params={"poll": "Consulta"})
    message = mail.outbox[0]
    header = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header in message.body
    all_link = delivery.unsubscribe_url(user_id=person.pk, kind="*")
    response = Client(enforce_csrf_checks=True).post("/" + all_link.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 200
    assert NotificationSettings.objects.get(user=person).email_mode == EmailMode.OFF


def test_a_forged_unsubscribe_link_changes_nothing() -> None:
    person = UserFactory()
    response = Client().get(f"/notifications/unsubscribe/{person.pk}:newsletter:forged/")
    assert response.status_code == 401
    assert not NotificationSettings.objects.filter(user=person).exists()


def test_sms_only_for_opted_in_confirmed_phones_and_never_after_stop(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SMS_GATEWAY = "tests.notifications.test_delivery.CountingSms"
    CountingSms.sent.clear()
    opted = UserFactory(phone="+51987654321", phone_confirmed_at=timezone.now())
    NotificationSettings.objects.create(user=opted, sms=True)
    stopped = UserFactory(phone="+51987654322", phone_confirmed_at=timezone.now(), sms_opt_out_at=timezone.now())
    NotificationSettings.objects.create(user=stopped, sms=True)
    not_opted = UserFactory(phone="+51987654323", phone_confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind=Kind.POLL_OPENED,
            recipients=[opted, stopped, not_opted],
            key="p:1",
            params={"poll": "Agua", "closes": "2027-01-01 18:00"},
            url="/polls/1/",
        )
        notify(kind=Kind.PROPOSAL_ANSWERED, recipients=[opted], key="a:1", params={"proposal": "Agua"})
    assert [phone for phone, _text in CountingSms.sent] == ["+51987654321"]
    assert len(CountingSms.sent[0][1]) <= 160 and "/polls/1/" in CountingSms.sent[0][1]


class CountingSms:
    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, message: str) -> str:
        self.sent.append((phone, message))
        return f"id-{len(self.sent)}"
