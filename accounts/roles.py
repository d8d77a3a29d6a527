"""Roles are Django groups; each permission decision still lives in an app's `permissions.py`."""

from __future__ import annotations

from typing import Final

MODERATOR: Final = "moderator"
ADMINISTRATOR: Final = "administrator"
OFFICER: Final = "officer"
ROLES: Final = (MODERATOR, ADMINISTRATOR, OFFICER)


def has_role(user: object, role: str) -> bool:
    """True for an active account in the group `role`. Superusers hold every role."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    cache_name = "_decide_role_names"
    names: set[str] | None = getattr(user, cache_name, None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        setattr(user, cache_name, names)
    return role in names
