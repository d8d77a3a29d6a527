"""The SMS gateway interface every backend implements, the inbound message, and their refusals."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Protocol

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from decide.refusals import Invalid, Refused, Unavailable

SIGNATURE_HEADER = "X-Decide-Signature"
# E.164: a plus and 8 to 15 digits (country code included). Spaces, dots, dashes and brackets are dropped.
_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")


class SmsUnavailable(Unavailable):
    """The SMS provider failed or did not answer in time (503, the message names the provider)."""


class SmsSignatureInvalid(Refused):
    """An inbound request whose signature does not match: not from our provider."""

    status = 401


@dataclass(frozen=True)
class InboundSms:
    """One text message a person sent to our number, as the provider reported it."""

    message_id: str
    phone: str
    text: str


class SmsGateway(Protocol):
    def send(self, *, phone: str, message: str) -> str:
        """Send `message` to `phone` (E.164); return the provider's message id."""
        ...

    def inbound(self, request: HttpRequest) -> InboundSms:
        """The message in a provider's webhook request, after checking its signature."""
        ...


def phone_normalise(raw: str) -> str:
    """The E.164 form of a phone number typed by a person, or Invalid with a message they understand."""
    phone = re.sub(r"[\s.\-()/]", "", raw or "")
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not _PHONE.match(phone):
        raise Invalid(_("Write the phone number with its country code, for example +51 987 654 321."))
    return phone


def body_signature(secret: str, body: bytes) -> str:
    """HMAC-SHA256 of a request body, hex, prefixed like GitHub's webhooks (`sha256=...`)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, signature: str | None) -> bool:
    return bool(secret) and bool(signature) and hmac.compare_digest(body_signature(secret, body), signature or "")


def inbound_from_body(body: bytes) -> InboundSms:
    """Parse the provider's JSON body `{"id": ..., "from": ..., "text": ...}` (the format our HTTP backend speaks)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Invalid(_("The message could not be read.")) from exc
    if not isinstance(data, dict):
        raise Invalid(_("The message could not be read."))
    message_id, phone, text = data.get("id"), data.get("from"), data.get("text")
    if not isinstance(message_id, str) or not message_id or len(message_id) > 100:
        raise Invalid(_("The message has no valid identifier."))
    if not isinstance(phone, str) or not isinstance(text, str):
        raise Invalid(_("The message has no sender or no text."))
    return InboundSms(message_id=message_id, phone=phone_normalise(phone), text=text[:1600])
