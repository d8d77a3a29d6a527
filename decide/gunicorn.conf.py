"""gunicorn settings for pages and forms (`gunicorn -c decide/gunicorn.conf.py decide.wsgi`).

Sync workers, (2 x cores) + 1 of them as gunicorn recommends: a Decide request
spends part of its time waiting on PostgreSQL and Redis, and extra workers
overlap those waits. WEB_CONCURRENCY overrides the count; bench/ measured it.
"""

import multiprocessing
import os

# Comma-separated: `make serve` binds two loopback ports so nginx can retry an idempotent request
# on the other one when the worker holding it died (proxy_next_upstream).
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
backlog = 2048
# Recycle workers now and then so a slow leak never becomes an outage on polling day.
max_requests = 5000
max_requests_jitter = 500


def child_exit(server: object, worker: object) -> None:
    """A dead worker's metric files are merged as dead (prometheus-client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess  # only needed in multiprocess mode

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
