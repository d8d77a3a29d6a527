"""What every open-data route may answer besides its data, declared once for the OpenAPI document.

A route lists its answers with `answers(DataOut, 403, 404)`: the data for 200, and `ErrorOut`
for each refusal (decide.refusals rendered by decide.api) and for 422, django-ninja's answer
to parameters it cannot read. So the document names every status a client can meet
(issue 13: schemathesis found statuses the document did not declare).
"""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """A refusal's words (`detail`), or for 422 django-ninja's list of the parameters it could not read."""

    detail: str | list[dict[str, Any]]


def answers(data: Any, *refusals: int) -> dict[int, Any]:
    """`response=` of a route: its data for 200, ErrorOut for each refusal and for 422."""
    return {200: data, **dict.fromkeys((*refusals, 422), ErrorOut)}
