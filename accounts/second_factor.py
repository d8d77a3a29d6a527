"""The second factor for staff: every staff page and action needs a session that passed it.

Under production settings (`DECIDE_REQUIRE_STAFF_MFA`) a staff account (superuser, `is_staff`, or
holding a role) acts as staff only in a session that passed its TOTP second factor. allauth records
each way a session authenticated (`allauth.account.authentication.get_authentication_records`): an
entry with method "mfa" is written when the code is typed at sign-in, at re-authentication, and (by
`record_enrolment` below) when the authenticator is enrolled in this session. Having an authenticator
is not enough: signing in by a path that skipped the code (issue 13) must not count.

Two guards use `staff_mfa_refusal`: `accounts.middleware.StaffMFAMiddleware` sends such a session to
the second factor before any page marked `@staff_page` and anything under the admins; and it marks
the request's user so that `accounts.roles.has_role` holds no role for it, so a staff action reached by
any other route (a form on a public page, the API, a socket) is refused by its own predicate too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication  # allauth's own writer of the records
from allauth.mfa.models import Authenticator
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext as _

from decide.refusals import NotAllowed

from .roles import SECOND_FACTOR_MISSING, is_staff_member

View = TypeVar("View", bound=Callable[..., Any])
STAFF_PAGE = "decide_staff_page"


def staff_page(view: View) -> View:
    """Mark a view as staff-only: under production settings it opens only after the second factor."""
    setattr(view, STAFF_PAGE, True)
    return view


def is_staff_page(view: object) -> bool:
    return bool(getattr(view, STAFF_PAGE, False))


class _SessionHolder:
    """What allauth's record reader needs of a request: its session (a socket's scope has one too)."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session


def second_factor_passed(user: object, session: SessionBase | None) -> bool:
    """This session (not merely this account) passed the TOTP second factor."""
    if session is None or getattr(user, "pk", None) is None:
        return False
    records = get_authentication_records(_SessionHolder(session), user)
    return any(isinstance(record, dict) and record.get("method") == "mfa" for record in records)


class SecondFactorMissing(NotAllowed):
    """A staff session without its second factor: `enrolled` says whether to type a code or set an app up."""

    def __init__(self, *, enrolled: bool) -> None:
        super().__init__(
            _("Type the code from your authenticator app to continue.")
            if enrolled
            else _("Staff accounts need an authenticator app: set one up to continue.")
        )
        self.enrolled = enrolled


def staff_mfa_refusal(user: object, session: SessionBase | None) -> SecondFactorMissing | None:
    """None when this session may act as staff; otherwise the reason, for a staff account without the second factor."""
    if not settings.DECIDE_REQUIRE_STAFF_MFA or not getattr(user, "is_authenticated", False):
        return None
    if second_factor_passed(user, session) or not is_staff_member(user):
        return None
    enrolled = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return SecondFactorMissing(enrolled=enrolled)


def withhold_roles(user: object) -> None:
    """This request's user holds no role until the session passes the second factor (read by `has_role`)."""
    setattr(user, SECOND_FACTOR_MISSING, True)


def record_enrolment(sender: object, *, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any) -> None:
    """Enrolling TOTP proves a code in this session: count it as the second factor, as allauth does at sign-in.

    Receiver of allauth's `authenticator_added` (connected in `accounts.apps`).
    """
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    if getattr(request.user, "pk", None) != user.pk:
        return
    record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk, enrolled=True)


class SocketSecondFactorGuard:
    """ASGI middleware inside Channels' AuthMiddlewareStack: sockets do not pass through the page middleware,
    so a staff session without its second factor is made to hold no role here too (the turnout socket asks)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        required = settings.DECIDE_REQUIRE_STAFF_MFA and user is not None  # no thread hop when off
        if required and await database_sync_to_async(staff_mfa_refusal)(user, scope.get("session")):
            withhold_roles(user)
        return await self.application(scope, receive, send)
