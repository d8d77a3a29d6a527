"""Issue 13, item 11: the WebSocket origin check accepted the same host on another port or scheme.

Channels' AllowedHostsOriginValidator compares the Origin's host name with ALLOWED_HOSTS only, so a page
served from http://decide.example:8080 (another service on the same host) could open a viewer's socket.
The origin must be this site's exact origin: scheme, host and port.
"""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from decide.asgi import application
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def connects(path: str, *, origin: str | None, host: str = "testserver", scheme: str = "ws") -> bool:
    async def attempt() -> bool:
        headers = [(b"host", host.encode())]
        if origin is not None:
            headers.append((b"origin", origin.encode()))
        communicator = WebsocketCommunicator(application, path, headers=headers)
        communicator.scope["scheme"] = scheme
        try:
            connected, _ = await communicator.connect(timeout=5)
            return bool(connected)
        finally:
            await communicator.disconnect()

    result: bool = async_to_sync(attempt)()
    return result


@pytest.mark.parametrize(
    ("origin", "host", "scheme", "allowed"),
    [
        ("http://testserver", "testserver", "ws", True),
        ("http://testserver:80", "testserver", "ws", True),  # the default port written out
        ("https://testserver", "testserver", "wss", True),
        ("http://testserver:8000", "testserver:8000", "ws", True),
        ("http://testserver:8080", "testserver", "ws", False),  # same host, another port
        ("http://testserver:8080", "testserver:8000", "ws", False),
        ("https://testserver", "testserver", "ws", False),  # same host, another scheme
        ("http://testserver", "testserver", "wss", False),
        ("https://evil.example", "testserver", "wss", False),
        (None, "testserver", "ws", False),  # browsers always send an Origin
        ("null", "testserver", "ws", False),
    ],
)
def test_only_the_sites_own_origin_opens_a_socket(origin: str | None, host: str, scheme: str, allowed: bool) -> None:
    proposal = ProposalFactory()
    assert connects(f"/ws/proposals/{proposal.pk}/", origin=origin, host=host, scheme=scheme) is allowed


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_the_tls_proxy_the_origin_is_https() -> None:
    """nginx ends TLS and forwards ws:// with X-Forwarded-Proto: https; the browser's origin is https://."""
    proposal = ProposalFactory()
    path = f"/ws/proposals/{proposal.pk}/"

    async def attempt(origin: str) -> bool:
        headers = [(b"host", b"testserver"), (b"origin", origin.encode()), (b"x-forwarded-proto", b"https")]
        communicator = WebsocketCommunicator(application, path, headers=headers)
        try:
            connected, _ = await communicator.connect(timeout=5)
            return bool(connected)
        finally:
            await communicator.disconnect()

    assert async_to_sync(attempt)("https://testserver") is True
    assert async_to_sync(attempt)("http://testserver") is False
