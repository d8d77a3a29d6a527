"""Fault injection, database: PostgreSQL that accepts connections and never answers, or holds a lock.

Issue 13, item 7: before, every request (and /healthz) hung about 31 s until the worker was killed.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.security.faults import Blackhole, probe


def test_healthz_and_pages_answer_503_naming_the_database_when_postgres_never_answers() -> None:
    with Blackhole() as postgres:
        healthz, page = probe(
            ["/healthz", "/polls/"], {"DATABASE_URL": f"postgres://decide@127.0.0.1:{postgres.port}/decide"}
        )

    assert healthz["status"] == 503
    assert healthz["seconds"] < 5  # HEALTH_CHECK_TIMEOUT (3 s), not the 31 s of a killed worker
    assert str(healthz["body"]).startswith('{"database": "error')
    assert page["status"] == 503
    assert page["seconds"] < 8  # DB_CONNECT_TIMEOUT (5 s)
    assert "La base de datos no responde" in str(page["body"])
    assert "Traceback" not in str(page["body"])


def test_page_hitting_a_sqlite_database_that_cannot_be_opened_is_a_503_page(tmp_path: object) -> None:
    (page,) = probe(["/polls/"], {"DATABASE_URL": "", "SQLITE_PATH": "/nonexistent-dir/decide.sqlite3"})

    assert page["status"] == 503
    assert "La base de datos no responde" in str(page["body"])


@pytest.fixture
def table_locked() -> Iterator[None]:
    """Another session holds an exclusive lock on the polls table (a long migration, a stuck backup)."""
    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or None,
        autocommit=False,
    ) as other:
        other.execute("LOCK TABLE votes_poll IN ACCESS EXCLUSIVE MODE")
        yield
        other.rollback()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_page_waiting_on_a_lock_gives_up_with_a_503_naming_the_database(table_locked: None) -> None:
    response = Client(raise_request_exception=False).get("/polls/")

    assert response.status_code == 503
    assert "La base de datos no responde" in response.content.decode()
    assert response["Retry-After"] == "30"


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_postgres_session_has_statement_lock_and_idle_timeouts() -> None:
    with connection.cursor() as cursor:
        found = {}
        for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"):
            cursor.execute(f"SHOW {name}")
            found[name] = cursor.fetchone()[0]

    # The suite raises the idle-in-transaction limit (decide/settings/test.py: a browser renders inside a test's
    # transaction); production keeps 60 s, which base.postgres_session_options gives by default.
    idle = f"{int(settings.DB_IDLE_IN_TRANSACTION_TIMEOUT_S // 60)}min"
    assert found == {"statement_timeout": "15s", "lock_timeout": "5s", "idle_in_transaction_session_timeout": idle}
    assert idle != "0min"
