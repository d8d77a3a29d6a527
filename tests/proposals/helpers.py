"""Shared helpers for the debate and live-socket tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection

from accounts.roles import MODERATOR
from tests.factories import CommentFactory, ProposalFactory, UserFactory


def moderator() -> Any:
    return UserFactory(roles=[MODERATOR])


def proposal(**fields: Any) -> Any:
    return ProposalFactory(**fields)


def comment(**fields: Any) -> Any:
    return CommentFactory(**fields)


def decode(text: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(text)
    return event


# --- real server processes (they share the PostgreSQL test database and Redis) ----------

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _test_database_url() -> str:
    """The database this test writes to (test_<name>), for the servers to read the same rows."""
    s = connection.settings_dict
    auth = urllib.parse.quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited: {process.stdout.read().decode() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"server on {port} did not start")


@contextmanager
def asgi_server() -> Iterator[int]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "decide.settings.test",
        "DATABASE_URL": _test_database_url(),
        "PYTHONPATH": str(ROOT),
    }
    daphne = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "decide.asgi:application"]
    process = subprocess.Popen(daphne, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
