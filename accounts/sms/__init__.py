"""Text messages: the SMS gateway interface and its backends (console, HTTP provider).

accounts owns phone numbers and their confirmation, so the transport lives here, below
every app that sends or receives SMS (verification codes, notifications, support by SMS),
the way Django's mail lives below the apps that send mail. `settings.SMS_GATEWAY` names
the backend class; `sms_gateway()` returns an instance.

- `send(phone=..., message=...)` returns the provider's message id, or raises
  `SmsUnavailable` (the provider failed or did not answer in time: the message says so).
- `inbound(request)` reads a message the provider posts to our webhook, after checking
  its signature (`SmsSignatureInvalid`, HTTP 401, when it does not match).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.sms.gateway import (
    InboundSms,
    SmsGateway,
    SmsSignatureInvalid,
    SmsUnavailable,
    phone_normalise,
)

DEFAULT_GATEWAY = "accounts.sms.console.ConsoleSMSGateway"


def sms_gateway() -> SmsGateway:
    gateway_class = import_string(getattr(settings, "SMS_GATEWAY", DEFAULT_GATEWAY) or DEFAULT_GATEWAY)
    gateway: SmsGateway = gateway_class()
    return gateway


__all__ = ["InboundSms", "SmsGateway", "SmsSignatureInvalid", "SmsUnavailable", "phone_normalise", "sms_gateway"]
