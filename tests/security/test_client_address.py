"""Issue 13, item 6: rate limits key on the client's address as seen through configured proxies only.

Behind the shipped reverse proxy every request arrives from the proxy's address; before the fix
every citizen shared that address, so eleven failed sign-ins from one person locked everyone out.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client, RequestFactory, override_settings
from django_ratelimit.core import is_ratelimited

from decide.addresses import client_address
from tests.factories import UserFactory

PROXY = "127.0.0.1"  # the shipped nginx talks to gunicorn over loopback (the default TRUSTED_PROXIES)


def request_from(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def through_proxy(address: str) -> Client:
    """A browser at `address` behind the reverse proxy (the test client connects from 127.0.0.1)."""
    return Client(HTTP_X_FORWARDED_FOR=address)


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "::1", "10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),  # no proxy: the connecting address
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # header from a stranger: ignored
        (PROXY, "198.51.100.1", "198.51.100.1"),  # through the proxy: the address it saw
        (PROXY, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged left part is not believed
        ("10.0.0.3", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two trusted hops, CIDR range
        (PROXY, "not-an-address", PROXY),  # garbage from the proxy: fall back to the proxy itself
        (PROXY, "", PROXY),
        ("::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(
    remote: str, forwarded: str | None, expected: str
) -> None:
    assert client_address(request_from(remote, forwarded)) == expected


@override_settings(TRUSTED_PROXIES=[])
def test_with_no_trusted_proxy_the_header_is_never_believed() -> None:
    assert client_address(request_from(PROXY, "198.51.100.1")) == PROXY


@pytest.mark.django_db
def test_django_ratelimit_keys_on_the_same_client_address() -> None:
    """The census-verification limits (django-ratelimit, key="ip") count per person, not per proxy."""
    for _ in range(3):
        assert not is_ratelimited(request_from(PROXY, "198.51.100.1"), group="t", key="ip", rate="3/m", increment=True)
    assert is_ratelimited(request_from(PROXY, "198.51.100.1"), group="t", key="ip", rate="3/m", increment=True)
    assert not is_ratelimited(request_from(PROXY, "198.51.100.2"), group="t", key="ip", rate="3/m", increment=True)


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password})


@pytest.mark.django_db
def test_failed_sign_ins_of_one_person_do_not_lock_out_others_behind_the_same_proxy() -> None:
    owner = UserFactory()
    attacker = through_proxy("198.51.100.66")
    for attempt in range(11):
        sign_in(attacker, f"nobody{attempt}@example.org", "wrong-password")
    response = sign_in(through_proxy("198.51.100.10"), owner.email, "correct-horse-battery")
    assert response.status_code == 302


@pytest.mark.django_db
def test_guessing_an_account_from_one_address_does_not_lock_its_owner_out_elsewhere() -> None:
    owner = UserFactory()
    attacker = through_proxy("198.51.100.66")
    for _ in range(6):
        sign_in(attacker, owner.email, "wrong-password")
    # The attacker is refused from now on, even with the right password...
    refused = sign_in(attacker, owner.email, "correct-horse-battery")
    assert "_auth_user_id" not in attacker.session
    assert refused.status_code == 429
    # ...while the owner, from their own address, signs in.
    owner_client = through_proxy("198.51.100.10")
    assert sign_in(owner_client, owner.email, "correct-horse-battery").status_code == 302
    assert int(owner_client.session["_auth_user_id"]) == owner.pk


@pytest.mark.django_db
def test_a_lock_out_never_denies_the_owner_a_password_reset() -> None:
    owner = UserFactory()
    client = through_proxy("198.51.100.10")
    for _ in range(6):
        sign_in(client, owner.email, "wrong-password")
    assert sign_in(client, owner.email, "correct-horse-battery").status_code == 429

    response = client.post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+)", mail.outbox[0].body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {"password1": "Quipu-Nueva-2027", "password2": "Quipu-Nueva-2027"},
    )
    assert done.status_code == 302
    client.logout()
    assert sign_in(client, owner.email, "Quipu-Nueva-2027").status_code == 302
    assert int(client.session["_auth_user_id"]) == owner.pk
