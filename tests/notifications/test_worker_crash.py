"""Real worker processes, SIGKILLed mid-batch and restarted: every message is sent, and accepted once (PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications import delivery
from notifications.kinds import Kind
from notifications.models import Delivery, Notification
from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)
PEOPLE = 600


def _worker(mail_file: Path) -> subprocess.Popen[bytes]:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "COUNTING_MAIL_FILE": str(mail_file),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.1", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _lines(mail_file: Path) -> list[str]:
    return mail_file.read_text().split() if mail_file.exists() else []


def _wait(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_batch_and_restarted_sends_every_message_once(tmp_path: Path) -> None:
    people = UserFactory.create_batch(PEOPLE)
    notifications = Notification.objects.bulk_create(
        Notification(recipient=person, kind=Kind.RESULTS_PUBLISHED, key="results:1", params={"poll": "Agua"})
        for person in people
    )
    Delivery.objects.bulk_create(Delivery(notification=n, channel="email") for n in notifications)
    expected = {delivery.message_id(pk) for pk in Delivery.objects.values_list("pk", flat=True)}
    mail_file = tmp_path / "sent.txt"

    kills = 0
    for stop_after in (60, 250, 420):  # mid-batch: the batch is 200, the kills land inside different batches
        worker = _worker(mail_file)
        try:
            assert _wait(lambda stop_after=stop_after: len(_lines(mail_file)) >= stop_after, 120), "worker sent nothing"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        kills += 1
    assert Delivery.objects.exclude(state=Delivery.State.SENT).exists(), "the kills came too late to test anything"

    worker = _worker(mail_file)
    try:
        assert _wait(lambda: not Delivery.objects.exclude(state=Delivery.State.SENT).exists(), 180)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)

    lines = _lines(mail_file)
    # The provider accepted each message exactly once (idempotency key = delivery id), none missing.
    assert set(lines) == expected
    # A kill rolls back at most the batch in flight: that many re-sends per kill, bounded (and deduplicated above).
    assert len(lines) - len(expected) <= kills * delivery.BATCH
    # Each delivery is marked sent once, in the transaction that claimed it.
    assert Delivery.objects.filter(state=Delivery.State.SENT, sent_at__isnull=False).count() == PEOPLE
