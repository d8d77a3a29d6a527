from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from decide.settings.base import database_from_env

ROOT = Path(__file__).resolve().parents[2]


def test_no_database_url_means_sqlite_in_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env()
    assert config["ENGINE"] == "django.db.backends.sqlite3"


def test_postgres_url_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://decide:secret@db.internal:5432/decide")
    config = database_from_env()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"], config["CONN_MAX_AGE"]) == ("db.internal", "decide", 60)


@pytest.mark.parametrize("url", ["nonsense://", "postgres//missing-colon", "mysql"])
def test_malformed_database_url_is_a_clear_start_up_error(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_env()


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_manage_py_says_what_is_wrong_without_a_traceback() -> None:
    result = _manage("check", DATABASE_URL="nonsense://")
    assert result.returncode == 2
    assert "Decide cannot start: DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_refuse_to_start_without_secrets() -> None:
    result = _manage("check", DJANGO_SETTINGS_MODULE="decide.settings.production", SECRET_KEY="", CENSUS_PEPPER="")
    assert result.returncode == 2
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="decide.settings.production",
        SECRET_KEY="k" * 40 + "Zq9!xV2#mT7$",
        CENSUS_PEPPER="p" * 40,
        ALLOWED_HOSTS="decide.example.org",
    )
    assert result.returncode == 0, result.stderr
