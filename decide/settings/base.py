"""Settings shared by every environment, read from the environment.

With nothing set, Decide runs on the embedded default: SQLite in the project
folder and the in-memory channel layer. `DATABASE_URL` (postgres://...) and
`REDIS_URL` switch to PostgreSQL and Redis (channel layer and cache).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {value!r}.") from exc


# A database that accepts connections but does not answer must cost a request seconds, not a worker:
# every PostgreSQL session is opened with these limits (0 turns one off). Long jobs (the census
# import) raise theirs for their own session or transaction.
DB_CONNECT_TIMEOUT_S = env_seconds("DB_CONNECT_TIMEOUT", 5)
DB_STATEMENT_TIMEOUT_S = env_seconds("DB_STATEMENT_TIMEOUT", 15)
DB_LOCK_TIMEOUT_S = env_seconds("DB_LOCK_TIMEOUT", 5)
DB_IDLE_IN_TRANSACTION_TIMEOUT_S = env_seconds("DB_IDLE_IN_TRANSACTION_TIMEOUT", 60)


def postgres_session_options() -> str:
    """The `options` startup parameter: server-side timeouts for every statement of the session."""
    limits = {
        "statement_timeout": DB_STATEMENT_TIMEOUT_S,
        "lock_timeout": DB_LOCK_TIMEOUT_S,
        "idle_in_transaction_session_timeout": DB_IDLE_IN_TRANSACTION_TIMEOUT_S,
    }
    return " ".join(f"-c {name}={int(seconds * 1000)}" for name, seconds in limits.items() if seconds > 0)


def database_from_env() -> dict[str, Any]:
    """Parse DATABASE_URL, failing at start-up with a message (not a traceback deep in a request)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Writers wait for the lock (busy timeout) instead of failing at once under concurrent requests.
            "OPTIONS": {"timeout": env_seconds("SQLITE_BUSY_TIMEOUT", 20), "transaction_mode": "IMMEDIATE"},
        }
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a valid database URL ({exc}). Expected e.g. postgres://user:password@host:5432/dbname"
        ) from exc
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL must name a database engine and a database name.")
    if "postgresql" in str(config["ENGINE"]):
        options: dict[str, Any] = dict(config.get("OPTIONS") or {})
        if DB_CONNECT_TIMEOUT_S > 0:
            options.setdefault("connect_timeout", max(int(DB_CONNECT_TIMEOUT_S), 2))  # libpq's minimum is 2 s
        session = postgres_session_options()
        if session:
            # Values given in DATABASE_URL's own ?options= come last and win.
            options["options"] = f"{session} {options.get('options', '')}".strip()
        config["OPTIONS"] = options
    return config


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "decide",
    "accounts",
    "notifications",
    "cms",
    "proposals",
    "legislation",
    "votes",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "decide.apps.SuperuserAdminConfig",  # the Django admin: superusers only, no login form of its own
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # Outermost: one JSON line per request with its id, and the latency histogram of /metrics.
    "decide.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A body over its limit gets a 413 page before anything reads it (not a reset connection).
    "decide.limits.RequestSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp, with the admin policy below for /admin/ and /django-admin/ (decide.csp).
    "decide.csp.SiteCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Turns django-ratelimit's Ratelimited into RATELIMIT_VIEW: a 429 page with words.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Renders a decide.refusals.Refused escaping a view: one page, the refusal's status, its words.
    "decide.middleware.RefusalMiddleware",
    # Innermost: anonymous pages marked by their views from the shared cache (decide/cache_pages.py).
    "decide.cache_pages.AnonymousPageCacheMiddleware",
]
# How long an anonymous page may be served from the cache at most: writes announced by an event
# drop it at once; this bounds what no event announces (a phase opening by the clock).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))

ROOT_URLCONF = "decide.urls"
WSGI_APPLICATION = "decide.wsgi.application"
ASGI_APPLICATION = "decide.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {"default": database_from_env()}
# Covering indexes (Index(include=...)) serve PostgreSQL; SQLite ignores the extra columns, as it may.
# Without this the embedded default printed the same warning at every `make run` and command.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CHANNEL_LAYERS: dict[str, Any] = {
        "default": {
            # Pub/sub layer: group sends fan out through Redis PUBLISH, which the
            # benchmarks found far cheaper than the list-based RedisChannelLayer.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": os.environ.get("CHANNEL_PREFIX", "decide")},
        }
    }
    CACHES: dict[str, Any] = {
        "default": {
            # RedisCache that logs and degrades to a miss when Redis is down or slow (decide/cache.py).
            "BACKEND": "decide.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "decide"),
            "OPTIONS": {
                "socket_connect_timeout": env_seconds("REDIS_CONNECT_TIMEOUT", 0.5),
                "socket_timeout": env_seconds("REDIS_TIMEOUT", 0.5),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: email is the identity; confirmation is mandatory before sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Adds the language of the messages the person will receive (notifications) to the sign-up form.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupLanguageForm"
# The model keeps AbstractUser.username (unique): allauth fills it from the email, so signups never collide on "".
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Subjects start with the site's name as the administrators set it (accounts.adapter.format_email_subject).
ACCOUNT_EMAIL_SUBJECT_PREFIX = None
# allauth names a person by their public name (pages, emails), never by the username it made from the email.
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
# Client address through trusted proxies only; failed sign-ins counted per account AND client address.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Decide"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
# Staff must enrol MFA before using the admin (enforced by accounts.middleware under production).
DECIDE_REQUIRE_STAFF_MFA = env_bool("DECIDE_REQUIRE_STAFF_MFA", False)

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "es")
LANGUAGES = [("es", _("Spanish")), ("en", _("English")), ("fr", _("French"))]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Lima")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Overridable so that two test runs side by side (CI's SQLite and PostgreSQL passes) never collect into one folder.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Forms without files: the largest is a pasted bill text. Bigger bodies get a 413 page (decide/limits.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
# Uploads (multipart): a census file of a million rows is about 40 MB. Files over 2.5 MB go to a temporary file.
DECIDE_MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(200 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A refused body up to this size is read and dropped so the browser sees the 413 page; larger ones are cut off.
DECIDE_DRAIN_MAX_BYTES = int(os.environ.get("DRAIN_MAX_BYTES", str(32 * 1024 * 1024)))
# A refused value far over its field's limit is re-shown cut to the limit, not echoed whole (decide/forms.py).
FORM_RENDERER = "decide.forms.BoundedEchoRenderer"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# A mail server that hangs fails the delivery (retried later) instead of holding the worker.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))

# Background work. "default" keeps Wagtail's own small tasks inline as before; "background" is the
# database queue that `manage.py worker` (started by `make run`) works through:
# notification fan-out and delivery, newsletters, census imports.
TASKS: dict[str, Any] = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {
        # django-tasks-db's backend that also stores the enqueuing request's id (decide.taskqueue).
        "BACKEND": os.environ.get("BACKGROUND_TASKS_BACKEND", "decide.taskqueue.TracedDatabaseBackend"),
        "QUEUES": ["default", "notifications", "census"],
    },
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Decide <no-reply@decide.local>")

WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Decide La Libertad")
# Where emails and SMS read the site's name (decide/site_name.py): the identity set in the admin.
SITE_NAME_SOURCE = "cms.identity.current_identity"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "json"]
# One sign-in and one password-reset path (allauth's): Wagtail's own reset form is off.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"  # private pages send visitors to allauth's form
# No avatars fetched from an outside service (it would learn who opens the admin, and the CSP forbids it).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor a version check from the admin's browser to releases.wagtail.org (the admin CSP blocks it; Chromium test).
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Strict Content Security Policy: no inline scripts, no third parties.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# The admins (Wagtail's and Django's) set inline styles: allowed there, and nothing else relaxed.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    },
}

# The census pepper keys the HMAC of identity documents; losing it orphans the census.
CENSUS_PEPPER = os.environ.get("CENSUS_PEPPER", "")
# Published statistics cells smaller than this are suppressed (site settings may raise it).
STATS_SUPPRESSION_THRESHOLD = int(os.environ.get("STATS_SUPPRESSION_THRESHOLD", "10"))


def env_rate(name: str, default: str) -> str:
    """A django-ratelimit rate ("5/h", "30/10m"), checked at start-up rather than at the first request."""
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"\d+/\d*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 5/h or 30/10m, not {value!r}.")
    return value


# Census verification: attempts per account and per client address, and the optional SMS code step (SMS_GATEWAY).
CENSUS_VERIFY_RATE_USER = env_rate("CENSUS_VERIFY_RATE_USER", "5/h")
CENSUS_VERIFY_RATE_IP = env_rate("CENSUS_VERIFY_RATE_IP", "30/h")
CENSUS_VERIFY_SMS = env_bool("CENSUS_VERIFY_SMS", False)
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "accounts.sms.console.ConsoleSMSGateway")
# The HTTP provider (accounts.sms.http.HttpSMSGateway): where to post, its token, the secret signing inbound texts.
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
SMS_HTTP_TIMEOUT = float(os.environ.get("SMS_HTTP_TIMEOUT", "5"))
SMS_INBOUND_SECRET = os.environ.get("SMS_INBOUND_SECRET", "")
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_VIEW = "decide.views.rate_limited"
# Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges); the shipped nginx reaches the
# app over loopback. Every rate limit (django-ratelimit, allauth) keys on decide.addresses.client_address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
RATELIMIT_IP_META_KEY = "decide.addresses.client_address"
# With the cache unreachable, limits let requests through (and the outage is logged and on /healthz):
# see decide/cache.py for why open, not closed.
RATELIMIT_FAIL_OPEN = env_bool("RATELIMIT_FAIL_OPEN", True)
# Each /healthz check (database, cache, channel layer) answers within this, or is reported as not answering.
HEALTH_CHECK_TIMEOUT_S = env_seconds("HEALTH_CHECK_TIMEOUT", 3)

# Every log line carries the id of the request (or task) it belongs to. LOG_FORMAT=json (the
# production default) writes one JSON object per line for the log collector; "text" reads better in a terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "decide.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # One line per request, decide.request's (with its request id): Django's own console handler
        # (DEBUG only) printed its records a second time, unformatted, before they reached the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # Its 4xx warnings ("Not Found: /x") repeat decide.request's line; errors (5xx, tracebacks) stay.
        "django.request": {"level": "ERROR"},
        # The development server's access line repeats decide.request's too.
        "django.channels.server": {"level": "ERROR"},
        # Wagtail's background tasks log every page save at INFO: noise in demo seeding and tests.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "decide.views.csrf_failure"

# /metrics (Prometheus) answers only these client addresses or networks (as seen through the trusted proxies).
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")
# Read from the database at each scrape; each app names its own collector (nothing imports upward).
METRICS_COLLECTORS = [
    "decide.metrics.TaskQueueCollector",
    "decide.metrics.WorkerHeartbeatCollector",
    "votes.metrics.BallotCollector",
]
# /healthz fails when no task worker has beaten for this long (seconds); 0 leaves the worker out of the check.
TASK_WORKER_STALE_AFTER = int(os.environ.get("TASK_WORKER_STALE_AFTER", "60"))
