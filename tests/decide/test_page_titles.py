"""Every page says in its title what it is, not only the site's name (issue 17: sign-up and sign-in said "Decide")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _title(client: Client, url: str) -> str:
    response: Any = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert found, url
    return " ".join(found.group(1).split())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/accounts/signup/", "Signup"),
        ("/accounts/login/", "Sign In"),
        ("/accounts/password/reset/", "Password Reset"),
        ("/no-such-page/", "Page not found"),
    ],
)
def test_visitor_pages_are_named(client: Client, url: str, expected: str) -> None:
    title = _title(client, url)
    assert title.startswith(expected), title


def test_account_pages_are_named_and_end_with_the_site_name(client: Client) -> None:
    client.force_login(UserFactory())
    for url in ("/accounts/email/", "/accounts/password/change/", "/accounts/logout/"):
        title = _title(client, url)
        name, _, site = title.rpartition(" · ")
        assert name and site, (url, title)
