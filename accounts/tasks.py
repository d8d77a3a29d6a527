"""Background work of accounts: sending a text message never happens inside a person's request."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from .sms import sms_gateway

logger = logging.getLogger(__name__)


@task(backend="background", queue_name="default")
def sms_send_task(phone: str, message: str) -> str:
    """Send one SMS through the configured gateway; the provider's failure fails the task (logged by the worker)."""
    return sms_gateway().send(phone=phone, message=message)


def sms_send_after_commit(*, phone: str, message: str) -> None:
    """Queue one SMS once the current transaction commits (a rolled-back act texts nobody); never raises."""

    def enqueue() -> None:
        try:
            sms_send_task.enqueue(phone, message)
        except Exception:  # the queue (database) refused the job: logged, the request is not failed for it
            logger.exception("SMS to ...%s not queued", phone[-3:])

    transaction.on_commit(enqueue)
