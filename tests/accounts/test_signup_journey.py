"""A new person signs up, confirms the email from the message, signs in and switches to Spanish."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User


@pytest.mark.django_db
def test_sign_up_confirm_sign_in_and_switch_language(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "ana@example.org",
            "display_name": "Ana de Otuzco",
            "password1": "Quipu-Trujillo-2027",
            "password2": "Quipu-Trujillo-2027",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="ana@example.org").public_name == "Ana de Otuzco"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", mail.outbox[0].body)
    assert link is not None

    # Unconfirmed: sign-in is refused with a message, not a 500.
    other = Client()
    response = other.post("/accounts/login/", {"login": "ana@example.org", "password": "Quipu-Trujillo-2027"})
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in other.session

    response = client.post(link.group(1))
    assert response.status_code == 302
    client.logout()

    response = client.post("/accounts/login/", {"login": "ana@example.org", "password": "Quipu-Trujillo-2027"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="ana@example.org").pk

    response = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/profile/"}, follow=True)
    assert response.status_code == 200
    assert "Mi cuenta" in response.content.decode() or response.wsgi_request.LANGUAGE_CODE == "es"


@pytest.mark.django_db
def test_wrong_password_gives_a_message_not_an_error(client: Client, citizen: User) -> None:
    response = client.post("/accounts/login/", {"login": citizen.email, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"errorlist" in response.content or b"not correct" in response.content


@pytest.mark.django_db
def test_forged_csrf_is_refused_with_a_readable_403(citizen: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": citizen.email, "password": "correct-horse-battery"})
    assert response.status_code == 403
    assert b"form expired" in response.content or b"formulario" in response.content


@pytest.mark.django_db
def test_unknown_language_code_is_ignored(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_profile_update_and_account_deletion(citizen_client: Client, citizen: User) -> None:
    response = citizen_client.post(
        "/accounts/profile/", {"display_name": "Rosa", "declared_gender": "female", "declared_district": ""}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.display_name == "Rosa"
    assert citizen.declared_gender == "female"

    response = citizen_client.post("/accounts/delete/", {"password": "wrong"})
    assert response.status_code == 400
    response = citizen_client.post("/accounts/delete/", {"password": "correct-horse-battery"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert not citizen.is_active
    assert "example.org" not in citizen.email
