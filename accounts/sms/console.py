"""Development gateway: messages go to the log, where the developer reads them (`make run`)."""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.sms.gateway import SIGNATURE_HEADER, InboundSms, SmsSignatureInvalid, inbound_from_body, signature_matches

logger = logging.getLogger(__name__)


class ConsoleSMSGateway:
    def send(self, *, phone: str, message: str) -> str:
        message_id = "console-" + secrets.token_hex(8)
        logger.warning("SMS %s to ...%s: %s", message_id, phone[-3:], message)
        return message_id

    def inbound(self, request: HttpRequest) -> InboundSms:
        """Signed like the HTTP provider's when SMS_INBOUND_SECRET is set; unsigned only while DEBUG is on."""
        secret = getattr(settings, "SMS_INBOUND_SECRET", "")
        signed = signature_matches(secret, request.body, request.headers.get(SIGNATURE_HEADER))
        if (secret or not settings.DEBUG) and not signed:
            raise SmsSignatureInvalid(_("The signature of this message does not match."))
        return inbound_from_body(request.body)
