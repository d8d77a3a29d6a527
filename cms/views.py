"""The identity's two small files: the colour stylesheet and the favicon."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from .identity import current_identity

YEAR = 365 * 24 * 3600


@require_safe
def identity_css(request: HttpRequest) -> HttpResponse:
    """The administrator's colours as CSS custom properties: a file, since the CSP allows no inline style.

    Its URL carries the colours' version (base.html), so it is cached for a year and changes with them."""
    identity = current_identity()
    response = HttpResponse(identity.stylesheet(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={YEAR}" if request.GET.get("v") == identity.version else "no-cache"
    return response


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico whatever the page says: the logo's small rendition, else the neutral mark."""
    identity = current_identity()
    response = HttpResponseRedirect(identity.favicon_url or static("icons/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
