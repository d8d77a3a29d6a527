"""Settings for `make run` on one machine: local secrets kept in `.local-secrets`.

DEBUG is off: the demo shows the site as people meet it, its own "page not found" and error pages
rather than Django's debug pages (issue 17). `DEBUG=1 make run` turns Django's debug pages on.
"""

from __future__ import annotations

import json
import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, env_bool


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
DEBUG = env_bool("DEBUG", False)
# Uploaded files (the logo, documents) served by Django itself on one machine, DEBUG or not.
SERVE_MEDIA = True
SECRET_KEY = _secrets["SECRET_KEY"]
CENSUS_PEPPER = _secrets["CENSUS_PEPPER"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
