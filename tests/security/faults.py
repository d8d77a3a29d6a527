"""Tools of the fault-injection suite: a server that accepts and never answers, and Django in a subprocess.

A dependency that hangs is the fault that hurts most (a refused connection fails fast by
itself), so the suite points Decide at `Blackhole`: it completes the TCP handshake, reads
whatever comes and never writes a byte, like a PostgreSQL or Redis that is stuck.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]


class Blackhole:
    """A TCP server on a free local port that accepts every connection and never answers."""

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = int(self._server.getsockname()[1])
        self._clients: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="blackhole", daemon=True)

    def _accept(self) -> None:
        self._server.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._clients.append(client)  # held open, never read back to

    def __enter__(self) -> Blackhole:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for client in self._clients:
            client.close()
        self._server.close()


def closed_port() -> int:
    """A local port nothing listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Runs in the subprocess: Django set up from the environment, requests through the test client,
# one JSON line per request with its status, duration and the start of the body.
_PROBE = """
import json, sys, time
import django
django.setup()
from django.test import Client
from django.urls import get_resolver
get_resolver().url_patterns  # import every view now, so the timings measure requests, not imports
client = Client(raise_request_exception=False)
for path in sys.argv[1:]:
    started = time.monotonic()
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    print(json.dumps({"path": path, "status": response.status_code, "seconds": time.monotonic() - started,
                      "body": body.decode("utf-8", "replace")[:4000]}), flush=True)
"""


def probe(paths: list[str], env: dict[str, str], *, timeout: float = 90) -> list[dict[str, object]]:
    """GET each path in a fresh Django process configured by `env` (over the current environment)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    full_env.setdefault("DJANGO_SETTINGS_MODULE", "decide.settings.test")
    full_env.update(env)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *paths],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(answers) == len(paths), f"the probe died:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return answers
