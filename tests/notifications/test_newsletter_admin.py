"""The newsletter editor, as an administrator who is not a superuser and signed in with password and code."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings

from accounts.models import User
from accounts.roles import ADMINISTRATOR, MODERATOR
from decide.csp import widget_init_hashes
from notifications.models import Newsletter
from tests.factories import UserFactory
from tests.security.mfa import PASSWORD, enrol_totp, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "staff_mfa_required")]

LIST = "/admin/snippets/notifications/newsletter/"


@pytest.fixture
def staff_mfa_required() -> Any:
    with override_settings(DECIDE_REQUIRE_STAFF_MFA=True):
        yield


def _signed_in_with_code(user: User) -> Client:
    secret = enrol_totp(user)
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert urlsplit(response["Location"]).path == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == user.pk
    return client


def test_an_administrator_who_is_not_a_superuser_writes_and_sends_a_newsletter() -> None:
    administrator = UserFactory(roles=[ADMINISTRATOR], is_superuser=False)
    client = _signed_in_with_code(administrator)
    assert client.get(LIST).status_code == 200
    add = client.get(f"{LIST}add/")
    assert add.status_code == 200
    response = client.post(
        f"{LIST}add/",
        {
            "subject": "Agua 2027",
            "body": '{"blocks": [{"key": "a", "text": "Nueva fase.", "type": "unstyled", "depth": 0, '
            '"inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}',
            "segment": "everyone",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newsletter = Newsletter.objects.get(subject="Agua 2027")
    assert newsletter.status == Newsletter.Status.DRAFT and "Nueva fase." in newsletter.body
    assert client.get(f"{LIST}edit/{newsletter.pk}/").status_code == 200
    desk = client.get(f"/admin/newsletters/{newsletter.pk}/send/")
    assert desk.status_code == 200 and "Nueva fase." in desk.content.decode()


def test_the_editor_shows_only_what_an_editor_writes() -> None:
    administrator = UserFactory(roles=[ADMINISTRATOR], is_superuser=False)
    client = _signed_in_with_code(administrator)
    page = client.get(f"{LIST}add/").content.decode()
    names = set(re.findall(r'name="([a-z_]+)"', page))
    assert {"subject", "body", "segment", "province", "district", "process"} <= names
    assert not names & {"status", "recipient_count", "created_by", "created_at", "sent_at"}


def test_a_moderator_has_no_newsletter_editor() -> None:
    moderator = UserFactory(roles=[MODERATOR], is_superuser=False)
    client = _signed_in_with_code(moderator)
    assert client.get(LIST).status_code in (302, 403)
    assert not Newsletter.objects.exists()


def test_the_process_chooser_runs_under_the_admin_policy_and_nothing_else_inline_does() -> None:
    administrator = UserFactory(roles=[ADMINISTRATOR], is_superuser=False)
    response = _signed_in_with_code(administrator).get(f"{LIST}add/")
    html = response.content.decode()
    [chooser] = re.findall(r"<script>(new PageChooser\(\"id_process\", \{[^<]*\}\);)</script>", html)
    policy = [part.split() for part in response["Content-Security-Policy"].split(";")]
    script_src = next(words[1:] for words in policy if words[:1] == ["script-src"])
    assert script_src[0] == "'self'" and widget_init_hashes(f"<script>{chooser}</script>")[0] in script_src
    assert widget_init_hashes(f"<script>{chooser}alert(1)</script>") == []
    assert widget_init_hashes('<script>new PageChooser("id_x", {}); fetch("//evil")</script>') == []
