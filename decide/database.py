"""Whether a database error means "the database is not answering" (a 503 naming it) or a bug of ours (a 500)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError, connection

# SQLite reports a bad query and a busy file alike (OperationalError): only these mean "not answering".
_SQLITE_UNREACHABLE = ("locked", "busy", "unable to open", "disk i/o", "readonly database")


def database_unreachable(failed: BaseException | None) -> bool:
    """A lost, refused or timed-out connection, a statement or lock timeout: not a bug in a query."""
    if isinstance(failed, InterfaceError):
        return True
    if not isinstance(failed, OperationalError):
        return False
    if connection.vendor == "sqlite":
        return any(words in str(failed).lower() for words in _SQLITE_UNREACHABLE)
    return True
