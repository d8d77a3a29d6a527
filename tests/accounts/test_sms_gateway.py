"""The HTTP SMS backend against a local fake provider: send, failures bounded in time, signed inbound."""

from __future__ import annotations

import time

import pytest
from django.test import RequestFactory

from accounts.sms import SmsSignatureInvalid, SmsUnavailable, phone_normalise, sms_gateway
from decide.refusals import Invalid
from tests.support.sms_provider import FakeSmsProvider, signed_inbound


def test_send_posts_to_the_provider_with_its_token_and_returns_its_id(sms_provider: FakeSmsProvider) -> None:
    message_id = sms_gateway().send(phone="+51987654321", message="Tu código es 123456")
    assert message_id == "fake-1"
    assert [(s.to, s.text, s.authorization) for s in sms_provider.sent] == [
        ("+51987654321", "Tu código es 123456", "Bearer test-token")
    ]


def test_a_failing_provider_is_named_in_the_refusal(sms_provider: FakeSmsProvider) -> None:
    sms_provider.mode = "fail"
    with pytest.raises(SmsUnavailable) as refused:
        sms_gateway().send(phone="+51987654321", message="hola")
    assert refused.value.status == 503 and "SMS provider" in refused.value.message


def test_a_hanging_provider_is_cut_off_by_the_timeout(sms_provider: FakeSmsProvider) -> None:
    sms_provider.mode = "hang"
    started = time.monotonic()
    with pytest.raises(SmsUnavailable):
        sms_gateway().send(phone="+51987654321", message="hola")
    assert time.monotonic() - started < 2.5  # SMS_HTTP_TIMEOUT is 1 s in the fixture


def test_inbound_with_a_good_signature_is_read(sms_provider: FakeSmsProvider) -> None:
    body, headers = signed_inbound(message_id="m-1", phone="+51 987 654 321", text="APOYO K3F9")
    request = RequestFactory().post("/sms/inbound/", data=body, content_type="application/json", headers=headers)
    message = sms_gateway().inbound(request)
    assert (message.message_id, message.phone, message.text) == ("m-1", "+51987654321", "APOYO K3F9")


def test_inbound_with_a_forged_signature_is_refused_401(sms_provider: FakeSmsProvider) -> None:
    body, _headers = signed_inbound(message_id="m-1", phone="+51987654321", text="APOYO K3F9", secret="not-ours")
    request = RequestFactory().post("/sms/inbound/", data=body, content_type="application/json", headers=_headers)
    with pytest.raises(SmsSignatureInvalid) as refused:
        sms_gateway().inbound(request)
    assert refused.value.status == 401


@pytest.mark.parametrize("raw", ["987654321", "+51 98", "+0123456789", "hola", ""])
def test_phone_numbers_without_country_code_are_refused_with_words(raw: str) -> None:
    with pytest.raises(Invalid):
        phone_normalise(raw)


def test_phone_numbers_are_normalised_to_e164() -> None:
    assert phone_normalise("0051 (987) 654-321") == "+51987654321"
