"""Settings for real worker processes started by the crash test: the database queue and a counting mail provider."""

from __future__ import annotations

from decide.settings.test import *  # noqa: F403

EMAIL_BACKEND = "tests.notifications.counting_mail.CountingMailBackend"
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications", "census"]},
}
