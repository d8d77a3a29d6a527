"""Confirming a phone by an SMS code, through the real HTTP SMS backend and the local fake provider."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory, VerifiedUserFactory
from tests.support.sms_provider import FakeSmsProvider

pytestmark = pytest.mark.django_db


def _post(client: Client, capture: Any, data: dict[str, str]) -> Any:
    with capture(execute=True):
        return client.post(reverse("accounts:phone"), data)


def test_a_citizen_confirms_her_phone_with_the_code_sent_by_sms(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any, english: None
) -> None:
    person = VerifiedUserFactory()
    client = Client()
    client.force_login(person)
    response = _post(client, django_capture_on_commit_callbacks, {"step": "number", "phone": "+51 987 111 222"})
    assert response.status_code == 200 and "A code was sent to +51987111222" in response.content.decode()
    assert [s.to for s in sms_provider.sent] == ["+51987111222"]
    code = re.search(r"\b(\d{6})\b", sms_provider.sent[0].text)
    assert code is not None
    wrong = _post(
        client,
        django_capture_on_commit_callbacks,
        {"step": "code", "code": "000000" if code[1] != "000000" else "111111"},
    )
    assert wrong.status_code == 400
    right = _post(client, django_capture_on_commit_callbacks, {"step": "code", "code": code[1]})
    assert right.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+51987111222" and person.sms_phone == "+51987111222"


def test_a_phone_confirmed_by_another_account_is_refused(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any, english: None
) -> None:
    from django.utils import timezone

    UserFactory(phone="+51987111333", phone_confirmed_at=timezone.now())
    client = Client()
    client.force_login(UserFactory())
    response = _post(client, django_capture_on_commit_callbacks, {"step": "number", "phone": "+51987111333"})
    assert response.status_code == 409 and not sms_provider.sent


def test_a_number_without_country_code_gets_words_not_an_error(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any, english: None
) -> None:
    client = Client()
    client.force_login(UserFactory())
    response = _post(client, django_capture_on_commit_callbacks, {"step": "number", "phone": "987111444"})
    assert response.status_code == 400 and "country code" in response.content.decode()
    assert User.objects.filter(phone__isnull=False).count() == 0
