"""Project-wide records: the background task worker's heartbeat."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskWorkerHeartbeat(models.Model):
    """A task worker says it is alive every few seconds; /healthz and /metrics read the freshest beat.

    One row per worker process (its id is the one django-tasks records on the tasks it claims);
    a worker that stops cleanly deletes its row, one that was killed leaves a row that ages.
    """

    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("task worker heartbeat")
        verbose_name_plural = _("task worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
