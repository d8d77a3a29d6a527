"""A real SMS provider over HTTP: JSON out with a bearer token, signed JSON in.

Outbound: `POST SMS_HTTP_URL` with `{"to", "text", "reference"}` and
`Authorization: Bearer SMS_HTTP_TOKEN`; the provider answers `{"id": ...}`. Bounded by
`SMS_HTTP_TIMEOUT` seconds: a provider that hangs becomes `SmsUnavailable`, never a hung
worker. Inbound: the provider posts `{"id", "from", "text"}` to our webhook with
`X-Decide-Signature: sha256=<HMAC-SHA256 of the body with SMS_INBOUND_SECRET>`.
The standard library's urllib is enough for one JSON POST; no client library needed.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.sms.gateway import (
    SIGNATURE_HEADER,
    InboundSms,
    SmsSignatureInvalid,
    SmsUnavailable,
    inbound_from_body,
    signature_matches,
)

DEFAULT_TIMEOUT_S = 5.0


class HttpSMSGateway:
    def __init__(self) -> None:
        self.url: str = getattr(settings, "SMS_HTTP_URL", "")
        self.token: str = getattr(settings, "SMS_HTTP_TOKEN", "")
        self.secret: str = getattr(settings, "SMS_INBOUND_SECRET", "")
        self.timeout: float = float(getattr(settings, "SMS_HTTP_TIMEOUT", DEFAULT_TIMEOUT_S))

    def send(self, *, phone: str, message: str, reference: str = "") -> str:
        if not self.url.startswith(("https://", "http://")):
            raise SmsUnavailable(_("The SMS provider is not configured (SMS_HTTP_URL)."))
        payload = json.dumps({"to": phone, "text": message, "reference": reference or secrets.token_hex(8)}).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            raise SmsUnavailable(
                _("The SMS provider refused the message (HTTP %(status)s).") % {"status": exc.code}
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsUnavailable(_("The SMS provider did not answer in time.")) from exc
        try:
            message_id = json.loads(body.decode("utf-8"))["id"]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise SmsUnavailable(_("The SMS provider gave an answer that could not be read.")) from exc
        return str(message_id)

    def inbound(self, request: HttpRequest) -> InboundSms:
        if not signature_matches(self.secret, request.body, request.headers.get(SIGNATURE_HEADER)):
            raise SmsSignatureInvalid(_("The signature of this message does not match."))
        return inbound_from_body(request.body)
