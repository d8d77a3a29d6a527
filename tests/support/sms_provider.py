"""A small local HTTP server that plays the SMS provider, so tests exercise the real HTTP backend.

`FakeSmsProvider` answers `POST /messages` like a provider (`{"id": ...}`), records what was
sent, and can be told to fail (HTTP 500) or hang (longer than the backend's timeout).
`signed_inbound(...)` builds the body and headers a provider posts to our webhook.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from accounts.sms.gateway import SIGNATURE_HEADER, body_signature

INBOUND_SECRET = "test-inbound-secret-0123456789abcdef"


@dataclass
class SentSms:
    to: str
    text: str
    reference: str
    authorization: str


@dataclass
class FakeSmsProvider:
    mode: str = "ok"  # "ok", "fail" or "hang"
    hang_seconds: float = 3.0
    sent: list[SentSms] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/messages"

    def start(self) -> FakeSmsProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
                if provider.mode == "hang":
                    time.sleep(provider.hang_seconds)
                if provider.mode in ("fail", "hang"):
                    self.send_response(500)
                    self.end_headers()
                    return
                provider.sent.append(
                    SentSms(
                        to=data.get("to", ""),
                        text=data.get("text", ""),
                        reference=data.get("reference", ""),
                        authorization=self.headers.get("Authorization", ""),
                    )
                )
                body = json.dumps({"id": f"fake-{next(provider._ids)}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def signed_inbound(
    *, message_id: str, phone: str, text: str, secret: str = INBOUND_SECRET
) -> tuple[bytes, dict[str, str]]:
    """The body and headers our provider posts to the inbound webhook, signed with `secret`."""
    body = json.dumps({"id": message_id, "from": phone, "text": text}).encode()
    return body, {SIGNATURE_HEADER: body_signature(secret, body)}
