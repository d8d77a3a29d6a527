"""Beyond one process: a comment posted through server A reaches a viewer connected to server B.

Two real ASGI servers (daphne) share the PostgreSQL test database and Redis (the
pub/sub channel layer), as two application processes behind a proxy would.
"""

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

import pytest
from django.db import connection
from django.test import Client
from websockets.sync.client import connect as ws_connect

from proposals.models import Comment
from tests.factories import ProposalFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _post_comment(port: int, *, session: str, proposal_id: int, body: str) -> int:
    token = "a" * 32  # an unmasked CSRF secret: cookie and form field must match
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "body": body, "stance": "for"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/proposals/{proposal_id}/comments/",
        data=data,
        headers={"Cookie": f"sessionid={session}; csrftoken={token}", "Referer": f"http://127.0.0.1:{port}/"},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=15) as answer:
            status: int = answer.status
    except urllib.error.HTTPError as redirect:
        status = redirect.code
    return status


def test_a_comment_posted_through_one_process_reaches_a_viewer_on_another() -> None:
    proposal = ProposalFactory()
    author = UserFactory(display_name="Lucía")
    client = Client()
    client.force_login(author)
    session = client.cookies["sessionid"].value

    with asgi_server() as port_a, asgi_server() as port_b:
        uri = f"ws://127.0.0.1:{port_b}/ws/proposals/{proposal.pk}/"
        with ws_connect(uri, origin=f"http://127.0.0.1:{port_b}", open_timeout=15) as viewer:  # type: ignore[arg-type]
            status = _post_comment(port_a, session=session, proposal_id=proposal.pk, body="<p>Desde el servidor A</p>")
            assert status == 302
            event = json.loads(viewer.recv(timeout=15))
    comment = Comment.objects.get()
    assert event["kind"] == "comment.created" and event["data"]["comment"] == comment.pk
    assert "Desde el servidor A" in event["data"]["html"]["es"] and "Lucía" in event["data"]["html"]["es"]
