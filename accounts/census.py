"""Identity documents are never stored: only their keyed hash (HMAC-SHA256 with a secret pepper)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_SEPARATORS = re.compile(r"[\s.\-_/]+")


def normalise_document(number: str) -> str:
    """'12.345.678-k ' and '12345678K' are the same document."""
    return _SEPARATORS.sub("", number).upper()


def document_hash(number: str) -> str:
    pepper = settings.CENSUS_PEPPER
    if not pepper:
        raise ImproperlyConfigured("CENSUS_PEPPER is not set: the census cannot be read or written.")
    digest = hmac.new(pepper.encode(), normalise_document(number).encode(), hashlib.sha256)
    return digest.hexdigest()


def document_hasher() -> Callable[[str], str]:
    """document_hash for numbers already normalised, keyed once: an import hashes a million numbers.

    Copying a keyed HMAC skips re-deriving the key pads for every number.
    """
    pepper = settings.CENSUS_PEPPER
    if not pepper:
        raise ImproperlyConfigured("CENSUS_PEPPER is not set: the census cannot be read or written.")
    keyed = hmac.new(pepper.encode(), digestmod=hashlib.sha256)

    def digest(normalised: str) -> str:
        mac = keyed.copy()
        mac.update(normalised.encode())
        return mac.hexdigest()

    return digest
