"""Settings for the pytest suite: fast hashing, fixed secrets, emails kept in memory."""

from __future__ import annotations

import os

# Tests hold their transaction open while a browser renders the pages they wrote (tests/security/xss.py):
# on a slow, busy machine that passed PostgreSQL's idle-in-transaction limit (60 s in production), which
# ended the connection mid-test. Read by .base when it builds the session options.
os.environ.setdefault("DB_IDLE_IN_TRANSACTION_TIMEOUT", "600")

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105 - used by the test suite only
CENSUS_PEPPER = "test-pepper"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Off for the suite (tests write rows directly, with no event, between two loads of a page);
# tests/decide/test_page_cache.py turns it on.
PAGE_CACHE_ENABLED = False
# Background tasks run inline at enqueue (after commit); the worker tests start real db_worker processes instead.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {
        "BACKEND": os.environ.get("BACKGROUND_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
        "QUEUES": ["default", "notifications", "census"],
    },
}
