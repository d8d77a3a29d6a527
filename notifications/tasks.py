"""Background tasks (django-tasks, "background" backend: the database queue the worker reads).

Every task is safe to run twice and safe to be killed: the state lives in the rows
(NotificationEvent.fanned_out_at, Delivery.state), never only in the task's arguments, and
`notifications_sweep` — run when a worker starts and every minute — picks up what a killed
worker left behind.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task, task_backends

from .delivery import deliveries_send_due, digests_send, next_retry_at
from .fanout import event_fan_out
from .models import Delivery, NotificationEvent

logger = logging.getLogger(__name__)

BACKEND = "background"
QUEUE = "notifications"
# A send task gives the queue back after this long, so other work (census imports) is not starved.
SEND_BUDGET_S = 30.0


@task(backend=BACKEND, queue_name=QUEUE)
def event_fan_out_task(event_id: int) -> int:
    # Sending is queued as each chunk commits: with several workers, the first emails leave while the rest
    # of a large audience is still being written (a single worker takes the queued sends in turn).
    told = event_fan_out(event_id=event_id, chunk_committed=deliveries_send_enqueue)
    deliveries_send_enqueue()
    return told


@task(backend=BACKEND, queue_name=QUEUE)
def deliveries_send_task() -> int:
    started = time.monotonic()
    handled = 0
    while time.monotonic() - started < SEND_BUDGET_S:
        claimed = deliveries_send_due()
        handled += claimed
        if claimed == 0:
            break
    else:
        deliveries_send_enqueue()  # more to do: a fresh task, so the worker can interleave other queues
        return handled
    retry_at = next_retry_at()
    if retry_at is not None:
        deliveries_send_enqueue(run_after=retry_at)
    return handled


@task(backend=BACKEND, queue_name=QUEUE)
def digests_send_task() -> int:
    return digests_send()


def _enqueue_safely(label: str, enqueue: object) -> None:
    try:
        enqueue()  # type: ignore[operator]
    except Exception:  # a queue that cannot take the job is logged; the sweep picks the work up later
        logger.exception("%s not queued; the worker's sweep will pick it up", label)


def event_fan_out_enqueue(*, event_id: int, inline: bool = False) -> None:
    """Fan out now (small events, right after commit) or in the worker; never raises."""
    if inline:
        try:
            event_fan_out(event_id=event_id)
        except Exception:
            logger.exception("inline fan-out of event %s failed; the worker will do it", event_id)
        else:
            deliveries_send_enqueue()
            return
    _enqueue_safely("fan-out", lambda: event_fan_out_task.enqueue(event_id))


def deliveries_send_enqueue(*, run_after: datetime | None = None) -> None:
    backend = task_backends[BACKEND]
    if run_after is not None:
        if not backend.supports_defer:
            return  # the inline test backend: retries are driven by calling the sweep
        _enqueue_safely("deliveries", lambda: deliveries_send_task.using(run_after=run_after).enqueue())
        return
    _enqueue_safely("deliveries", lambda: deliveries_send_task.enqueue())


def notifications_sweep() -> dict[str, int]:
    """Finish what a killed worker left: unfinished fan-outs and due deliveries. Idempotent."""
    stale = timezone.now() - timedelta(seconds=5)
    events = list(
        NotificationEvent.objects.filter(fanned_out_at__isnull=True, created_at__lt=stale).values_list("pk", flat=True)
    )
    for event_id in events:
        _enqueue_safely("fan-out", lambda event_id=event_id: event_fan_out_task.enqueue(event_id))
    due = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=timezone.now()).exists()
    if due:
        deliveries_send_enqueue()
    return {"events": len(events), "due": int(due)}
