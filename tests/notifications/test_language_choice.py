"""The language of a person's messages: chosen at sign-up and in the profile."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_records_the_chosen_language() -> None:
    client = Client()
    page = client.get("/accounts/signup/")
    assert 'name="preferred_language"' in page.content.decode()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "nueva@example.org",
            "display_name": "Nueva",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
            "preferred_language": "fr",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="nueva@example.org").preferred_language == "fr"


def test_sign_up_without_a_choice_takes_the_page_language() -> None:
    Client().post(
        "/accounts/signup/",
        {
            "email": "otra@example.org",
            "display_name": "Otra",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert User.objects.get(email="otra@example.org").preferred_language == "en"


def test_the_profile_changes_it() -> None:
    person = UserFactory(preferred_language="es")
    client = Client()
    client.force_login(person)
    response = client.post("/accounts/profile/", {"display_name": "Ana", "preferred_language": "en"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.preferred_language == "en"
