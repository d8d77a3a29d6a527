"""A mail provider for the crash test: appends each message's idempotency key (Message-ID) to a file, slowly.

Like a provider that honours idempotency keys, what it *accepts* is the set of distinct keys;
the raw lines show every attempt, so the test can also bound the re-sends a kill causes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

SEND_SECONDS = 0.004


class CountingMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        path = os.environ["COUNTING_MAIL_FILE"]
        for message in email_messages:
            time.sleep(SEND_SECONDS)
            key = message.extra_headers["Message-ID"]
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"{key}\n")
                handle.flush()
                os.fsync(handle.fileno())
        return len(email_messages)

    def open(self) -> Any:
        return True
