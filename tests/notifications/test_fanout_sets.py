"""A large audience is a QuerySet: notify() stores its SQL once, the worker expands it in chunks inside the database."""

from __future__ import annotations

import email
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from notifications import delivery, fanout
from notifications.kinds import Kind
from notifications.models import Delivery, EmailMode, Notification, NotificationEvent, NotificationSettings
from notifications.services import notify
from notifications.tokens import unsubscribe_token_read
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _event(**values: Any) -> NotificationEvent:
    return NotificationEvent.objects.get(**values)


def test_a_queryset_audience_is_stored_as_its_query_not_as_ids(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("notifications.services.INLINE_FANOUT_MAX", 2)  # five people: the worker's path
    people = UserFactory.create_batch(5, first_name="Seguidora")
    actor = people[0]
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind=Kind.PHASE_OPENED,
            recipients=User.objects.filter(first_name="Seguidora"),
            key="phase:1",
            params={"process": "Agua", "phase": "Debate"},
            actor=actor,
        )
    event = _event(key="phase:1")
    assert event.recipient_ids == [] and "SELECT" in event.recipient_query
    assert event.fanned_out_at is not None  # the immediate test backend ran the worker's task
    told = set(Notification.objects.filter(key="phase:1").values_list("recipient_id", flat=True))
    assert told == {person.pk for person in people[1:]}  # never the actor
    assert Delivery.objects.filter(notification__key="phase:1", state=Delivery.State.SENT).count() == 4


def test_query_parameters_of_every_type_survive_storage(django_capture_on_commit_callbacks: Any) -> None:
    joined = UserFactory()
    UserFactory(date_joined=timezone.now() - timedelta(days=30))
    since = timezone.now() - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind=Kind.PHASE_OPENED,
            recipients=User.objects.filter(date_joined__gte=since, is_active=True),
            key="phase:2",
            params={"process": "Agua", "phase": "Voto"},
        )
    # A datetime (PostgreSQL; SQLite's compiler hands over text already) is stored tagged and read back as one.
    stored = _event(key="phase:2").recipient_query_params[0]
    assert stored in ({"datetime": since.isoformat()}, str(since.replace(tzinfo=None)))
    assert list(Notification.objects.filter(key="phase:2").values_list("recipient_id", flat=True)) == [joined.pk]


def test_chunks_resume_where_a_killed_worker_stopped_and_tell_nobody_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanout, "CHUNK", 2)
    people = UserFactory.create_batch(5, first_name="Vecina")
    ids = sorted(person.pk for person in people)
    sql, params = User.objects.filter(first_name="Vecina").values(recipient=F("pk")).query.sql_with_params()
    event = NotificationEvent.objects.create(
        kind=Kind.PHASE_OPENED,
        key="phase:3",
        params={"process": "Agua", "phase": "Voto"},
        recipient_query=sql,
        recipient_query_params=list(params),
        fanned_out_through=ids[1],  # a worker committed the first chunk (two people), then was killed
    )
    Notification.objects.create(recipient_id=ids[0], kind=Kind.PHASE_OPENED, key="phase:3")
    Notification.objects.create(recipient_id=ids[1], kind=Kind.PHASE_OPENED, key="phase:3")
    assert fanout.event_fan_out(event_id=event.pk) == 3
    event.refresh_from_db()
    assert event.fanned_out_at is not None and event.fanned_out_through == ids[3]
    assert sorted(Notification.objects.filter(key="phase:3").values_list("recipient_id", flat=True)) == ids
    assert fanout.event_fan_out(event_id=event.pk) == 0  # a second run of a finished event does nothing


def test_preferences_apply_in_the_set_based_insert(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("notifications.services.INLINE_FANOUT_MAX", 0)
    immediate, digest, off, muted, no_address = UserFactory.create_batch(5, first_name="Socia")
    NotificationSettings.objects.create(user=digest, email_mode=EmailMode.DIGEST)
    NotificationSettings.objects.create(user=off, email_mode=EmailMode.OFF)
    NotificationSettings.objects.create(user=muted, muted_kinds=[Kind.PHASE_OPENED.value])
    User.objects.filter(pk=no_address.pk).update(email=None)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind=Kind.PHASE_OPENED,
            recipients=User.objects.filter(first_name="Socia"),
            key="phase:4",
            params={"process": "Agua", "phase": "Voto"},
        )
    assert Notification.objects.filter(key="phase:4").count() == 5  # in-app for everyone
    states = dict(Delivery.objects.filter(notification__key="phase:4").values_list("notification__recipient", "state"))
    assert states == {immediate.pk: Delivery.State.SENT, digest.pk: Delivery.State.DIGEST}
    assert [message.to for message in mail.outbox] == [[immediate.email]]


def test_the_merged_email_is_the_message_django_would_build_for_that_person(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    first, second = UserFactory(preferred_language="es"), UserFactory(preferred_language="es")
    for person in (first, second):
        notification = Notification.objects.create(
            recipient=person, kind=Kind.PROPOSAL_ANSWERED, key="answer:7", params={"proposal": "Riego"}, url="/p/7/"
        )
        Delivery.objects.create(notification=notification, channel="email")
    assert delivery.deliveries_send_due() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    for person in (first, second):
        sent = by_address[person.email]
        parsed = email.message_from_bytes(sent.message().as_bytes(linesep="\r\n"))
        row = Delivery.objects.get(notification__recipient=person)
        assert parsed["To"] == person.email
        assert parsed["Message-ID"] == delivery.message_id(row.pk)
        assert parsed["X-Decide-Delivery"] == str(row.pk)
        unsubscribe = parsed["List-Unsubscribe"].strip("<>")
        token = unsubscribe.rstrip("/").rsplit("/", 1)[-1]
        read = unsubscribe_token_read(token)
        assert read is not None and read.user_id == person.pk
        body = parsed.get_payload(decode=True).decode(parsed.get_content_charset() or "utf-8")
        assert body.replace("\r\n", "\n") == sent.body and unsubscribe in body and "Riego" in body
        assert parsed["Subject"] is not None and "merge" not in sent.message().as_string()
        # What a backend that looks inside the message sees is a real Message.
        assert sent.message()["To"] == person.email
    connection = get_connection("django.core.mail.backends.console.EmailBackend", stream=io.StringIO())
    assert connection.send_messages([by_address[str(first.email)]]) == 1


def test_sending_is_queued_as_each_chunk_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    """With several workers, the first emails of a large audience leave while the rest is still being written."""
    monkeypatch.setattr(fanout, "CHUNK", 2)
    UserFactory.create_batch(5, first_name="Regante")
    sql, params = User.objects.filter(first_name="Regante").values(recipient=F("pk")).query.sql_with_params()
    event = NotificationEvent.objects.create(
        kind=Kind.PHASE_OPENED,
        key="phase:5",
        params={"process": "Agua", "phase": "Voto"},
        recipient_query=sql,
        recipient_query_params=list(params),
    )
    pending_when_queued: list[int] = []

    def queued() -> None:
        pending_when_queued.append(Delivery.objects.filter(notification__key="phase:5").count())

    assert fanout.event_fan_out(event_id=event.pk, chunk_committed=queued) == 5
    # Chunks of two, two and one: a send is queued after each chunk but the last (the task queues that one),
    # and each time the chunk's deliveries are already committed.
    assert pending_when_queued == [2, 4]


def test_unsubscribe_links_are_what_django_signing_gives(settings: Any) -> None:
    """The batch signer keys its HMAC once; the links are byte for byte `signing.dumps`, so old links still work."""
    from django.core import signing

    from notifications.tokens import SALT, unsubscribe_signer, unsubscribe_token

    signer = unsubscribe_signer()
    for user_id, kind in ((1, Kind.PROPOSAL_ANSWERED.value), (987654321, "*"), (42, Kind.NEWSLETTER.value)):
        token = unsubscribe_token(user_id=user_id, kind=kind, signer=signer)
        assert token == signing.dumps([user_id, kind], salt=SALT, compress=True)
        assert unsubscribe_token_read(token) == unsubscribe_token_read(signing.dumps([user_id, kind], salt=SALT))
        read = unsubscribe_token_read(token)
        assert read is not None and (read.user_id, read.kind) == (user_id, kind)
    settings.SECRET_KEY = "another-secret-" + "x" * 40  # a link signed with another key is refused
    assert unsubscribe_token_read(unsubscribe_token(user_id=1, kind="*", signer=signer)) is None


def test_the_claim_reads_each_event_once_not_each_row(django_assert_max_num_queries: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for person in UserFactory.create_batch(30, preferred_language="es"):
        notification = Notification.objects.create(
            recipient=person, kind=Kind.PROPOSAL_ANSWERED, key="answer:8", params={"proposal": "Pozo"}, url="/p/8/"
        )
        Delivery.objects.create(notification=notification, channel="email")
    delivery._renders = None  # a fresh minute: the event's text is read and rendered within this batch
    # The claim, the event's params (once), the outcome, the savepoint-free transaction: not one query per row.
    with django_assert_max_num_queries(6):
        assert delivery.deliveries_send_due() == 30
    assert len(mail.outbox) == 30 and all("Pozo" in message.body for message in mail.outbox)
