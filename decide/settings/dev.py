"""Settings for `make run` on one machine: DEBUG on, local secrets kept in `.local-secrets`."""

from __future__ import annotations

import json
import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR


def _local_secrets() -> dict[str, str]:
    """Generate once and keep, so sessions and the census pepper survive restarts."""
    path = BASE_DIR / ".local-secrets.json"
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text())
        return stored
    values = {"SECRET_KEY": secrets.token_urlsafe(50), "CENSUS_PEPPER": secrets.token_urlsafe(32)}
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


_secrets = _local_secrets()
DEBUG = True
SECRET_KEY = _secrets["SECRET_KEY"]
CENSUS_PEPPER = _secrets["CENSUS_PEPPER"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
