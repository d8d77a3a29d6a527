"""Anonymous pages from the shared cache, dropped by the events Decide publishes after commit.

Why Django's cache framework and not Wagtail's frontend cache: Wagtail's frontend cache purges
URLs in a proxy or CDN (Varnish, Cloudflare, CloudFront) that Decide does not run, and a write
here changes many URLs at once (a process's list in every sort, filter, page and language), which
a purge by URL cannot name. Every page also carries a CSRF token (the language form), different
per visitor, which a proxy cannot fill in. So the cache is Django's (Redis in production, shared
by every web process and host; locmem in the embedded default), per view, keyed by what the
visitor asked for, and validated by version tokens:

- A page a view marks with `depends_on(request, scope, ...)` is stored when it was rendered for a
  request with no cookie but the CSRF and language ones (no session, no messages, nobody signed
  in), answered 200 with no cookie of its own and nothing private. The key is the host, scheme,
  path with query string, and the language the page was rendered in.
- Each scope ("site", "process.12", "proposal.345", "poll.6", "legislation.7"…) has a version
  token in the cache. A page stores the tokens its scopes had BEFORE its data was read; a hit
  compares them with today's in one `get_many`, so a write that commits while the page renders
  leaves it already stale, never wrongly fresh.
- Writes change the tokens after commit: every live event (`decide.live.publish.send_after_commit`)
  touches its group's scope, proposals touch their process's too, and Wagtail publishing touches
  "site", which every cached page depends on. A new comment, support, status or result is on the
  next load. `PAGE_CACHE_SECONDS` bounds what no event announces (phases opening by the clock).
- The CSRF token is never stored: each masked token of the visitor's secret is cut out of the
  page before it is cached and a fresh one for each visitor goes back in on every hit (the
  CsrfViewMiddleware then sets that visitor's cookie as it would for a rendered page).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware import csrf
from django.middleware.csrf import get_token
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

SITE_SCOPE = "site"
# What the home page lists besides its own pages: open votes, processes' phases, proposals that just
# qualified. Touched by status changes and results, not by every comment or support.
HOME_SCOPE = "home"
# Cut out of a page where a visitor's CSRF token was (never appears in HTML: a private-use character).
HOLE = "\ue000csrf\ue000".encode()
# A masked CSRF token: 64 characters of Django's alphabet, not part of a longer run.
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# Django's own unmasking of a form token (private, and missing from the stubs): one definition of a token.
_unmask_cipher_token: Callable[[str], str] = csrf._unmask_cipher_token  # type: ignore[attr-defined]
_DEPS = "_page_cache_deps"
_OPTED_IN = "_page_cache_opted_in"
_NEVER_CACHED = ("private", "no-store", "no-cache", "max-age=0")
# Headers rebuilt for each response: never replayed from the cache.
_NOT_STORED = {"set-cookie", "content-length", "x-page-cache"}


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 60))


def _version_key(scope: str) -> str:
    return f"pagever:{scope}"


def touch(*scopes: str) -> None:
    """Give each scope a new version token: every cached page that depends on one is stale from now on."""
    tokens = {_version_key(scope): secrets.token_hex(8) for scope in scopes}
    try:
        cache.set_many(tokens, timeout=None)
    except Exception:  # a cache outage must not fail a committed write; pages expire within PAGE_CACHE_SECONDS
        logger.exception("page cache versions of %s not changed", scopes)


def touch_after_commit(*scopes: str) -> None:
    """Call inside the transaction of a write: the scopes' cached pages go stale once it commits."""
    transaction.on_commit(lambda: touch(*scopes))


def depends_on(request: HttpRequest, *scopes: str) -> None:
    """Mark the page being rendered as cacheable for anonymous visitors, stale when any scope changes.

    Call it before reading the data the page shows. A no-op for requests that are not
    cached (signed-in people, POSTs), so it costs nothing there.
    """
    deps: dict[str, str] | None = getattr(request, _DEPS, None)
    if deps is None:
        return
    setattr(request, _OPTED_IN, True)
    keys = [_version_key(scope) for scope in scopes if _version_key(scope) not in deps]
    if keys:
        deps.update(_current_versions(keys, create=True))
        if any(key not in deps for key in keys):
            setattr(request, _DEPS, None)  # the cache is not answering: do not store this page


def _current_versions(keys: list[str], *, create: bool) -> dict[str, str]:
    versions: dict[str, str] = cache.get_many(keys)
    missing = [key for key in keys if key not in versions]
    if missing and create:
        # A scope never written yet (or evicted) gets a token now; add() keeps a concurrent writer's.
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)
        versions.update(cache.get_many(missing))
    return versions


def _candidate(request: HttpRequest) -> bool:
    """A GET from someone who holds no session, no messages, no credentials: what every such visitor sees alike."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return set(request.COOKIES) <= allowed


def _page_key(request: HttpRequest) -> str:
    language = getattr(request, "LANGUAGE_CODE", None) or get_language() or ""
    raw = "|".join((request.scheme or "", request.get_host(), language, request.get_full_path()))
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cut_csrf_tokens(request: HttpRequest, content: bytes) -> bytes | None:
    """The page with each of this visitor's CSRF tokens replaced by a hole, or None if the secret shows otherwise."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content

    def cut(match: re.Match[bytes]) -> bytes:
        token = match.group(0).decode()
        return HOLE if _unmask_cipher_token(token) == secret else match.group(0)

    cut_content = _TOKEN.sub(cut, content)
    return None if secret.encode() in cut_content else cut_content


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    storage = getattr(request, "_messages", None)
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and isinstance(response, HttpResponse)
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in _NEVER_CACHED)
        and not (user is not None and user.is_authenticated)
        and not (session is not None and session.modified)
        and not (storage is not None and getattr(storage, "added_new", False))
    )


class AnonymousPageCacheMiddleware:
    """Serves and stores the pages views mark with `depends_on`, for visitors without a session.

    Innermost in MIDDLEWARE: on a hit, every outer middleware still adds its own per-response
    headers (security, CSP, frame options, the CSRF cookie of this visitor).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not getattr(settings, "PAGE_CACHE_ENABLED", True) or not _candidate(request):
            return self.get_response(request)
        key = _page_key(request)
        hit = self._hit(request, key)
        if hit is not None:
            return hit
        # The site's version is read before anything of the page is: a page publication
        # committing during this render leaves the stored page stale, never wrongly fresh.
        site = _current_versions([_version_key(SITE_SCOPE)], create=True)
        setattr(request, _DEPS, dict(site) if site else None)
        response = self.get_response(request)
        deps: dict[str, str] | None = getattr(request, _DEPS, None)
        if deps and getattr(request, _OPTED_IN, False) and _storable(request, response):
            self._store(request, response, key, deps)
        return response

    def _store(self, request: HttpRequest, response: HttpResponseBase, key: str, deps: dict[str, str]) -> None:
        assert isinstance(response, HttpResponse)
        content = _cut_csrf_tokens(request, response.content)
        if content is None:
            return
        record: dict[str, Any] = {
            "deps": deps,
            "content": content,
            "status": response.status_code,
            "headers": [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED],
        }
        cache.set(key, record, page_cache_seconds())
        _remember_scopes(key, deps)
        response["X-Page-Cache"] = "miss"

    def _hit(self, request: HttpRequest, key: str) -> HttpResponse | None:
        """The stored page if every scope it depends on is unchanged: ONE cache round trip once the scopes are known."""
        scope_keys = _scopes_of_page.get(key)
        if scope_keys is None:
            record: dict[str, Any] | None = cache.get(key)
            versions = None
        else:
            found = cache.get_many([key, *scope_keys])
            record = found.pop(key, None)
            versions = found
        if record is None:
            return None
        deps: dict[str, str] = record["deps"]
        if versions is None or set(deps) != set(scope_keys or ()):
            versions = _current_versions(list(deps), create=False)
        _remember_scopes(key, deps)
        if versions != deps:
            return None
        content: bytes = record["content"]
        if HOLE in content:
            parts = content.split(HOLE)
            content = parts[0] + b"".join(get_token(request).encode() + part for part in parts[1:])
        response = HttpResponse(content, status=record["status"])
        for name, value in record["headers"]:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response


# Which scopes each page depends on, remembered per process: a hit then reads the page and its scopes'
# versions in one get_many. Only a hint (the stored record's own scopes decide); bounded.
_scopes_of_page: dict[str, tuple[str, ...]] = {}
_REMEMBERED_PAGES = 20_000


def _remember_scopes(key: str, deps: dict[str, str]) -> None:
    if len(_scopes_of_page) >= _REMEMBERED_PAGES:
        _scopes_of_page.clear()
    _scopes_of_page[key] = tuple(deps)


def _touch_site(**_kwargs: Any) -> None:
    touch_after_commit(SITE_SCOPE)


def _touch_site_on_change(sender: Any, instance: Any, **_kwargs: Any) -> None:
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page

    if isinstance(instance, Page | BaseSiteSetting | BaseGenericSetting):
        touch_after_commit(SITE_SCOPE)


def connect_signals() -> None:
    """Wagtail's own writes (publishing, moving, deleting pages; site settings) touch the "site" scope.

    Editors write through Wagtail's admin, not through a Decide service, so its signals are
    the only place these writes can be heard.
    """
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_touch_site, dispatch_uid="page-cache-published")
    page_unpublished.connect(_touch_site, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(_touch_site, dispatch_uid="page-cache-moved")
    post_delete.connect(_touch_site_on_change, dispatch_uid="page-cache-deleted")
    post_save.connect(_touch_site_on_change, dispatch_uid="page-cache-saved")


# --- fragments of pages that are not cached whole (signed-in people's) ----------------------------


def fragment_get(scope: str, key: str) -> tuple[str | None, Any]:
    """The scope's version now and what `key` holds if it was stored at that version, in one round trip.

    Returns (None, None) when the cache does not answer or is turned off: the caller renders and does not store.
    """
    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return None, None
    version_key = _version_key(scope)
    found = cache.get_many([version_key, key])
    version: str | None = found.get(version_key)
    if version is None:
        return _current_versions([version_key], create=True).get(version_key), None
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
        return version, stored[1]
    return version, None


def fragment_set(key: str, version: str, value: Any) -> None:
    cache.set(key, (version, value), page_cache_seconds())


def cut_csrf_tokens(request: HttpRequest, content: str) -> str | None:
    """A fragment without the viewer's CSRF tokens (holes instead), or None if it shows their secret otherwise."""
    cut = _cut_csrf_tokens(request, content.encode())
    return None if cut is None else cut.decode()


def fill_csrf_holes(request: HttpRequest, content: str) -> str:
    """A stored fragment with a fresh CSRF token of this viewer in each hole."""
    hole = HOLE.decode()
    if hole not in content:
        return content
    parts = content.split(hole)
    return parts[0] + "".join(get_token(request) + part for part in parts[1:])
