"""Issue 13, item 1: the second factor, checked for THIS session, on every staff page and action.

Before the fix the staff-MFA middleware asked only whether an authenticator existed, and only under
/admin/: a password-only session of an enrolled administrator had everything, and the turnout
dashboard, results review/publish, booths and census lookups never asked at all.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from accounts.roles import ADMINISTRATOR, MODERATOR, OFFICER, has_role
from decide.asgi import application
from tests.factories import CommentFactory, PollFactory, ProposalFactory, UserFactory

from .mfa import PASSWORD, enrol_totp, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_mfa_required")]


@pytest.fixture
def staff_mfa_required() -> Any:
    with override_settings(DECIDE_REQUIRE_STAFF_MFA=True):
        yield


@pytest.fixture
def staff() -> User:
    """One account holding every role and the Django admin's superuser flag: every staff page is its own."""
    return UserFactory(roles=[ADMINISTRATOR, MODERATOR, OFFICER], is_superuser=True)


def staff_pages() -> list[tuple[str, str]]:
    """(method, url) of every staff-only page and action outside the page tree."""
    poll = PollFactory(allow_booth=True)
    comment = CommentFactory()
    booth = f"/polls/{poll.pk}/booths/1/"
    return [
        ("get", "/admin/"),
        ("get", "/admin/pages/"),
        ("get", reverse("proposals_moderation:queue")),
        ("get", "/django-admin/"),
        ("get", reverse("votes:turnout", args=[poll.pk])),
        ("get", reverse("votes:results_review", args=[poll.pk])),
        ("post", reverse("votes:results_publish", args=[poll.pk])),
        ("get", reverse("votes:booth_list", args=[poll.pk])),
        ("post", reverse("votes:booth_list", args=[poll.pk])),
        ("get", booth),
        ("post", booth),
        ("post", f"{booth}record/"),
        ("get", f"{booth}tally/"),
        ("get", reverse("accounts:assisted_verify")),
        ("post", reverse("accounts:assisted_verify")),
        ("post", reverse("proposals:debate_lock", args=[comment.proposal_id])),
        ("get", reverse("proposals:comment_moderate", args=[comment.pk])),
        ("post", reverse("proposals:comment_moderate", args=[comment.pk])),
    ]


def asks_for_second_factor(response: Any, where: str) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == where


def test_a_password_only_session_of_an_enrolled_staff_member_is_asked_for_the_code_on_every_staff_page(
    staff: User,
) -> None:
    enrol_totp(staff)
    client = Client()
    client.force_login(staff)  # signed in without the second factor, as /admin/login/ used to do
    for method, url in staff_pages():
        response = getattr(client, method)(url)
        assert asks_for_second_factor(response, "/accounts/2fa/reauthenticate/"), (method, url, response)
        if method == "get":
            assert parse_qs(urlsplit(response["Location"]).query)["next"] == [url]


def test_staff_without_an_authenticator_are_sent_to_enrol_from_every_staff_page(staff: User) -> None:
    client = Client()
    client.force_login(staff)
    for method, url in staff_pages():
        response = getattr(client, method)(url)
        assert asks_for_second_factor(response, "/accounts/2fa/totp/activate/"), (method, url, response)


def test_signing_in_with_password_and_code_opens_every_staff_page(staff: User) -> None:
    secret = enrol_totp(staff)
    client = Client()
    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert urlsplit(response["Location"]).path == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff.pk
    for method, url in staff_pages():
        response = getattr(client, method)(url)
        assert "/accounts/2fa/" not in response.get("Location", ""), (method, url)
        assert response.status_code < 500


def test_typing_the_code_later_in_the_session_opens_the_staff_pages(staff: User) -> None:
    secret = enrol_totp(staff)
    client = Client()
    client.force_login(staff)
    turnout = reverse("votes:turnout", args=[PollFactory().pk])
    asked = client.get(turnout)
    response = client.post(asked["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == turnout
    assert client.get(turnout).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # allauth announces an enrolment after commit
def test_enrolling_an_authenticator_in_this_session_counts_as_the_second_factor(staff: User) -> None:
    client = Client()
    assert client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD}).status_code == 302
    assert asks_for_second_factor(client.get("/admin/"), "/accounts/2fa/totp/activate/")
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks for the password again before enrolling
        assert urlsplit(page["Location"]).path == "/accounts/reauthenticate/"
        assert client.post(page["Location"], {"password": PASSWORD}).status_code == 302
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_staff_session_without_the_second_factor_holds_no_role_anywhere(staff: User) -> None:
    """Any staff action reached by another route (a public page's form, the API) is refused by its predicate."""
    secret = enrol_totp(staff)
    client = Client()
    client.force_login(staff)
    proposal = ProposalFactory()
    page = proposal.process.specific.proposal_url(proposal)
    response = client.get(page)
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert not any(has_role(user, role) for role in (ADMINISTRATOR, MODERATOR, OFFICER))
    assert not re.search(rb"debate/lock/", response.content)
    # The same session, once the code is typed, moderates from the same page.
    client.post("/accounts/2fa/reauthenticate/", {"code": totp_code(secret)})
    response = client.get(page)
    assert all(has_role(response.wsgi_request.user, role) for role in (ADMINISTRATOR, MODERATOR, OFFICER))
    assert re.search(rb"debate/lock/", response.content)


def test_citizen_pages_stay_open_to_staff_before_the_second_factor(staff: User, citizen_client: Client) -> None:
    client = Client()
    client.force_login(staff)
    assert client.get("/accounts/profile/").status_code == 200
    assert citizen_client.get("/accounts/profile/").status_code == 200


@override_settings(DECIDE_REQUIRE_STAFF_MFA=False)
def test_without_the_production_setting_nothing_is_asked(staff: User) -> None:
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_live_turnout_socket_needs_the_second_factor_too(staff: User) -> None:
    """Sockets do not pass through the page middleware: the socket stack withholds the roles itself."""
    secret = enrol_totp(staff)
    poll = PollFactory()
    client = Client()
    client.force_login(staff)

    def turnout_socket_opens() -> bool:
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie.encode())]

        async def attempt() -> bool:
            communicator = WebsocketCommunicator(application, f"/ws/polls/{poll.pk}/turnout/", headers=headers)
            try:
                connected, _ = await communicator.connect(timeout=5)
                return bool(connected)
            finally:
                await communicator.disconnect()

        opened: bool = async_to_sync(attempt)()
        return opened

    assert turnout_socket_opens() is False
    assert client.post("/accounts/2fa/reauthenticate/", {"code": totp_code(secret)}).status_code == 302
    assert turnout_socket_opens() is True
