"""Emails name the site as its administrators did, never by the host (issue 17), nor a person by their email."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from cms.identity import current_identity
from decide.site_name import site_name
from notifications.messages import email_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_site(settings: Any) -> str:
    settings.SITE_NAME_SOURCE = ""
    settings.WAGTAIL_SITE_NAME = "Decide Otuzco"
    return "Decide Otuzco"


def test_the_identity_set_in_the_admin_names_the_site() -> None:
    assert site_name() == current_identity().name


def test_sign_up_email_names_the_site_and_the_person_by_public_name(client: Client, named_site: str) -> None:
    client.post(
        "/accounts/signup/",
        {
            "email": "rosa.quispe@example.org",
            "display_name": "Rosa Q.",
            "password1": "Quipu-Trujillo-2027",
            "password2": "Quipu-Trujillo-2027",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    message = mail.outbox[-1]
    assert message.subject.startswith(f"[{named_site}] ")
    assert named_site in message.body and "Rosa Q." in message.body
    assert "testserver" not in message.body.replace("http://testserver/", "")
    assert "rosa.quispe " not in message.body


def test_notification_emails_name_the_site(named_site: str) -> None:
    body = email_body(
        kind="comment_reply",
        params={"author": "Carlos", "proposal": "Agua para Otuzco"},
        language="en",
        url="http://testserver/x/",
        unsubscribe_url="http://testserver/u/",
    )
    assert f"notification settings on {named_site}." in body
