"""A task for the operations tests: records the request id it ran under (importable by module path)."""

from __future__ import annotations

from django_tasks import task

from decide.requestid import current_request_id

SEEN: list[str] = []


@task(backend="background")
def remember_request_id(label: str) -> str:
    SEEN.append(f"{label}:{current_request_id()}")
    return current_request_id()
