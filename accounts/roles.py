"""Roles are Django groups; each permission decision still lives in an app's `permissions.py`."""

from __future__ import annotations

from typing import Final

MODERATOR: Final = "moderator"
ADMINISTRATOR: Final = "administrator"
OFFICER: Final = "officer"
# Answers the proposals of the categories its scope names (proposals.followup.models.CommitteeScope).
COMMITTEE: Final = "committee"
ROLES: Final = (MODERATOR, ADMINISTRATOR, OFFICER, COMMITTEE)

# Set on a request's user by accounts.middleware when a staff session has not passed its second
# factor (production settings): such a session holds no role anywhere (accounts.second_factor).
SECOND_FACTOR_MISSING: Final = "_decide_second_factor_missing"


def role_names(user: object) -> set[str]:
    """The names of the user's groups, read once per user object."""
    cache_name = "_decide_role_names"
    names: set[str] | None = getattr(user, cache_name, None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        setattr(user, cache_name, names)
    return names


def is_staff_member(user: object) -> bool:
    """Superusers, `is_staff` accounts and anyone holding a role (moderator, administrator, officer)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    return bool(role_names(user) & set(ROLES))


def has_role(user: object, role: str) -> bool:
    """True for an active account in the group `role`. Superusers hold every role.

    A staff session still waiting for its second factor holds none (see SECOND_FACTOR_MISSING).
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, SECOND_FACTOR_MISSING, False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return role in role_names(user)
