"""The audit log: one call per moderation or administration action, inside that action's transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

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
