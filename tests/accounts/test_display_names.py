"""A public name is chosen at sign-up and never derived from the email (issue 17, privacy by default)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from accounts.display_names import display_name_generate
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Quipu-Trujillo-2027"


def _sign_up(client: Client, **fields: str) -> Any:
    data = {"email": "rosa.quispe@example.org", "password1": PASSWORD, "password2": PASSWORD, **fields}
    return client.post("/accounts/signup/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_the_sign_up_form_asks_for_a_public_name_and_says_it_is_public(client: Client) -> None:
    page = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="display_name"' in page
    assert "Everyone sees it" in page and "your email is never shown" in page


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "This field is required"),
        ("R", "at least 2 characters"),
        ("x" * 81, "at most 80 characters"),
        ("rosa.quispe@example.org", "do not put an email address"),
        ("Rosa (rosa.quispe@example.org)", "do not put an email address"),
        ("<b>\u200b</b>", "at least 2 characters"),
    ],
)
def test_a_missing_or_unfit_name_is_refused_with_a_reason(client: Client, typed: str, error: str) -> None:
    response = _sign_up(client, display_name=typed)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(email="rosa.quispe@example.org").exists()


def test_the_chosen_name_is_stored_as_plain_text_and_shown(client: Client) -> None:
    response = _sign_up(client, display_name="  Rosa   <i>de</i> Otuzco ")
    assert response.status_code == 302
    person = User.objects.get(email="rosa.quispe@example.org")
    assert person.public_name == "Rosa de Otuzco"


def test_an_account_without_a_chosen_name_gets_a_neutral_one_never_its_email() -> None:
    people = [UserFactory(email=f"maria.flores{n}@example.org") for n in range(20)]
    for person in people:
        assert re.fullmatch(r"Participant \d{4}", person.public_name), person.public_name
        assert "maria" not in person.public_name.lower()
    # Random, not the account's id: names do not tell in which order accounts were opened.
    assert len({person.public_name for person in people}) > 10


def test_generated_names_are_in_the_sites_language(settings: Any) -> None:
    """'Participante' is one word for women and men in Spanish: no one is named in a gender."""
    settings.LANGUAGE_CODE = "es"
    assert re.fullmatch(r"Participante \d{4}", display_name_generate())


def test_the_database_refuses_an_empty_public_name() -> None:
    person = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=person.pk).update(display_name="")


def test_the_profile_cannot_empty_the_name_or_put_the_email_in_it(citizen_client: Client, citizen: User) -> None:
    before = citizen.display_name
    for typed in ("", citizen.email or ""):
        response = citizen_client.post("/accounts/profile/", {"display_name": typed, "declared_gender": ""})
        assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.display_name == before


def test_a_deleted_account_gets_a_new_neutral_name(citizen_client: Client, citizen: User) -> None:
    citizen_client.post("/accounts/profile/", {"display_name": "Rosa Quispe", "declared_gender": ""})
    citizen_client.post("/accounts/delete/", {"password": "correct-horse-battery"})
    citizen.refresh_from_db()
    assert "Rosa" not in citizen.public_name
    assert re.fullmatch(r"Participant \d{4}", citizen.public_name)
