"""An SMS gateway for tests: keeps the messages instead of sending them."""

from __future__ import annotations

from typing import ClassVar


class OutboxSMSGateway:
    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, phone: str, message: str) -> str:
        self.outbox.append((phone, message))
        return f"outbox-{len(self.outbox)}"
