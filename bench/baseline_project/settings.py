"""Django's `startproject` defaults (default middleware): the fair references of the HTTP figures.

- `/`: a view that does nothing. Served by gunicorn with 2 sync workers, it is the ceiling a
  Django page can reach on this machine, whatever stack Decide itself uses.
- `/ballot/`, `/ballot/confirm/`: the same three-request shape as Decide's ballot with nothing
  of Decide in it (a signed-in session in the database, a GET form, a POST review, a POST confirm
  doing one durable INSERT under a unique constraint, a plain template each). It needs
  `BASELINE_DATABASE_URL` (PostgreSQL; `bench.fig_http` creates and migrates its own database).
"""

import os
from urllib.parse import unquote, urlsplit

SECRET_KEY = "bench-baseline-not-secret"  # noqa: S105 - a local benchmark project
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "bench.baseline_project",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.baseline_project.urls"
WSGI_APPLICATION = "bench.baseline_project.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _database(url: str) -> dict[str, object]:
    if not url:  # the do-nothing view never touches a database; the default apps expect one
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # What Decide's production settings do too: one connection per worker, kept.
        "CONN_MAX_AGE": 60,
    }


DATABASES = {"default": _database(os.environ.get("BASELINE_DATABASE_URL", ""))}
USE_TZ = True
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
