"""API fuzzing: schemathesis against /api/v1/openapi.json, in-process through the WSGI app.

Every operation of the open-data API gets generated requests (valid and invalid parameters,
odd numbers, huge pages, unknown ids) over a small site with something in every state: 0 server
errors, and every status and body as the OpenAPI document declares them.
A bounded number of examples per operation (FUZZ_EXAMPLES, 25 by default) keeps it under a minute.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from decide.wsgi import application
from tests.factories import PollFactory, ProposalFactory, legislation_draft, process_page

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@pytest.fixture
def open_data_site(db: None) -> None:
    """A process with proposals in public and hidden states, polls upcoming/open/closed, a bill with versions."""
    process = process_page()
    for status in ("published", "hidden", "draft", "qualified"):
        ProposalFactory(process=process, status=status, title=f"Agua & luz <{status}>")
    now = timezone.now()
    PollFactory(process=process)
    PollFactory(process=process, opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=9))
    PollFactory(process=process, opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2))
    legislation_draft(articles=3)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Calling the WSGI app directly fires request_started/finished, whose close_old_connections would
    close the test's PostgreSQL connection (and its transaction) mid-test; Django's test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded once at collection: building the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_open_data_api_never_errs_and_answers_as_documented(case: Any, open_data_site: None) -> None:
    case.call_and_validate(
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    )


HUGE = "-1239887113641705972170752"  # found by schemathesis: SQLite cannot bind it


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/processes/{HUGE}",
        f"/api/v1/proposals/{HUGE}",
        f"/api/v1/proposals/{HUGE}/outcome",
        f"/api/v1/polls/{HUGE}",
        f"/api/v1/results/{HUGE}",
        f"/api/v1/legislation/{HUGE}",
    ],
)
def test_a_number_no_row_can_have_is_not_found(client: Any, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404, response.content
    assert "detail" in response.json()


@pytest.mark.django_db
def test_a_list_filtered_by_such_a_number_never_errs(client: Any) -> None:
    # PostgreSQL compares it and finds nothing (an empty page); SQLite cannot bind it (404). Never a 500.
    assert client.get(f"/api/v1/proposals/?process={HUGE}").status_code in (200, 404)
