"""Sockets open only from this site's own origin: scheme, host and port, not merely an allowed host name.

Channels' AllowedHostsOriginValidator (kept in front of this one for ALLOWED_HOSTS) compares host
names only, so a page on the same host but another port or scheme could open a viewer's socket
(issue 13). Here the Origin must equal the origin the browser used to reach us: the Host header
with the scheme of the connection (wss, or ws behind a TLS proxy that says X-Forwarded-Proto as
configured in SECURE_PROXY_SSL_HEADER), default ports made explicit. Origins listed in
CSRF_TRUSTED_ORIGINS are accepted as they are, as Django accepts them for forms.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _page_scheme(scope: dict[str, Any]) -> str:
    """The scheme of the page that opened the socket: https for wss, or when the trusted TLS proxy says so."""
    if scope.get("scheme") == "wss":
        return "https"
    proxy_header: tuple[str, str] | None = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        meta_name, secure_value = proxy_header
        header = meta_name.removeprefix("HTTP_").replace("_", "-").lower().encode()
        if (_header(scope, header) or "").split(",")[0].strip() == secure_value:
            return "https"
    return "http"


def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return scheme, parts.hostname.lower(), port


def same_origin(scope: dict[str, Any]) -> bool:
    origin = _header(scope, b"origin")
    host = _header(scope, b"host")
    if not origin or not host:
        return False
    if origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", ()):
        return True
    parts = urlsplit(origin)
    claimed = _origin(parts.scheme, parts.netloc) if parts.scheme in DEFAULT_PORTS else None
    return claimed is not None and claimed == _origin(_page_scheme(scope), host)


class SameOriginValidator:
    """ASGI middleware: a socket from any other origin is refused before it reaches a consumer."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") == "websocket" and not same_origin(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
