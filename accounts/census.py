"""Identity documents are never stored: only their keyed hash (HMAC-SHA256 with a secret pepper)."""

from __future__ import annotations

import hashlib
import hmac
import re

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
