"""From one event to its notifications and deliveries: set-based, in chunks, idempotent, safe to run twice.

Run by the worker (or right after commit for small events). Each chunk is two INSERT … SELECT
statements (notifications, then their deliveries with each person's preferences applied in SQL),
so no Python object is built per recipient; ON CONFLICT DO NOTHING on the unique constraints makes
a rerun insert only what is missing, and the chunk's transaction also records how far the event got
(`fanned_out_through`), so a worker killed halfway resumes at the next chunk and nobody is told twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .kinds import NEVER_DIGESTED, SMS_KINDS, Channel, Kind
from .live import LIVE_PUSH_MAX, badge_push
from .models import Delivery, EmailMode, Notification, NotificationEvent, NotificationSettings
from .services import query_param_read

CHUNK = 20_000
# An event telling at least this many people refreshes the planner's statistics of the tables it filled.
ANALYZE_AFTER = 5_000
SMS_FIELDS = ("phone", "phone_confirmed_at", "sms_opt_out_at")


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def _column(model: type, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)  # type: ignore[attr-defined]


def _chunks(event: NotificationEvent) -> Iterator[tuple[str, list[Any], int, int | None]]:
    """(recipients' SELECT, its parameters, ids above, ids up to — None for no bound) per chunk, after the progress."""
    done = event.fanned_out_through if event.fanned_out_through is not None else -1
    user_model = get_user_model()
    if not event.recipient_query:
        ids = sorted(pk for pk in set(event.recipient_ids) if pk > done)
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            sql, params = user_model.objects.filter(pk__in=part).values(recipient=F("pk")).query.sql_with_params()
            yield sql, list(params), part[0] - 1, part[-1]
        return
    source = event.recipient_query
    source_params = [query_param_read(value) for value in event.recipient_query_params]
    low = done
    while True:
        with connection.cursor() as cursor:
            # The CHUNK-th recipient id above `low` bounds this chunk; none means the rest fits in it.
            cursor.execute(
                f"SELECT r.recipient FROM ({source}) r WHERE r.recipient > %s ORDER BY r.recipient LIMIT 1 OFFSET %s",  # noqa: S608
                [*source_params, low, CHUNK - 1],
            )
            row = cursor.fetchone()
        high: int | None = row[0] if row is not None else None
        yield source, source_params, low, high
        if high is None:
            return
        low = high


def _muted(kind: Kind) -> tuple[str, list[Any]]:
    """SQL true when the settings row `s` muted `kind` by an unsubscribe link."""
    muted = _column(NotificationSettings, "muted_kinds")
    if connection.vendor == "postgresql":
        return f"s.{muted} @> %s::jsonb", [json.dumps([kind.value])]
    return f"EXISTS (SELECT 1 FROM json_each(s.{muted}) WHERE json_each.value = %s)", [kind.value]  # noqa: S608


def _insert_chunk(
    event: NotificationEvent, kind: Kind, source: str, source_params: list[Any], low: int, high: int | None
) -> list[int]:
    """Insert one chunk's notifications and deliveries; returns the ids of the people newly told."""
    user_model = get_user_model()
    n, u, d, s, e = (_table(m) for m in (Notification, user_model, Delivery, NotificationSettings, NotificationEvent))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    upper = "AND u.id <= %s" if high is not None else ""
    bound = [high] if high is not None else []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {n} (recipient_id, kind, key, params, url, actor_id, created_at, read_at)
            SELECT u.id, e.kind, e.key, e.params, e.url, e.actor_id, %s, NULL
            FROM {u} u CROSS JOIN {e} e
            WHERE e.id = %s AND u.{_column(user_model, "is_active")} AND u.id > %s {upper}
              AND (e.actor_id IS NULL OR u.id <> e.actor_id)
              AND u.id IN (SELECT r.recipient FROM ({source}) r)
            ON CONFLICT DO NOTHING RETURNING recipient_id""",  # noqa: S608 (names from _meta, values as parameters)
            [now, event.pk, low, *bound, *source_params],
        )
        told = [row[0] for row in cursor.fetchall()]
        scope = "n.kind = %s AND n.key = %s AND n.recipient_id > %s" + (
            " AND n.recipient_id <= %s" if high is not None else ""
        )
        scope_params: list[Any] = [kind.value, event.key, low, *bound]
        email = _column(user_model, "email")
        if kind == Kind.NEWSLETTER:
            wants, wants_params = f"(s.user_id IS NULL OR s.{_column(NotificationSettings, 'newsletter')})", list[Any]()
        else:
            muted, wants_params = _muted(kind)
            mode = _column(NotificationSettings, "email_mode")
            wants = f"(s.user_id IS NULL OR (s.{mode} <> %s AND NOT {muted}))"
            wants_params = [EmailMode.OFF.value, *wants_params]
        if kind in NEVER_DIGESTED:
            state, state_params = "%s", [Delivery.State.PENDING.value]
        else:
            state = f"CASE WHEN s.{_column(NotificationSettings, 'email_mode')} = %s THEN %s ELSE %s END"
            state_params = [EmailMode.DIGEST.value, Delivery.State.DIGEST.value, Delivery.State.PENDING.value]
        cursor.execute(
            f"""INSERT INTO {d} (notification_id, channel, state, attempts, next_attempt_at, sent_at, last_error)
            SELECT n.id, %s, {state}, 0, %s, NULL, ''
            FROM {n} n JOIN {u} u ON u.id = n.recipient_id LEFT JOIN {s} s ON s.user_id = n.recipient_id
            WHERE {scope} AND u.{_column(user_model, "is_active")} AND u.{email} <> '' AND u.{email} NOT LIKE %s
              AND {wants}
            ON CONFLICT DO NOTHING""",  # noqa: S608
            [Channel.EMAIL.value, *state_params, now, *scope_params, "%@invalid.decide", *wants_params],
        )
        names = {field.name for field in user_model._meta.get_fields()}
        if kind in SMS_KINDS and set(SMS_FIELDS) <= names:
            phone, confirmed, stopped = (_column(user_model, name) for name in SMS_FIELDS)
            cursor.execute(
                f"""INSERT INTO {d} (notification_id, channel, state, attempts, next_attempt_at, sent_at, last_error)
                SELECT n.id, %s, %s, 0, %s, NULL, ''
                FROM {n} n JOIN {u} u ON u.id = n.recipient_id JOIN {s} s ON s.user_id = n.recipient_id
                WHERE {scope} AND s.{_column(NotificationSettings, "sms")}
                  AND u.{phone} IS NOT NULL AND u.{confirmed} IS NOT NULL AND u.{stopped} IS NULL
                ON CONFLICT DO NOTHING""",  # noqa: S608
                [Channel.SMS.value, Delivery.State.PENDING.value, now, *scope_params],
            )
    return told


def event_fan_out(*, event_id: int, chunk_committed: Callable[[], None] | None = None) -> int:
    """Create the notifications and deliveries of one event; returns how many people were newly told.

    `chunk_committed` is called after each chunk but the last is committed: the worker queues sending there,
    so another worker sends the first 20,000 emails while this one writes the next chunk.
    """
    event = NotificationEvent.objects.filter(pk=event_id).first()
    if event is None or event.fanned_out_at is not None:
        return 0
    kind = Kind(event.kind)
    told = 0
    to_push: list[int] = []
    for source, source_params, low, high in _chunks(event):
        with transaction.atomic():
            newly = _insert_chunk(event, kind, source, source_params, low, high)
            if high is not None:
                NotificationEvent.objects.filter(pk=event.pk).update(fanned_out_through=high)
        told += len(newly)
        if high is not None and newly and chunk_committed is not None:
            chunk_committed()
        if told <= LIVE_PUSH_MAX:
            to_push.extend(newly)
    if told >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # A bulk load leaves the planner's statistics behind (PostgreSQL's advice after one: ANALYZE). Without it
        # the planner sees a handful of pending deliveries and sorts every one of them for each batch it claims.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_table(Delivery)}, {_table(Notification)}")
    NotificationEvent.objects.filter(pk=event.pk).update(fanned_out_at=timezone.now())
    if told <= LIVE_PUSH_MAX:
        for user_id in to_push:
            badge_push(user_id, new=1)
    return told
