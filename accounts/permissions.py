"""Who may do what with the census and verification: one predicate per action."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from .roles import ADMINISTRATOR, OFFICER, has_role


def _active_account(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_verified_citizen(user: object) -> bool:
    """A signed-in, active, unblocked account bound to a census record: may support and vote."""
    return (
        _active_account(user)
        and getattr(user, "census_record_id", None) is not None
        and getattr(user, "blocked_at", None) is None
    )


def can_verify_self(user: object) -> bool:
    """A citizen with a confirmed email, not yet verified and not blocked, may verify against the census."""
    if not _active_account(user) or getattr(user, "blocked_at", None) is not None:
        return False
    if getattr(user, "census_record_id", None) is not None:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def can_assist_verification(user: object) -> bool:
    """Officers verify people in person, at a booth or an office."""
    return has_role(user, OFFICER)


def can_unbind(user: object) -> bool:
    """Administrators release a census record from an account (lost access, fraud)."""
    return has_role(user, ADMINISTRATOR)


def can_import_census(user: object) -> bool:
    return has_role(user, ADMINISTRATOR)
