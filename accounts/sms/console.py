"""Sending a verification code by SMS, through a gateway chosen in settings.SMS_GATEWAY."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SMSGateway(Protocol):
    def send(self, *, phone: str, message: str) -> None: ...


class ConsoleSMSGateway:
    """Development gateway: the message goes to the log, where the developer reads the code."""

    def send(self, *, phone: str, message: str) -> None:
        logger.warning("SMS to ...%s: %s", phone[-3:], message)


def sms_gateway() -> SMSGateway:
    gateway_class = import_string(getattr(settings, "SMS_GATEWAY", "accounts.sms.ConsoleSMSGateway"))
    gateway: SMSGateway = gateway_class()
    return gateway
