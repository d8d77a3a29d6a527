"""Production: every secret from the environment, HTTPS, MFA for staff.

Required: SECRET_KEY, CENSUS_PEPPER, ALLOWED_HOSTS; usually DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
for _name in ("SECRET_KEY", "CENSUS_PEPPER"):
    if len(os.environ.get(_name, "")) < 32:
        raise ImproperlyConfigured(f"{_name} must be set in the environment (at least 32 characters).")
SECRET_KEY = os.environ["SECRET_KEY"]
# Rotation (docs/operations.md): the new key signs, the old ones listed here still verify until removed.
SECRET_KEY_FALLBACKS = [key for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key.strip()]
CENSUS_PEPPER = os.environ["CENSUS_PEPPER"]

DECIDE_REQUIRE_STAFF_MFA = env_bool("DECIDE_REQUIRE_STAFF_MFA", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# One JSON object per log line for the log collector (LOG_FORMAT=text for reading in a terminal).
LOGGING["handlers"]["console"]["formatter"] = os.environ.get("LOG_FORMAT", "json")  # type: ignore[index]  # noqa: F405 - a dict of base
