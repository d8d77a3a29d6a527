"""notify(): one notification per (recipient, kind, event), after commit, in each recipient's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from notifications.kinds import Kind
from notifications.models import Delivery, EmailMode, Notification, NotificationSettings
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_is_after_commit_and_once_per_event(django_capture_on_commit_callbacks: Any) -> None:
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=Kind.PROPOSAL_ANSWERED, recipients=[first, second], key="answer:1", params={"proposal": "Agua"})
        assert Notification.objects.count() == 0  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=Kind.PROPOSAL_ANSWERED, recipients=[first, second], key="answer:1", params={"proposal": "Agua"})
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted([first.pk, second.pk])
    assert Delivery.objects.filter(state=Delivery.State.SENT, channel="email").count() == 2
    assert len(mail.outbox) == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.email, second.email])


def test_a_rolled_back_change_notifies_nobody(django_capture_on_commit_callbacks: Any) -> None:
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(kind=Kind.PROPOSAL_STATUS, recipients=[person], key="status:1", params={"proposal": "X"})
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Notification.objects.count() == 0


def test_the_actor_is_not_told_about_their_own_action(django_capture_on_commit_callbacks: Any) -> None:
    actor, other = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind=Kind.COMMENT_REPLY,
            recipients=[actor, other],
            key="reply:9",
            params={"proposal": "P", "author": "a"},
            actor=actor,
        )
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [other.pk]


def test_each_recipient_reads_the_message_in_their_language(django_capture_on_commit_callbacks: Any) -> None:
    spanish = UserFactory(preferred_language="es")
    english = UserFactory(preferred_language="en")
    french = UserFactory(preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind=Kind.SUPPORTED_QUALIFIED,
            recipients=[spanish, english, french],
            key="qualified:5",
            params={"proposal": "Agua limpia", "count": 120},
            url="/p/5/",
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "Agua limpia" in by_address[english.email].subject
    assert "enough supports" in by_address[english.email].subject
    assert "suficientes apoyos" in by_address[spanish.email].subject
    assert "suffisamment de soutiens" in by_address[french.email].subject
    assert "http://" in by_address[spanish.email].body and "/p/5/" in by_address[spanish.email].body


def test_params_must_be_plain_values() -> None:
    person = UserFactory()
    with pytest.raises(TypeError):
        notify(kind=Kind.PROPOSAL_STATUS, recipients=[person], key="k", params={"proposal": person})  # type: ignore[dict-item]


def test_email_off_and_muted_kinds_get_in_app_only(django_capture_on_commit_callbacks: Any) -> None:
    quiet, muted, digest = UserFactory(), UserFactory(), UserFactory()
    NotificationSettings.objects.create(user=quiet, email_mode=EmailMode.OFF)
    NotificationSettings.objects.create(user=muted, muted_kinds=[Kind.PROPOSAL_STATUS.value])
    NotificationSettings.objects.create(user=digest, email_mode=EmailMode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind=Kind.PROPOSAL_STATUS,
            recipients=[quiet, muted, digest],
            key="s:1",
            params={"proposal": "P", "status": "Qualified"},
        )
    assert Notification.objects.count() == 3
    assert list(Delivery.objects.values_list("notification__recipient_id", "state")) == [(digest.pk, "digest")]
    assert mail.outbox == []
