"""The notification centre: private to its owner, read and read-all with plain forms, the unread count in the header."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.roles import ADMINISTRATOR, MODERATOR
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _notice(owner: object, key: str = "a:1", title: str = "Agua") -> Notification:
    return Notification.objects.create(
        recipient=owner, kind=Kind.PROPOSAL_ANSWERED, key=key, params={"proposal": title}, url="/somewhere/"
    )


def test_the_centre_lists_my_notifications_in_my_language_and_the_header_counts_them() -> None:
    owner = UserFactory(preferred_language="en")
    _notice(owner, "a:1", "Agua")
    _notice(owner, "a:2", "<script>alert(1)</script>")
    _notice(UserFactory(), "a:3", "Ajena")
    page = _client(owner).get("/notifications/").content.decode()
    assert "“Agua” has an official answer." in page
    assert "Ajena" not in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "2 unread notifications" in page
    assert "data-unread-count>2<" in page


def test_the_centre_speaks_the_language_the_page_is_read_in() -> None:
    owner = UserFactory(preferred_language="es")  # emails and texts in Spanish
    _notice(owner, "a:1", "Agua")
    client = _client(owner)
    assert "“Agua” has an official answer." in client.get("/notifications/").content.decode()
    spanish = client.get("/notifications/", headers={"accept-language": "es"}).content.decode()
    assert "has an official answer" not in spanish and "Agua" in spanish


def test_reading_one_and_all_with_plain_forms() -> None:
    owner = UserFactory()
    first, second = _notice(owner, "a:1"), _notice(owner, "a:2")
    client = _client(owner)
    response = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/somewhere/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.post("/notifications/read-all/").status_code == 302
    second.refresh_from_db()
    assert second.read_at is not None
    assert "data-unread-count>0<" in client.get("/notifications/").content.decode()


@pytest.mark.parametrize("role", [None, MODERATOR, ADMINISTRATOR])
def test_nobody_reads_or_marks_someone_elses_notification(role: str | None) -> None:
    owner = UserFactory()
    notice = _notice(owner)
    other = UserFactory(roles=[role] if role else None)
    client = _client(other)
    assert client.post(f"/notifications/{notice.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    notice.refresh_from_db()
    assert notice.read_at is None
    assert "Agua" not in client.get("/notifications/").content.decode()
    assert Client().get("/notifications/").status_code == 302  # anonymous: to sign in


def test_settings_are_saved_from_the_form() -> None:
    owner = UserFactory()
    client = _client(owner)
    response = client.post(
        "/notifications/settings/", {"email_mode": "digest", "sms": "on", "newsletter": "", "mute_comment_reply": "1"}
    )
    assert response.status_code == 302
    saved = owner.notification_settings
    assert (saved.email_mode, saved.sms, saved.newsletter, saved.muted_kinds) == (
        "digest",
        True,
        False,
        ["comment_reply"],
    )
    assert client.post("/notifications/settings/", {"email_mode": "hourly"}).status_code == 400
