"""The public open-data API at /api/v1/ (django-ninja): read-only, paginated, public data only.

Its OpenAPI document is served at /api/v1/openapi.json. The human-readable docs
at /api/v1/docs are a plain server-rendered page built from that document:
Swagger UI needs scripts and styles our Content Security Policy forbids, and a
list of links reads fine on a cheap phone without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET
from ninja import NinjaAPI

from decide.refusals import Refused
from legislation import api as legislation_api
from proposals import api as proposals_api
from votes import api as votes_api

api = NinjaAPI(
    # Marked with gettext_noop: the OpenAPI document stays English, the /docs page translates them.
    title=gettext_noop("Decide open data"),
    version="1",
    description=gettext_noop(
        "Read-only public data of Decide: processes, proposals, polls, published results and inclusion "
        "statistics. Statistics cells smaller than the site's threshold are null and marked suppressed. "
        "Lists are paginated with ?page=N (and ?page_size=N)."
    ),
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(Refused)
def refused(request: HttpRequest, refusal: Refused) -> HttpResponse:
    """A refusal raised by a route or a service: JSON with the refusal's status and words, as ninja's own errors."""
    return api.create_response(request, {"detail": refusal.message}, status=refusal.status)


@api.exception_handler(OverflowError)
def number_too_large(request: HttpRequest, error: OverflowError) -> HttpResponse:
    """An id no database row can have (SQLite cannot even bind it; schemathesis found -1239887113641705972170752).

    Nothing has that number: the 404 every route already declares, never a 500.
    """
    return api.create_response(request, {"detail": gettext("There is nothing with this number.")}, status=404)


api.add_router("/processes/", proposals_api.processes)
api.add_router("/proposals/", proposals_api.proposals)
api.add_router("/legislation/", legislation_api.legislation)
api.add_router("/polls/", votes_api.polls)
api.add_router("/results/", votes_api.results)
api.add_router("/statistics/", votes_api.statistics)


def _translated(text: str) -> str:
    # gettext("") would return the catalogue header.
    return gettext(text) if text else ""


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    operations: list[dict[str, Any]] = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": _translated(operation.get("summary", "")),
                    "parameters": [
                        {"name": p.get("name"), "in": p.get("in"), "required": p.get("required", False)}
                        for p in operation.get("parameters", [])
                    ],
                }
            )
    info = schema["info"]
    context = {
        "title": _translated(info["title"]),
        "description": _translated(info.get("description", "")),
        "operations": operations,
    }
    return render(request, "votes/results/api_docs.html", context)
