"""An officer at a booth verifies people in person; every lookup is audited with who and where."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from accounts.models import AuditEntry, CensusRecord, User
from accounts.roles import OFFICER
from tests.factories import CensusRecordFactory, UserFactory, VerifiedUserFactory

OFFICER_VERIFY = "/accounts/officer/verify/"
PLACE = "Booth 3, Municipalidad de Otuzco"


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory(roles=[OFFICER])


@pytest.fixture
def officer_client(officer: User) -> Client:
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def record(db: None) -> CensusRecord:
    return CensusRecordFactory(document="33445566", birth_date=date(1959, 9, 9))


def details(**extra: str) -> dict[str, str]:
    return {"document_number": "33445566", "birth_date": "09/09/1959", "location": PLACE, **extra}


def assert_no_document_in_audit() -> None:
    dump = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "33445566" not in dump


def test_officer_binds_a_persons_account_in_person(officer: User, officer_client: Client, record: CensusRecord) -> None:
    person = UserFactory(email="dona.maria@example.org")
    assert "Verify in person" in officer_client.get("/accounts/profile/").content.decode()

    response = officer_client.post(OFFICER_VERIFY, details(account_email="Dona.Maria@example.org"), follow=True)

    body = response.content.decode()
    assert "Verified: the account is now bound" in body
    assert "They have a verified online account." in body
    assert f'value="{PLACE}"' in body  # the booth is remembered for the next person
    person.refresh_from_db()
    assert person.census_record == record
    entry = AuditEntry.objects.get(action="census.assisted_verification")
    assert (entry.actor, entry.location, entry.detail["outcome"]) == (officer, PLACE, "verified")
    bind = AuditEntry.objects.get(action="census.verify_assisted")
    assert (bind.actor, bind.location, bind.target_id) == (officer, PLACE, str(person.pk))
    assert_no_document_in_audit()


def test_officer_confirms_identity_at_a_booth_without_an_account(officer_client: Client, record: CensusRecord) -> None:
    response = officer_client.post(OFFICER_VERIFY, details(), follow=True)
    body = response.content.decode()
    assert "Identity confirmed" in body and "They have no verified online account." in body
    assert not User.objects.filter(census_record=record).exists()
    assert AuditEntry.objects.get().detail["outcome"] == "checked"
    assert_no_document_in_audit()


def test_no_match_and_taken_records_are_explained_to_the_officer(officer_client: Client, record: CensusRecord) -> None:
    response = officer_client.post(OFFICER_VERIFY, details(birth_date="1959-09-10"))
    assert response.status_code == 400
    assert "No census record matches" in response.content.decode()

    VerifiedUserFactory(census_record=record)
    newcomer = UserFactory()
    response = officer_client.post(OFFICER_VERIFY, details(account_email=newcomer.email))
    assert response.status_code == 400
    assert "bound to another account. An administrator can unbind it" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.census_record is None
    outcomes = sorted(entry.detail["outcome"] for entry in AuditEntry.objects.all())
    assert outcomes == ["no_match", "record_bound_elsewhere"]
    assert_no_document_in_audit()


def test_unknown_email_and_missing_place_are_form_errors(officer_client: Client, record: CensusRecord) -> None:
    response = officer_client.post(OFFICER_VERIFY, details(account_email="nobody@example.org"))
    assert response.status_code == 400 and "No active account uses this email" in response.content.decode()
    response = officer_client.post(OFFICER_VERIFY, details(location=""))
    assert response.status_code == 400 and 'id="id_location_error"' in response.content.decode()


def test_citizens_cannot_use_the_officer_form(citizen_client: Client, record: CensusRecord) -> None:
    assert "Verify in person" not in citizen_client.get("/accounts/profile/").content.decode()
    assert citizen_client.get(OFFICER_VERIFY).status_code == 403
    assert citizen_client.post(OFFICER_VERIFY, details()).status_code == 403
    assert not AuditEntry.objects.exists()
