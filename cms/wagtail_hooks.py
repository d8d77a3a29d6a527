"""Editorial pages (home, standard pages) from the shared cache for anonymous visitors (decide.cache_pages).

What they show is their own fields, their child pages and the site settings: Wagtail's publishing
and settings saves change the "site" scope, which every cached page depends on.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail import hooks
from wagtail.models import Page

from decide.cache_pages import HOME_SCOPE, SITE_SCOPE, depends_on

from .models import HomePage, StandardPage


@hooks.register("before_serve_page")
def editorial_pages_from_cache(page: Page, request: HttpRequest, *_args: Any, **_kwargs: Any) -> None:
    if isinstance(page, HomePage):
        depends_on(request, SITE_SCOPE, HOME_SCOPE)  # its sections: open votes, phases, qualified proposals
    elif isinstance(page, StandardPage):
        depends_on(request, SITE_SCOPE)
