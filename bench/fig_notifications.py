"""Notification fan-out: one event told to N followers (in-app + email to a file backend) by the real worker.

Baseline, in the same run: COPY of the same rows (N notifications, N email deliveries) into copies of
their tables — same indexes, unique and check constraints, foreign keys — the floor for writing them
where they live. The COPY into bare tables (no index, no constraint) is reported too, in extra.
The measured time runs from the event being queued to the last delivery marked sent, through
`manage.py worker` (fan-out, rendering per language, sending to the file backend, marking sent in the
claiming transaction). Peak memory is the worker's (wait4).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from typing import Any

from . import harness
from .core import Context, Figure

GOAL = "≤ 5x baseline; peak memory ≤ 300 MB per worker"


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
    # A platform's table of people is not loaded a second before an event: autovacuum has analysed it. Without
    # this the planner would see the empty table of before the bulk load when it plans the fan-out.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {User._meta.db_table}")
    return list(User.objects.filter(username__startswith="bench-follower-").order_by("pk").values_list("pk", flat=True))


def _rows(user_ids: list[int], first_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows the fan-out writes for these people: a notification each, an email delivery each."""
    notifications = [
        (first_id + n, pk, "proposal_answered", "bench:copy", '{"proposal": "Agua"}', "/p/1/", None, "2026-01-01", None)
        for n, pk in enumerate(user_ids)
    ]
    deliveries = [(first_id + n, "email", "pending", 0, "2026-01-01", None, "") for n in range(len(user_ids))]
    return notifications, deliveries


NOTIFICATION_COLUMNS = "(id, recipient_id, kind, key, params, url, actor_id, created_at, read_at)"
DELIVERY_COLUMNS = "(notification_id, channel, state, attempts, next_attempt_at, sent_at, last_error)"


def _copy_seconds(raw: Any, notification_table: str, delivery_table: str, user_ids: list[int]) -> float:
    notifications, deliveries = _rows(user_ids, 1)
    t0 = time.perf_counter()
    with raw.cursor() as cur:
        with cur.copy(f"COPY {notification_table} {NOTIFICATION_COLUMNS} FROM STDIN") as cp:
            for row in notifications:
                cp.write_row(row)
        with cur.copy(f"COPY {delivery_table} {DELIVERY_COLUMNS} FROM STDIN") as cp:
            for row in deliveries:
                cp.write_row(row)
    raw.commit()  # the foreign keys are checked here (deferred, as Django declares them)
    return time.perf_counter() - t0


def _copy_baselines(user_ids: list[int]) -> tuple[float, float]:
    """COPY of the same rows (a notification and an email delivery per follower), timed twice in this run:

    - into copies of the real tables: their columns, defaults, checks, unique constraints and indexes
      (`LIKE … INCLUDING ALL`) and their foreign keys (recreated from the catalogue) — the floor for writing
      these rows where they must live, with the rules that make the fan-out idempotent. The figure's baseline.
    - into bare tables (no index, no constraint): the floor for writing the bytes at all. Reported in extra.
    """
    from django.db import connection

    from notifications.models import Delivery, Notification

    real_n, real_d = Notification._meta.db_table, Delivery._meta.db_table
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute(
            "DROP TABLE IF EXISTS bench_delivery_like, bench_notification_like, "
            "bench_delivery_bare, bench_notification_bare"
        )
        cur.execute(f"CREATE TABLE bench_notification_like (LIKE {real_n} INCLUDING ALL)")
        cur.execute(f"CREATE TABLE bench_delivery_like (LIKE {real_d} INCLUDING ALL)")
        for table, clone in ((real_n, "bench_notification_like"), (real_d, "bench_delivery_like")):
            cur.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for (definition,) in cur.fetchall():
                definition = definition.replace(f"REFERENCES {real_n}(", "REFERENCES bench_notification_like(")
                cur.execute(f"ALTER TABLE {clone} ADD {definition}")
        cur.execute(
            "CREATE TABLE bench_notification_bare (id bigint, recipient_id bigint, kind text, key text, params jsonb, "
            "url text, actor_id bigint, created_at timestamptz, read_at timestamptz)"
        )
        cur.execute(
            "CREATE TABLE bench_delivery_bare (notification_id bigint, channel text, state text, attempts smallint, "
            "next_attempt_at timestamptz, sent_at timestamptz, last_error text)"
        )
    raw.commit()
    try:
        like = _copy_seconds(raw, "bench_notification_like", "bench_delivery_like", user_ids)
        bare = _copy_seconds(raw, "bench_notification_bare", "bench_delivery_bare", user_ids)
    finally:
        raw.rollback()
        with raw.cursor() as cur:
            cur.execute(
                "DROP TABLE bench_delivery_like, bench_notification_like, bench_delivery_bare, bench_notification_bare"
            )
        raw.commit()
    return like, bare


def _peak_mb(pid: int) -> float:
    """A running process's resident high-water mark so far (VmHWM), in MiB as ru_maxrss / 1024 is."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    """A running process's CPU time so far (utime + stime), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def notify_followers(ctx: Context) -> list[Figure]:
    from accounts.models import User
    from decide.models import TaskWorkerHeartbeat
    from notifications.kinds import Kind
    from notifications.models import Delivery, NotificationEvent
    from notifications.services import notify

    count = ctx.sizes["notify_followers"]
    user_ids = _people(count)
    copy_seconds, bare_copy_seconds = _copy_baselines(user_ids)
    mail_dir = tempfile.mkdtemp(prefix="bench-mail-")
    env = {
        **ctx.env,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": mail_dir,
        "BACKGROUND_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    command = [harness.PYTHON, "manage.py", "worker", "--no-startup-delay", "--interval", "0.05", "--verbosity", "0"]
    # The production shape on this machine: one worker per core, the clock (sweeps, digests) off in the bench.
    workers = [
        subprocess.Popen(
            [*command, "--no-clock"],
            cwd=harness.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(ctx.sizes["notify_workers"])
    ]
    usages = []
    try:
        # The workers' start-up (imports, connections) is not part of delivering the event: wait for their
        # heartbeat rows, written once each is ready to take tasks (a fixed sleep measured start-up when busy).
        ready_by = time.monotonic() + 120
        pids = [worker.pid for worker in workers]
        while TaskWorkerHeartbeat.objects.filter(pid__in=pids).count() < len(pids):
            if any(worker.poll() is not None for worker in workers) or time.monotonic() > ready_by:
                raise RuntimeError("a bench worker did not start")
            time.sleep(0.1)
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
                    fanned_out_peak_mb = max(_peak_mb(pid) for pid in pids)
            elif not Delivery.objects.filter(state=Delivery.State.PENDING).exists():
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - t0
        peaks_mb = [_peak_mb(pid) for pid in pids]
        sent = Delivery.objects.filter(notification__key="bench:1", state=Delivery.State.SENT).count()
        # Which worker sent what is not recorded; that both took part shows in their CPU time.
        cpu_seconds = [_cpu_seconds(pid) for pid in pids]
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            usages.append(os.wait4(worker.pid, 0)[2])
    # Each worker's own high-water mark (VmHWM, reset at exec). Not wait4's ru_maxrss: Linux carries into it the
    # resident size of the process that spawned the worker (this one, holding 100,000 set-up rows) at exec.
    peak_mb = max(peaks_mb)
    spawn_inclusive_mb = max(usage.ru_maxrss for usage in usages) / 1024
    files = os.listdir(mail_dir)
    written = sum(os.path.getsize(os.path.join(mail_dir, name)) for name in files)
    ctx.log(
        f"notify {count}: {seconds:.1f}s ({sent} sent; notify() {notify_seconds:.3f}s, fanned out at "
        f"{fanned_out_seconds:.1f}s), COPY {copy_seconds:.2f}s (bare tables {bare_copy_seconds:.2f}s), "
        f"{len(workers)} workers (CPU {', '.join(f'{c:.1f}s' for c in cpu_seconds)}), peak {peak_mb:.0f} MB each"
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
            "COPY of the same notification and delivery rows into copies of their tables (indexes, checks, keys) (s)",
            ratio,
            GOAL,
            met=ratio <= 5 and peak_mb <= 300 and sent >= count,
            sizes={"followers": count, "workers": len(workers)},
            extra={
                "peak_memory_mb": peak_mb,
                "peak_memory_mb_per_worker": peaks_mb,
                "worker_cpu_s": cpu_seconds,
                "copy_into_bare_tables_s": bare_copy_seconds,
                "ratio_to_bare_table_copy": seconds / bare_copy_seconds,
                "emails_per_s": sent / seconds,
                "mail_bytes": written,
                "notify_call_s": notify_seconds,
                "fanned_out_after_s": fanned_out_seconds,
                # The highest worker VmHWM when the fan-out was seen done (peak_memory_mb: at the end).
                "peak_mb_at_fanned_out": fanned_out_peak_mb,
                "wait4_maxrss_mb_with_parent_at_spawn": spawn_inclusive_mb,
            },
        )
    ]
