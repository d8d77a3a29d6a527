"""Who may do what with the census and verification, and the account state every app's predicates compose.

`account_refusal(user, need=...)` is the one check of an account's state (signed in,
active, not blocked, email confirmed, verified against the census); app predicates
call it and may put its reason in their own words (`AccountRefusal`).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, TypeAlias

from allauth.account.models import EmailAddress
from django.utils.translation import gettext as _

from .roles import ADMINISTRATOR, OFFICER, has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

# Whoever acts on a page, socket or API route: a signed-in account or a visitor. Every predicate takes one.
Actor: TypeAlias = "User | AnonymousUser"


class AccountNeed(enum.IntEnum):
    """How far an account must have come to act: each level includes the ones before it."""

    SIGNED_IN = 1  # signed in, active, not blocked
    CONFIRMED = 2  # and a confirmed email address
    VERIFIED = 3  # and bound to a census record (verification required a confirmed email)


class AccountRefusal(enum.Enum):
    """Which state of the account stands in the way; `message` is the words when an app has none of its own."""

    SIGNED_OUT = "signed_out"
    BLOCKED = "blocked"
    UNCONFIRMED = "unconfirmed"
    UNVERIFIED = "unverified"

    @property
    def message(self) -> str:
        return {
            AccountRefusal.SIGNED_OUT: _("Sign in first."),
            AccountRefusal.BLOCKED: _("Your account has been blocked by the moderators."),
            AccountRefusal.UNCONFIRMED: _("Confirm your email address first."),
            AccountRefusal.UNVERIFIED: _("Only verified citizens can do this. Verify your identity first."),
        }[self]


def email_confirmed(user: Actor) -> bool:
    """The account has a confirmed email address (one query per user object: cached on it)."""
    cached: bool | None = getattr(user, "_decide_email_confirmed", None)
    if cached is None:
        cached = bool(user.pk) and EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()
        setattr(user, "_decide_email_confirmed", cached)  # noqa: B010 - a cache slot on the request's user
    return cached


def account_refusal(user: Actor | None, *, need: AccountNeed = AccountNeed.SIGNED_IN) -> AccountRefusal | None:
    """What in the account's state stops `user` from acting at level `need`, or None when nothing does."""
    if user is None or not user.is_authenticated or not user.is_active:
        return AccountRefusal.SIGNED_OUT
    if getattr(user, "blocked_at", None) is not None:
        return AccountRefusal.BLOCKED
    if need >= AccountNeed.VERIFIED:
        return AccountRefusal.UNVERIFIED if getattr(user, "census_record_id", None) is None else None
    # An identity checked against the census (online after email confirmation, or in person at a desk
    # for people without email) is at least as good as a confirmed email.
    verified = getattr(user, "census_record_id", None) is not None
    if need >= AccountNeed.CONFIRMED and not verified and not email_confirmed(user):
        return AccountRefusal.UNCONFIRMED
    return None


def is_active_citizen(user: Actor | None) -> bool:
    """Signed in, active, not blocked."""
    return account_refusal(user) is None


def is_confirmed_citizen(user: Actor | None) -> bool:
    """Signed in, active, not blocked, with a confirmed email address: may propose, comment, flag."""
    return account_refusal(user, need=AccountNeed.CONFIRMED) is None


def is_verified_citizen(user: Actor | None) -> bool:
    """A signed-in, active, unblocked account bound to a census record: may support and vote."""
    return account_refusal(user, need=AccountNeed.VERIFIED) is None


def can_verify_self(user: Actor) -> bool:
    """A citizen with a confirmed email, not yet verified and not blocked, may verify against the census."""
    return is_confirmed_citizen(user) and getattr(user, "census_record_id", None) is None


def can_assist_verification(user: object) -> bool:
    """Officers verify people in person, at a booth or an office."""
    return has_role(user, OFFICER)


def can_unbind(user: object) -> bool:
    """Administrators release a census record from an account (lost access, fraud)."""
    return has_role(user, ADMINISTRATOR)


def can_import_census(user: object) -> bool:
    return has_role(user, ADMINISTRATOR)


def can_read_audit_log(user: object) -> bool:
    """Administrators read the audit log (moderators' and officers' actions are in it: they do not)."""
    return has_role(user, ADMINISTRATOR)
