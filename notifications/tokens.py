"""Signed one-click unsubscribe links: who, and from which kind ("*" for every email)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes

SALT = "decide.notifications.unsubscribe"


@dataclass(frozen=True)
class UnsubscribeToken:
    user_id: int
    kind: str  # a Kind value, or "*" for every notification email and newsletters


class _KeyedSigner(signing.TimestampSigner):
    """Django's TimestampSigner (same format, same signature) with its HMAC keyed once, not once per value.

    `salted_hmac` derives the HMAC key from the secret and the salt on every call; a batch of 100,000 emails
    signs 100,000 links with one key, so the keyed HMAC is kept and copied for each value.
    """

    def __init__(self) -> None:
        super().__init__(salt=SALT)
        self._second, self._stamp = -1, ""
        self._keyed = salted_hmac(f"{SALT}signer", b"", self.key, algorithm=self.algorithm)

    def timestamp(self) -> str:
        now = int(time.time())
        if now != self._second:  # one base-62 encoding per second, not per link
            self._second, self._stamp = now, super().timestamp()
        return self._stamp

    def signature(self, value: str | bytes, key: str | bytes | None = None) -> str:
        if key is not None and key != self.key:
            return super().signature(value, key)
        mac = self._keyed.copy()
        mac.update(force_bytes(value))
        return signing.b64_encode(mac.digest()).decode()


def unsubscribe_signer() -> signing.TimestampSigner:
    """The signer behind the links, made once per batch of emails; it signs what `signing.dumps(..., salt=SALT)`
    gives and `signing.loads` reads."""
    return _KeyedSigner()


def unsubscribe_token(*, user_id: int, kind: str, signer: signing.TimestampSigner | None = None) -> str:
    # No expiry: a link in a two-year-old email must still work (RFC 8058 asks for it to keep working).
    # Not compressed: [id, kind] is never shorter through zlib, so `signing.dumps(..., compress=True)` gave these
    # same bytes (earlier links read the same), without zlib's cost for every email.
    return (signer or unsubscribe_signer()).sign_object([user_id, kind])


def unsubscribe_token_read(token: str) -> UnsubscribeToken | None:
    try:
        user_id, kind = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return UnsubscribeToken(user_id=user_id, kind=kind)
