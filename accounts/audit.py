"""The audit log: one call per moderation or administration action, inside that action's transaction; its reads."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEntry, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    location: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record who did what to which object and why. Callers never pass a document number."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        location=location,
        detail=detail or {},
    )


def audit_entries(
    *,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """The log, newest first, narrowed by whoever acted (name or email, part of it), action, object and days.

    `since` and `until` are whole days in the site's time zone, both included.
    """
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    if actor:
        who = Q(actor__username__icontains=actor) | Q(actor__email__icontains=actor)
        entries = entries.filter(who | Q(actor__pk=int(actor)) if actor.isdigit() else who)
    if action:
        entries = entries.filter(action=action)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    zone = timezone.get_current_timezone()
    if since is not None:
        entries = entries.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until is not None:
        entries = entries.filter(created_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone))
    return entries


def audit_choices() -> tuple[list[str], list[str]]:
    """The actions and object types the log holds, for the filter's menus."""
    actions = list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())
    types = AuditEntry.objects.exclude(target_type="").order_by("target_type").values_list("target_type", flat=True)
    return actions, list(types.distinct())
