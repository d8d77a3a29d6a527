"""A small HTTP/1.1 client over asyncio streams, for loopback load only.

No third-party client: it keeps the load generator cheap (the machine has two
cores, and every cycle the client burns is taken from the server), and it does
exactly what a browser without JavaScript does: cookies, a form, a redirect.
One connection per request (gunicorn's sync workers close after each response).
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: bytes
    seconds: float

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


class HTTPError(Exception):
    pass


@dataclass
class Client:
    """One simulated browser: its own cookie jar."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        started = time.perf_counter()
        body = urlencode(form).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Connection: close",
            "Accept: text/html",
            "User-Agent: decide-bench",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: {self.origin}",
                f"Referer: {self.origin}{path}",
            ]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout)
        try:
            writer.write(raw)
            data = await asyncio.wait_for(reader.read(-1), self.timeout)
        finally:
            writer.close()
        response = _parse(data, time.perf_counter() - started)
        for cookie in response.headers.get("set-cookie", []):
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or value in ('""', ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response

    async def get(self, path: str) -> Response:
        return await self.request("GET", path)

    async def post(self, path: str, form: dict[str, str]) -> Response:
        return await self.request("POST", path, form)


def csrf_token(response: Response) -> str:
    match = _CSRF_INPUT.search(response.body)
    if not match:
        raise HTTPError(f"no CSRF token in the form (status {response.status})")
    return match.group(1).decode()


def _parse(data: bytes, seconds: float) -> Response:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        raise HTTPError("truncated response")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ", 2)[1])
    except (IndexError, ValueError) as exc:
        raise HTTPError(f"bad status line {lines[0]!r}") from exc
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
        body = _dechunk(body)
    return Response(status=status, headers=headers, body=body, seconds=seconds)


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)
