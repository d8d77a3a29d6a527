"""The home page's "what can I do now?" sections, contributed by the apps above cms.

cms cannot import proposals or votes (they sit above it), so they plug in: each registers a Wagtail hook
under HOME_SECTIONS_HOOK returning a HomeSection (or None when it has nothing to show), and the home
page renders the sections in their order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from wagtail import hooks

HOME_SECTIONS_HOOK = "decide_home_sections"


@dataclass(frozen=True)
class HomeSection:
    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def home_sections(request: HttpRequest) -> list[HomeSection]:
    found: list[HomeSection] = []
    contributors: list[Callable[[HttpRequest], HomeSection | None]] = hooks.get_hooks(HOME_SECTIONS_HOOK)
    for contribute in contributors:
        section = contribute(request)
        if section is not None:
            found.append(section)
    return sorted(found, key=lambda section: section.order)
