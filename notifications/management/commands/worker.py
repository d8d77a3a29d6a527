"""`manage.py worker`: the background worker (`db_worker`, on the "background" backend) plus its clock.

Works through every queue of the "background" backend (notifications, census imports). Before
the first task and every minute after, it sweeps up what a killed worker left behind (unfinished
fan-outs, due deliveries) and, once a day at DIGEST_HOUR local time, queues the email digests.
Run several for more throughput: rows are claimed with SKIP LOCKED, never shared.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.cache import cache
from django.core.management import get_commands, load_command_class
from django.db import close_old_connections
from django.utils import timezone

from accounts.census_tasks import census_imports_sweep
from notifications.tasks import digests_send_task, notifications_sweep

logger = logging.getLogger(__name__)

DIGEST_HOUR = 8
CLOCK_EVERY_S = 60.0


def clock_tick() -> None:
    try:
        notifications_sweep()
        census_imports_sweep()
        local = timezone.localtime()
        # cache.add is a "first one wins" across workers sharing Redis; one digest run per day.
        if local.hour >= DIGEST_HOUR and cache.add(f"notifications:digest:{local.date()}", 1, timeout=26 * 3600):
            digests_send_task.enqueue()
    except Exception:  # the clock must outlive a database blip; the next tick tries again
        logger.exception("notifications clock tick failed")
    finally:
        close_old_connections()


def _db_worker_command() -> type[Any]:
    """Whichever `db_worker` the project installs (decide's, with its heartbeat, over the package's)."""
    return type(load_command_class(get_commands()["db_worker"], "db_worker"))


class Command(_db_worker_command()):  # type: ignore[misc]
    help = "Run the background worker: notifications, newsletters, census imports (with its sweep and digest clock)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(backend_name="background", queue_name="*", reload=False)
        parser.add_argument("--no-clock", action="store_false", dest="clock", help="Do not sweep or send digests.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.pop("clock", True):
            stop = threading.Event()

            def run_clock() -> None:
                while not stop.is_set():
                    clock_tick()
                    stop.wait(CLOCK_EVERY_S)

            threading.Thread(target=run_clock, name="notifications-clock", daemon=True).start()
        super().handle(*args, **options)
