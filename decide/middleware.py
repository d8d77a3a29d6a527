"""Project middleware: a refusal that escapes a view becomes a page with words and its status."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from decide.refusals import Refused


def refusal_response(
    request: HttpRequest, refusal: Refused, *, back_url: str | None = None, back_label: str | None = None
) -> HttpResponse:
    """The one page for every refusal: what was refused, why, and a way back."""
    context = {"message": refusal.message, "status": refusal.status, "back_url": back_url, "back_label": back_label}
    response = TemplateResponse(request, "refused.html", context, status=refusal.status)
    return response.render()


class RefusalMiddleware:
    """Renders a `Refused` raised by a view (services and predicates raise; one place renders)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Refused):
            return refusal_response(request, exception)
        return None
