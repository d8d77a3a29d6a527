"""The officer desk: a person with no email gets an account and a one-time code, and signs in with it."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, LoginCode, User
from accounts.roles import OFFICER
from tests.factories import CensusRecordFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

DOCUMENT = "40404040"
BIRTH = date(1971, 3, 9)


@pytest.fixture
def officer_client(english: None) -> Client:
    client = Client()
    client.force_login(UserFactory(roles=[OFFICER]))
    return client


def _register(client: Client, **extra: str) -> object:
    data = {
        "document_number": DOCUMENT,
        "birth_date": BIRTH.isoformat(),
        "location": "Municipalidad de Otuzco",
        "display_name": "Rosa",
        "phone": "",
        **extra,
    }
    return client.post(reverse("accounts:desk"), data)


def test_a_person_without_email_gets_an_account_and_a_code_that_signs_her_in_once(officer_client: Client) -> None:
    record = CensusRecordFactory(document=DOCUMENT, birth_date=BIRTH)
    response = _register(officer_client)
    assert response.status_code == 200
    person = User.objects.get(census_record=record)
    assert person.email is None and person.display_name == "Rosa" and person.is_verified
    assert not person.has_usable_password()
    code = response.context["issued"].login_code
    assert code in response.content.decode()
    assert LoginCode.objects.get(user=person).code_hash != code  # only the hash is kept
    entry = AuditEntry.objects.get(action="desk.person_registered")
    assert entry.location == "Municipalidad de Otuzco" and DOCUMENT not in str(entry.detail)

    visitor = Client()
    signed_in = visitor.post(reverse("accounts:code_login"), {"code": code.lower()})
    assert signed_in.status_code == 302
    assert visitor.get(reverse("accounts:profile")).status_code == 200
    again = Client().post(reverse("accounts:code_login"), {"code": code})
    assert again.status_code == 400 and "not valid" in again.content.decode()


def test_a_person_already_registered_is_found_not_duplicated(officer_client: Client) -> None:
    record = CensusRecordFactory(document=DOCUMENT, birth_date=BIRTH)
    existing = VerifiedUserFactory(census_record=record)
    response = _register(officer_client, display_name="")
    assert response.status_code == 200
    assert response.context["issued"].person == existing and not response.context["issued"].created
    assert User.objects.filter(census_record=record).count() == 1


def test_an_unknown_person_is_refused_with_words_and_nothing_is_written(officer_client: Client) -> None:
    response = _register(officer_client)
    assert response.status_code == 400
    assert "No one in the census" in response.content.decode()
    assert not User.objects.filter(display_name="Rosa").exists()
    assert AuditEntry.objects.filter(action="desk.lookup").exists()


def test_a_new_account_needs_a_public_name(officer_client: Client) -> None:
    CensusRecordFactory(document=DOCUMENT, birth_date=BIRTH)
    response = _register(officer_client, display_name="  ")
    assert response.status_code == 400 and "public name" in response.content.decode()


def test_citizens_cannot_open_the_desk(citizen_client: Client) -> None:
    assert citizen_client.get(reverse("accounts:desk")).status_code == 403
    assert citizen_client.get(reverse("accounts:desk_acts")).status_code == 403


def test_a_desk_code_never_signs_in_a_staff_account(officer_client: Client) -> None:
    from accounts.desk.services import login_code_issue
    from accounts.roles import MODERATOR

    staff = UserFactory(roles=[MODERATOR])
    code = login_code_issue(officer=UserFactory(roles=[OFFICER]), person=staff, location="Otuzco")
    response = Client().post(reverse("accounts:code_login"), {"code": code})
    assert response.status_code == 400 and "_auth_user_id" not in Client().session


def test_an_app_names_its_desk_acts_through_the_register_and_only_desk_acts() -> None:
    from accounts.desk.acts import act_label, act_label_register

    assert act_label("assisted.support") != "assisted.support"  # proposals registered its label
    with pytest.raises(ValueError, match="not a desk act"):
        act_label_register("poll.published", "Published a poll")
