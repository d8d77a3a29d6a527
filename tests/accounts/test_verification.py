"""A citizen verifies against the census through the web form: match, mismatch, no leak, rate limits, SMS."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry, CensusRecord, User, VerificationCode
from tests.accounts.helpers import OutboxSMSGateway
from tests.factories import CensusRecordFactory, UserFactory, VerifiedUserFactory

VERIFY = "/accounts/verify/"
NO_MATCH = "We could not verify you with these details"


@pytest.fixture
def record(db: None) -> CensusRecord:
    return CensusRecordFactory(document="44556677", birth_date=date(1985, 3, 14))


def without_tokens(content: bytes) -> str:
    """The page minus what differs by construction: the CSRF token and the number the person typed."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())
    return re.sub(r'(name="document_number"[^>]*?) value="[^"]*"', r"\1", page)


def test_a_citizen_verifies_and_sees_that_census_data_is_used(
    citizen: User, citizen_client: Client, record: CensusRecord
) -> None:
    page = citizen_client.get(VERIFY)
    assert page.status_code == 200
    assert 'name="document_number"' in page.content.decode()

    response = citizen_client.post(VERIFY, {"document_number": "44.556.677", "birth_date": "14/03/1985"}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    body = response.content.decode()
    assert "You are now a verified citizen" in body
    assert "The participation statistics use the census data" in body
    citizen.refresh_from_db()
    assert citizen.census_record == record and citizen.verified_at is not None
    entry = AuditEntry.objects.get(action="census.verify")
    assert entry.actor == citizen and entry.detail == {"census_record": record.pk}
    assert "<h1>You are verified</h1>" in citizen_client.get(VERIFY).content.decode()


def test_wrong_birth_date_is_refused_with_a_message(
    citizen: User, citizen_client: Client, record: CensusRecord
) -> None:
    response = citizen_client.post(VERIFY, {"document_number": "44556677", "birth_date": "1985-03-15"})
    assert response.status_code == 400
    assert NO_MATCH in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.census_record is None


def test_the_answer_is_the_same_for_a_taken_document_and_an_unknown_one(
    citizen_client: Client, record: CensusRecord
) -> None:
    holder = VerifiedUserFactory(census_record=record)
    taken = citizen_client.post(VERIFY, {"document_number": "44556677", "birth_date": "1985-03-14"})
    unknown = citizen_client.post(VERIFY, {"document_number": "99887766", "birth_date": "1985-03-14"})

    assert taken.status_code == unknown.status_code == 400
    assert without_tokens(taken.content) == without_tokens(unknown.content)
    assert "an officer can verify you in person" in taken.content.decode()
    holder.refresh_from_db()
    assert holder.census_record == record
    # Administrators hear about the attempt; the citizen does not.
    conflict = AuditEntry.objects.get(action="census.verify_conflict")
    assert "44556677" not in str(conflict.detail)


def test_future_birth_date_is_a_form_error(citizen_client: Client, record: CensusRecord) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = citizen_client.post(VERIFY, {"document_number": "44556677", "birth_date": tomorrow})
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()


def test_attempts_are_limited_per_account(
    citizen: User, citizen_client: Client, record: CensusRecord, settings: pytest.FixtureRequest, rate_window: None
) -> None:
    settings.CENSUS_VERIFY_RATE_USER = "3/h"  # type: ignore[attr-defined]
    for _attempt in range(3):
        response = citizen_client.post(VERIFY, {"document_number": "11111111", "birth_date": "1985-03-14"})
        assert response.status_code == 400
    # Even the right details wait once the limit is reached.
    response = citizen_client.post(VERIFY, {"document_number": "44556677", "birth_date": "1985-03-14"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.census_record is None


def test_attempts_are_limited_per_address(
    record: CensusRecord, settings: pytest.FixtureRequest, rate_window: None
) -> None:
    settings.CENSUS_VERIFY_RATE_IP = "2/h"  # type: ignore[attr-defined]
    for _person in range(2):
        client = Client()
        client.force_login(UserFactory())
        assert client.post(VERIFY, {"document_number": "11111111", "birth_date": "1985-03-14"}).status_code == 400
    other = Client()
    other.force_login(UserFactory())
    assert other.post(VERIFY, {"document_number": "44556677", "birth_date": "1985-03-14"}).status_code == 429


def test_only_confirmed_accounts_verify(client: Client, record: CensusRecord) -> None:
    assert client.get(VERIFY).status_code == 302  # anonymous: to the sign-in page
    unconfirmed = UserFactory(confirmed=False)
    client.force_login(unconfirmed)
    response = client.post(VERIFY, {"document_number": "44556677", "birth_date": "1985-03-14"})
    assert response.status_code == 403
    unconfirmed.refresh_from_db()
    assert unconfirmed.census_record is None


@pytest.fixture
def sms_on(settings: pytest.FixtureRequest) -> list[tuple[str, str]]:
    settings.CENSUS_VERIFY_SMS = True  # type: ignore[attr-defined]
    settings.SMS_GATEWAY = "tests.accounts.helpers.OutboxSMSGateway"  # type: ignore[attr-defined]
    OutboxSMSGateway.outbox.clear()
    return OutboxSMSGateway.outbox


def test_with_the_sms_step_the_code_finishes_the_verification(
    citizen: User,
    citizen_client: Client,
    record: CensusRecord,
    sms_on: list[tuple[str, str]],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    assert 'name="phone"' in citizen_client.get(VERIFY).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = citizen_client.post(
            VERIFY, {"document_number": "44556677", "birth_date": "1985-03-14", "phone": "+51 987 654 321"}
        )
    assert response.status_code == 302 and response["Location"] == "/accounts/verify/code/"
    citizen.refresh_from_db()
    assert citizen.census_record is None  # not before the code comes back
    assert len(sms_on) == 1 and sms_on[0][0] == "+51987654321"
    code = re.search(r"\b(\d{6})\b", sms_on[0][1])
    assert code is not None
    assert code.group(1) not in VerificationCode.objects.get(user=citizen).code_hash

    wrong = "000000" if code.group(1) != "000000" else "111111"
    response = citizen_client.post("/accounts/verify/code/", {"code": wrong})
    assert response.status_code == 400 and "not right" in response.content.decode()

    response = citizen_client.post("/accounts/verify/code/", {"code": code.group(1)}, follow=True)
    assert "You are now a verified citizen" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.census_record == record
    assert not VerificationCode.objects.filter(user=citizen).exists()


def test_with_the_sms_step_no_match_sends_nothing_and_expired_codes_restart(
    citizen: User,
    citizen_client: Client,
    record: CensusRecord,
    sms_on: list[tuple[str, str]],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = citizen_client.post(
            VERIFY, {"document_number": "12312312", "birth_date": "1985-03-14", "phone": "987654321"}
        )
    assert response.status_code == 400 and NO_MATCH in response.content.decode()
    assert sms_on == []

    citizen_client.post(VERIFY, {"document_number": "44556677", "birth_date": "1985-03-14", "phone": "987654321"})
    VerificationCode.objects.filter(user=citizen).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = citizen_client.post("/accounts/verify/code/", {"code": "123456"}, follow=True)
    assert response.redirect_chain[-1][0] == VERIFY
    assert "The code expired" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.census_record is None
