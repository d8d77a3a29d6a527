"""Newsletters: segment count, preview, a test to oneself, sending in the background with progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from accounts.roles import ADMINISTRATOR, MODERATOR
from notifications.kinds import Kind
from notifications.models import Newsletter, Notification, NotificationSettings
from notifications.newsletters import newsletter_recipients
from notifications.wagtail_hooks import NewsletterForm
from proposals.models import Follow
from tests.factories import CensusRecordFactory, DistrictFactory, ProposalFactory, UserFactory, VerifiedUserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_body_is_cleaned_by_the_one_sanitizer_when_the_admin_form_saves_it() -> None:
    form = NewsletterForm.__new__(NewsletterForm)
    form.cleaned_data = {"body": '<p>Hola <script>x()</script><a href="javascript:x()">y</a></p>'}
    cleaned = form.clean_body()
    assert "<script" not in cleaned and "javascript:" not in cleaned and "Hola" in cleaned


def test_segments_count_the_right_people() -> None:
    district = DistrictFactory()
    inside = VerifiedUserFactory(census_record=CensusRecordFactory(district=district))
    declared = UserFactory(declared_district=district)
    VerifiedUserFactory()  # elsewhere
    proposal = ProposalFactory()
    follower = UserFactory()
    Follow.objects.create(proposal=proposal, user=follower)
    by_district = Newsletter(subject="s", body="<p>b</p>", segment="district", district=district)
    assert set(newsletter_recipients(by_district)) == {inside, declared}
    by_province = Newsletter(subject="s", body="<p>b</p>", segment="province", province=district.province)
    assert set(newsletter_recipients(by_province)) == {inside, declared}
    by_process = Newsletter(subject="s", body="<p>b</p>", segment="process", process=proposal.process)
    assert set(newsletter_recipients(by_process)) == {proposal.author, follower}


def test_preview_test_send_and_send_from_the_admin(django_capture_on_commit_callbacks: Any) -> None:
    administrator = UserFactory(roles=[ADMINISTRATOR], preferred_language="en")
    readers = UserFactory.create_batch(3)
    NotificationSettings.objects.create(user=readers[0], newsletter=False)
    newsletter = Newsletter.objects.create(subject="Agua 2027", body="<p>Nueva <strong>fase</strong>.</p>")
    client = _client(administrator)
    page = client.get(f"/admin/newsletters/{newsletter.pk}/send/").content.decode()
    assert "Nueva <strong>fase</strong>." in page
    assert "Send to 4 people" in page  # three readers and the administrator
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/newsletters/{newsletter.pk}/send/", {"action": "test"})
    assert [m.to for m in mail.outbox] == [[administrator.email]]
    assert mail.outbox[0].subject == "Agua 2027" and "Nueva fase." in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][0] == "<p>Nueva <strong>fase</strong>.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/newsletters/{newsletter.pk}/send/", {"action": "send"})
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENDING and newsletter.recipient_count == 4
    sent_to = {m.to[0] for m in mail.outbox[1:]}
    assert sent_to == {administrator.email, readers[1].email, readers[2].email}  # readers[0] said no to newsletters
    assert Notification.objects.filter(kind=Kind.NEWSLETTER, key=f"newsletter:{newsletter.pk}").count() == 4
    assert (
        "3 emails sent, 0 waiting, 0 failed" in client.get(f"/admin/newsletters/{newsletter.pk}/send/").content.decode()
    )
    # Twice is refused, and a moderator cannot send at all.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/newsletters/{newsletter.pk}/send/", {"action": "send"})
    assert len(mail.outbox) == 4
    refused = _client(UserFactory(roles=[MODERATOR])).get(f"/admin/newsletters/{newsletter.pk}/send/")
    assert refused.status_code in (302, 403) and "Agua 2027" not in refused.content.decode()
