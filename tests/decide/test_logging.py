"""The console says each thing once: one line per request, and no warning that does not concern the site."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_a_request_is_logged_once(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        client.get("/no-such-page-here/")
    lines = [record for record in caplog.records if "/no-such-page-here/" in record.getMessage()]
    assert [record.name for record in lines] == ["decide.request"]


def test_no_logger_under_django_prints_on_its_own() -> None:
    """Django's default console handler (DEBUG only) printed every record a second time, under `make run`."""
    for name in ("django", "django.request", "django.server", "django.channels.server"):
        logger = logging.getLogger(name)
        assert not [h for h in logger.handlers if isinstance(h, logging.StreamHandler)] or not logger.propagate, name


@pytest.mark.django_db
def test_the_system_check_is_quiet_on_the_embedded_default() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the covering-index warning concerns SQLite only")
    out, err = io.StringIO(), io.StringIO()
    call_command("check", stdout=out, stderr=err)
    assert "W040" not in out.getvalue() + err.getvalue()
    assert "no issues" in out.getvalue()
