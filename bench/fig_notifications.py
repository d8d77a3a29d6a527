"""Notification fan-out: one event told to N followers (in-app + email to a file backend) by the real worker.

Baseline, in the same run: COPY of the same rows (N notifications, N deliveries) into bare tables —
the floor for writing them at all. The measured time runs from the event being queued to the last
delivery marked sent, through `manage.py worker` (fan-out, rendering per language, sending to the
file backend, marking sent in the claiming transaction). Peak memory is the worker's (wait4).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time

from . import harness
from .core import Context, Figure

GOAL = "≤ 5x baseline; worker peak memory ≤ 300 MB"


def _people(count: int) -> list[int]:
    """N followers (set-up, not measured): accounts with an email, their languages Spanish, English, French in turn."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    unusable = make_password(None)  # nobody signs in as a bench follower
    User.objects.bulk_create(
        (
            User(
                username=f"bench-follower-{n}",
                email=f"bench-follower-{n}@example.org",
                password=unusable,
                preferred_language=("es", "en", "fr")[n % 3],
            )
            for n in range(count)
        ),
        batch_size=5000,
    )
    return list(User.objects.filter(username__startswith="bench-follower-").order_by("pk").values_list("pk", flat=True))


def _copy_baseline(user_ids: list[int]) -> float:
    from django.db import connection

    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_notification_copy, bench_delivery_copy")
        cur.execute(
            "CREATE TABLE bench_notification_copy (id bigint, recipient_id bigint, kind text, key text, "
            "params jsonb, url text, created_at timestamptz)"
        )
        cur.execute("CREATE TABLE bench_delivery_copy (notification_id bigint, channel text, state text)")
    raw.commit()
    t0 = time.perf_counter()
    with raw.cursor() as cur:
        with cur.copy("COPY bench_notification_copy FROM STDIN") as cp:
            for n, pk in enumerate(user_ids):
                cp.write_row((n, pk, "proposal_answered", "bench:1", '{"proposal": "Agua"}', "/p/1/", "2026-01-01"))
        with cur.copy("COPY bench_delivery_copy FROM STDIN") as cp:
            for n in range(len(user_ids)):
                cp.write_row((n, "email", "pending"))
    raw.commit()
    seconds = time.perf_counter() - t0
    with raw.cursor() as cur:
        cur.execute("DROP TABLE bench_notification_copy, bench_delivery_copy")
    raw.commit()
    return seconds


def _peak_mb(pid: int) -> float:
    """A running process's resident high-water mark so far (VmHWM), in MiB as ru_maxrss / 1024 is."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def notify_followers(ctx: Context) -> list[Figure]:
    from accounts.models import User
    from notifications.kinds import Kind
    from notifications.models import Delivery, NotificationEvent
    from notifications.services import notify

    count = ctx.sizes["notify_followers"]
    user_ids = _people(count)
    copy_seconds = _copy_baseline(user_ids)
    mail_dir = tempfile.mkdtemp(prefix="bench-mail-")
    env = {
        **ctx.env,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": mail_dir,
        "BACKGROUND_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    worker = subprocess.Popen(
        [
            harness.PYTHON,
            "manage.py",
            "worker",
            "--no-startup-delay",
            "--interval",
            "0.05",
            "--verbosity",
            "0",
            "--no-clock",
        ],
        cwd=harness.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(2.0)  # the worker's start-up (Django, connections) is not part of delivering the event
        t0 = time.perf_counter()
        # What an owning app does: the followers as a QuerySet (outside a transaction, on_commit runs at once).
        notify(
            kind=Kind.PROPOSAL_ANSWERED,
            recipients=User.objects.filter(username__startswith="bench-follower-"),
            key="bench:1",
            params={"proposal": "Agua"},
            url="/p/1/",
        )
        notify_seconds = time.perf_counter() - t0
        fanned_out_seconds = fanned_out_peak_mb = float("nan")
        deadline = time.monotonic() + max(600, count / 50)
        while time.monotonic() < deadline:
            # Cheap probes (a flag, then the partial index of pending rows) every 0.1 s; the count once at the end.
            if fanned_out_seconds != fanned_out_seconds:
                if NotificationEvent.objects.filter(key="bench:1", fanned_out_at__isnull=False).exists():
                    fanned_out_seconds = time.perf_counter() - t0
                    fanned_out_peak_mb = _peak_mb(worker.pid)
            elif not Delivery.objects.filter(state=Delivery.State.PENDING).exists():
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - t0
        sent_peak_mb = _peak_mb(worker.pid)
        sent = Delivery.objects.filter(notification__key="bench:1", state=Delivery.State.SENT).count()
    finally:
        worker.send_signal(signal.SIGTERM)
        _pid, _status, usage = os.wait4(worker.pid, 0)
    # The worker's own high-water mark (VmHWM, reset at exec). Not wait4's ru_maxrss: Linux carries into it the
    # resident size of the process that spawned the worker (this one, holding 100,000 set-up rows) at exec.
    peak_mb = sent_peak_mb
    spawn_inclusive_mb = usage.ru_maxrss / 1024
    files = os.listdir(mail_dir)
    written = sum(os.path.getsize(os.path.join(mail_dir, name)) for name in files)
    ctx.log(
        f"notify {count}: {seconds:.1f}s ({sent} sent; notify() {notify_seconds:.3f}s, fanned out at "
        f"{fanned_out_seconds:.1f}s), COPY {copy_seconds:.2f}s, peak {peak_mb:.0f} MB"
    )
    if sent < count:
        ctx.failures.append(f"notify_followers: {sent}/{count} sent")
    ratio = seconds / copy_seconds
    return [
        Figure(
            "notify_followers",
            seconds,
            "s",
            copy_seconds,
            "COPY of the same notification and delivery rows into bare tables (s)",
            ratio,
            GOAL,
            met=ratio <= 5 and peak_mb <= 300 and sent >= count,
            sizes={"followers": count},
            extra={
                "peak_memory_mb": peak_mb,
                "emails_per_s": sent / seconds,
                "mail_bytes": written,
                "notify_call_s": notify_seconds,
                "fanned_out_after_s": fanned_out_seconds,
                # The worker's high-water mark (VmHWM) when the fan-out was seen done (peak_memory_mb: at the end).
                "peak_mb_at_fanned_out": fanned_out_peak_mb,
                "wait4_maxrss_mb_with_parent_at_spawn": spawn_inclusive_mb,
            },
        )
    ]
