"""Races and crashes on PostgreSQL: one person's simultaneous supports and reactions, and a server worker
SIGKILLed while citizens cast ballots. Concurrent casts for one person: tests/votes/test_ballot_concurrency.py.
"""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from proposals.models import CommentReaction, Support
from tests.factories import CommentFactory, PollFactory, ProposalFactory, UserFactory, VerifiedUserFactory
from tests.proposals.helpers import _free_port, _test_database_url
from votes.models import Ballot, Participation
from votes.selectors import receipt_hash

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
THREADS = 20


def _race(target: Callable[[int], object], count: int) -> list[object]:
    """`count` threads released at the same instant; each on (and closing) its own connection."""
    barrier = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = target(index)
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_one_persons_simultaneous_supports_count_once() -> None:
    from proposals import services

    assert connection.vendor == "postgresql"
    proposal = ProposalFactory()
    voter = VerifiedUserFactory()
    outcomes = _race(lambda i: services.support_add(proposal=proposal, user=voter), THREADS)
    kinds = Counter(type(outcome).__name__ for outcome in outcomes)
    assert kinds["Support"] == 1, kinds
    assert not [o for o in outcomes if isinstance(o, Exception) and type(o).__module__.startswith("django.db")], kinds
    assert Support.objects.filter(proposal=proposal).count() == 1
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_one_persons_simultaneous_reactions_leave_one_consistent_reaction() -> None:
    from proposals.debate import services

    comment = CommentFactory()
    reader = UserFactory()
    outcomes = _race(lambda i: services.comment_react(user=reader, comment=comment, value=1), THREADS)
    database_errors = [o for o in outcomes if isinstance(o, Exception) and type(o).__module__.startswith("django.db")]
    assert not database_errors, database_errors[:3]
    reactions = CommentReaction.objects.filter(comment=comment, user=reader)
    assert reactions.count() <= 1
    comment.refresh_from_db()
    agrees = reactions.filter(value=1).count()
    counted = {name: getattr(comment, name) for name in ("agree_count", "disagree_count") if hasattr(comment, name)}
    if counted:
        assert counted.get("agree_count", agrees) == agrees, counted
        assert counted.get("disagree_count", 0) == 0, counted


def test_two_agrees_in_a_row_leave_an_agree() -> None:
    """Issue 13 item 11: a double-clicked 'agree' used to cancel itself (a toggle); reactions are set/unset."""
    from proposals.debate import services

    comment = CommentFactory()
    reader = UserFactory()
    services.comment_react(user=reader, comment=comment, value=1)
    services.comment_react(user=reader, comment=comment, value=1)
    assert CommentReaction.objects.filter(comment=comment, user=reader, value=1).count() == 1


# --- a worker killed mid-load ------------------------------------------------------------------------------

VOTERS = 36
CLIENT_THREADS = 6
RECEIPT = re.compile(r'id="receipt-code">([^<]+)<')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@contextmanager
def gunicorn(workers: int) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "decide.settings.test",
        "DATABASE_URL": _test_database_url(),
        "PYTHONPATH": str(ROOT),
        "RATELIMIT_ENABLE": "false",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "20",
        "--graceful-timeout",
        "2",
        "decide.wsgi:application",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code in (200, 503):
                    break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer within 45 s")
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _workers_of(master: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True, check=False)
    return [int(pid) for pid in result.stdout.split()]


def _cast_over_http(base: str, poll_id: int, session_key: str, question_field: str, option_id: int) -> str | None:
    """One citizen votes through the pages: the receipt code if the receipt page was shown, else None."""
    http = requests.Session()
    http.cookies.set(settings.SESSION_COOKIE_NAME, session_key, domain="127.0.0.1")
    try:
        paper = http.get(f"{base}/polls/{poll_id}/vote/", timeout=15)
        token, csrf = TOKEN.search(paper.text), CSRF.search(paper.text)
        if paper.status_code != 200 or not token or not csrf:
            return None
        answer = http.post(
            f"{base}/polls/{poll_id}/vote/confirm/",
            data={
                "csrfmiddlewaretoken": csrf.group(1),
                "token": html.unescape(token.group(1)),
                question_field: option_id,
            },
            headers={"Referer": f"{base}/polls/{poll_id}/vote/"},
            timeout=15,
        )
    except requests.RequestException:
        return None  # the worker died under this request: nothing was shown, nothing acknowledged
    receipt = RECEIPT.search(answer.text) if answer.status_code == 200 else None
    return html.unescape(receipt.group(1)).strip() if receipt else None


def test_a_worker_killed_mid_load_loses_no_acknowledged_ballot_and_halves_none() -> None:
    poll = PollFactory()
    question = poll.questions.get()
    options = list(question.options.all())
    sessions = []
    for _ in range(VOTERS):
        client = Client()
        client.force_login(VerifiedUserFactory())
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    acknowledged: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()
    with gunicorn(workers=3) as (port, master):
        base = f"http://127.0.0.1:{port}"
        done = threading.Semaphore(0)

        def voter_loop(first: int) -> None:
            for index in range(first, VOTERS, CLIENT_THREADS):
                code = _cast_over_http(base, poll.pk, sessions[index], f"q{question.pk}", options[index % 3].pk)
                if code:
                    with lock:
                        acknowledged.append(code)
                done.release()

        threads = [threading.Thread(target=voter_loop, args=(i,)) for i in range(CLIENT_THREADS)]
        for thread in threads:
            thread.start()
        for _ in range(VOTERS // 3):
            done.acquire(timeout=30)
        killed = _workers_of(master.pid)[:1]
        for pid in killed:
            os.kill(pid, signal.SIGKILL)  # a worker of the gunicorn this test started, mid-load
        for thread in threads:
            thread.join(timeout=45)
    assert killed, "no worker to kill"
    assert time.monotonic() - started < 60
    assert len(acknowledged) >= VOTERS // 3, f"only {len(acknowledged)} receipts were shown"
    for code in acknowledged:
        assert Ballot.objects.filter(poll=poll, receipt_hash=receipt_hash(code)).count() == 1, code
    ballots = Ballot.objects.filter(poll=poll).count()
    assert Participation.objects.filter(poll=poll).count() == ballots
    assert len(acknowledged) <= ballots <= VOTERS, f"{len(acknowledged)} receipts shown, {ballots} ballots"
