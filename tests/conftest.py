"""Fixtures shared by the whole suite; factories live in tests/factories.py."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.districts import districts_load
from accounts.models import User
from tests.factories import UserFactory
from tests.support.sms_provider import INBOUND_SECRET, FakeSmsProvider

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
ON_REDIS = bool(os.environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://...")
    for item in items:
        # A plain transactional test flushes and re-emits post_migrate (content types come back),
        # which breaks the next serialized test's restore: every transactional test serializes.
        db_marker = item.get_closest_marker("django_db")
        if db_marker and db_marker.kwargs.get("transaction") and not db_marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)")
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not ON_REDIS:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """One fixed moment for django-ratelimit, so a test that counts requests up to a limit cannot fail by time.

    The limiter counts in fixed windows (a minute, an hour) whose ends fall anywhere, jittered per key:
    a slow run (CI's took 28 minutes) can cross one mid-test, the count starts again, and the request that
    should be refused passes. The limit itself, keys and counting are untouched.
    """
    frozen = time.time()
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: frozen))


@pytest.fixture
def listable_cache(settings: Any) -> None:
    """A local-memory cache whose stored entries a test may list (`cache._cache`), whatever the pass.

    For the few tests that read what was stored; the same code runs on Redis in the rest of their module.
    """
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()  # local-memory caches of one name share their store across tests


@pytest.fixture
def english(settings: Any) -> None:
    """Pages in the source language, whatever translations are compiled: tests read English words.

    Use it per module with `pytestmark = pytest.mark.usefixtures("english")`.
    """
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def citizen(db: None) -> User:
    return UserFactory()


@pytest.fixture
def citizen_client(citizen: User) -> Client:
    client = Client()
    client.force_login(citizen)
    return client


@pytest.fixture
def sms_provider(settings: Any) -> Iterator[FakeSmsProvider]:
    """The real HTTP SMS backend, pointed at a local fake provider (tests/support/sms_provider.py)."""
    provider = FakeSmsProvider().start()
    settings.SMS_GATEWAY = "accounts.sms.http.HttpSMSGateway"
    settings.SMS_HTTP_URL = provider.url
    settings.SMS_HTTP_TOKEN = "test-token"
    settings.SMS_HTTP_TIMEOUT = 1.0
    settings.SMS_INBOUND_SECRET = INBOUND_SECRET
    yield provider
    provider.stop()


@pytest.fixture
def la_libertad(db: None) -> None:
    """The districts of La Libertad (Peru), as the census and verification need them."""
    districts_load()
