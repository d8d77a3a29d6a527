"""Issue 13, items 1 and 2: one sign-in path (allauth's) for everyone, with its rate limits and lock-out.

Before the fix, /admin/login/ (Wagtail) and /django-admin/login/ were full login forms of their own:
no second factor, no rate limit, no email confirmation check, and "no permission" vs "didn't match"
told a right password from a wrong one.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts.roles import ADMINISTRATOR, MODERATOR
from tests.factories import UserFactory

from .mfa import PASSWORD

pytestmark = pytest.mark.django_db

# the Wagtail admin's, the Django admin's and Wagtail's private-page login URLs
OTHER_LOGIN_FORMS = ("/admin/login/", "/django-admin/login/", "/_util/login/")
EVERY_LOGIN_PATH = ("/accounts/login/", *OTHER_LOGIN_FORMS)


def post_login(client: Client, path: str, email: str, password: str) -> Any:
    # Each form's own field names: allauth's "login", Django's and Wagtail's "username".
    return client.post(path, {"login": email, "username": email, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def page_words(response: Any) -> bytes:
    """The page without what differs from one browser to the next (the CSRF token)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)


@pytest.mark.parametrize(
    ("path", "next_url"),
    [("/admin/login/", "/admin/pages/"), ("/django-admin/login/", "/x/"), ("/_util/login/", "/privada/")],
)
def test_the_admin_login_forms_send_people_to_allauths_keeping_next(path: str, next_url: str) -> None:
    response = Client().get(path, {"next": next_url})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/accounts/login/"
    assert parse_qs(target.query)["next"] == [next_url]


def test_an_admin_page_sends_anonymous_visitors_to_allauths_login() -> None:
    response = Client().get("/admin/pages/", follow=True)
    assert response.status_code == 200
    final = urlsplit(response.redirect_chain[-1][0])
    assert final.path == "/accounts/login/"
    assert parse_qs(final.query)["next"] == ["/admin/pages/"]


@pytest.mark.parametrize("path", OTHER_LOGIN_FORMS)
def test_posting_a_right_password_to_another_login_form_signs_nobody_in(path: str) -> None:
    staff = UserFactory(roles=[ADMINISTRATOR], is_superuser=True)
    client = Client()
    response = post_login(client, path, staff.email, PASSWORD)
    assert response.status_code in (302, 303, 405)
    assert not signed_in(client)


def test_unlimited_guesses_are_refused_with_429_after_the_configured_count() -> None:
    """ACCOUNT_RATE_LIMITS["login_failed"] = 5 per account (and address) in 5 minutes, 10 per address a minute."""
    target = UserFactory(roles=[MODERATOR])
    client = Client()
    answers = [post_login(client, "/accounts/login/", target.email, f"guess-{n}").status_code for n in range(8)]
    assert answers[:5] == [200] * 5
    assert answers[5:] == [429] * 3
    # The other forms never became a way around the limit: they sign nobody in, however often they are tried.
    for path in OTHER_LOGIN_FORMS:
        for n in range(20):
            post_login(client, path, target.email, f"guess-{n}")
        post_login(client, path, target.email, PASSWORD)
        assert not signed_in(client)


def test_guessing_many_accounts_from_one_address_is_refused_too() -> None:
    client = Client()
    answers = [post_login(client, "/accounts/login/", f"nobody{n}@example.org", "guess").status_code for n in range(12)]
    assert answers[:10] == [200] * 10
    assert answers[10:] == [429, 429]


@pytest.mark.parametrize("path", EVERY_LOGIN_PATH)
def test_an_unconfirmed_account_is_not_signed_in_through_any_path(path: str) -> None:
    person = UserFactory(confirmed=False, roles=[MODERATOR])
    client = Client()
    post_login(client, path, person.email, PASSWORD)
    assert not signed_in(client)


@pytest.mark.parametrize("path", EVERY_LOGIN_PATH)
def test_a_locked_out_account_is_not_signed_in_through_any_path(path: str) -> None:
    person = UserFactory(roles=[ADMINISTRATOR])
    attacker = Client()
    for n in range(5):
        post_login(attacker, "/accounts/login/", person.email, f"guess-{n}")
    post_login(attacker, path, person.email, PASSWORD)
    assert not signed_in(attacker)


@pytest.mark.parametrize("path", EVERY_LOGIN_PATH)
def test_a_right_and_a_wrong_password_get_the_same_answer_when_access_is_refused(path: str) -> None:
    """Refused for the lock-out (allauth) or because the form is not a login form (the others): same answer."""
    person = UserFactory(roles=[MODERATOR])
    for n in range(5):
        post_login(Client(), "/accounts/login/", person.email, f"guess-{n}")
    right = post_login(Client(), path, person.email, PASSWORD)
    wrong = post_login(Client(), path, person.email, "another-guess")
    assert right.status_code == wrong.status_code
    assert right.get("Location") == wrong.get("Location")
    assert page_words(right) == page_words(wrong)
