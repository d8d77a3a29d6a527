"""gunicorn settings for pages and forms (`gunicorn -c decide/gunicorn.conf.py decide.wsgi`).

Sync workers, (2 x cores) + 1 of them as gunicorn recommends: a Decide request
spends part of its time waiting on PostgreSQL and Redis, and extra workers
overlap those waits. WEB_CONCURRENCY overrides the count; bench/ measured it.
"""

import multiprocessing
import os
from typing import Any

# Comma-separated: `make serve` binds two loopback ports so nginx can retry an idempotent request
# on the other one when the worker holding it died (proxy_next_upstream).
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
backlog = 2048
# Recycle workers now and then so a slow leak never becomes an outage on polling day.
max_requests = 5000
max_requests_jitter = 500

# Slow and oversized requests. A sync worker reads one request at a time, so a client that
# sends its headers or body slowly holds a whole worker: six such clients held every worker
# for ~36 s in the outside test. gunicorn has no separate header-read timeout; `timeout` kills
# a worker silent for that long (a slow client, or a request stuck on a dependency), so it is
# the bound. The real defence is a BUFFERING reverse proxy in front (nginx, shipped by
# `make serve`: proxy_request_buffering on, client_header_timeout, client_body_timeout,
# client_max_body_size): it reads the whole request first, so workers only see complete ones.
# Never expose gunicorn directly to the Internet.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# A worker killed by `timeout` comes back in milliseconds when forked from a loaded app, not the
# seconds of importing Django and Wagtail again: what one slow client costs stays near `timeout`.
# (With preload, code changes need a restart, not a HUP.)
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # the proxy reuses connections; idle ones go soon
# Request line and headers: gunicorn answers 400 past these (a URL of Decide is far shorter than 4 KB).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190


def child_exit(server: object, worker: Any) -> None:  # gunicorn ships no types
    """A dead worker's metric files are merged as dead (prometheus-client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess  # only needed in multiprocess mode

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # unannotated in prometheus_client
