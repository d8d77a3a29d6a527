"""Signed one-click unsubscribe links: who, and from which kind ("*" for every email)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "decide.notifications.unsubscribe"


@dataclass(frozen=True)
class UnsubscribeToken:
    user_id: int
    kind: str  # a Kind value, or "*" for every notification email and newsletters


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    # No expiry: a link in a two-year-old email must still work (RFC 8058 asks for it to keep working).
    return signing.dumps([user_id, kind], salt=SALT, compress=True)


def unsubscribe_token_read(token: str) -> UnsubscribeToken | None:
    try:
        user_id, kind = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return UnsubscribeToken(user_id=user_id, kind=kind)
