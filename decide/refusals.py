"""One family for every "no" Decide says: the refusal, its HTTP status, and a message in the user's language.

Services and predicates raise a `Refused` subclass; views let it propagate (or catch it to
re-show a form); `decide.middleware.RefusalMiddleware` renders any that escapes a view with
`templates/refused.html` and the refusal's status. The API turns the same exceptions into
JSON with the same status (`decide.api`). In the spirit of Zulip's `JsonableError`.
"""

from __future__ import annotations

from django.utils.functional import Promise


class Refused(Exception):
    """A refused action, with the message the person should read and the HTTP status to answer."""

    status: int = 400

    def __init__(self, message: str | Promise, *, status: int | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if status is not None:
            self.status = status


class NotAllowed(Refused):
    """This person may not do this (now): the predicate said no and gave its reason."""

    status = 403


class NotFound(Refused):
    """There is nothing here this person may see."""

    status = 404


class Conflict(Refused):
    """The action clashes with what is already recorded (a second ballot, a second support)."""

    status = 409


class Invalid(Refused):
    """The input cannot be accepted as sent: fix it and try again."""

    status = 400


class TooLarge(Refused):
    """The request or upload is larger than Decide accepts."""

    status = 413


class RateLimited(Refused):
    """Too many attempts in a short time: wait and try again."""

    status = 429


class Unavailable(Refused):
    """A dependency (database, cache, SMS provider, mail) did not answer in time; the message names it."""

    status = 503
