"""gunicorn settings for pages and forms (`gunicorn -c decide/gunicorn.conf.py decide.wsgi`).

Sync workers, (2 x cores) + 1 of them as gunicorn recommends: a Decide request
spends part of its time waiting on PostgreSQL and Redis, and extra workers
overlap those waits. WEB_CONCURRENCY overrides the count; bench/ measured it.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
backlog = 2048
# Recycle workers now and then so a slow leak never becomes an outage on polling day.
max_requests = 5000
max_requests_jitter = 500
