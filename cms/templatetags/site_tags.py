"""Site-wide template helpers: `{% site_identity as identity %}` (cached, cms.identity) and `{% icon "bell" %}`."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cms.identity import Identity, current_identity

register = template.Library()

# The symbols of cms/templates/cms/icons.svg, included once per page by base.html.
ICONS = frozenset(
    {"menu", "bell", "user", "calendar", "clock", "pin", "comment", "people", "ballot", "check", "arrow", "idea"}
)


@register.simple_tag
def site_identity() -> Identity:
    return current_identity()


@register.simple_tag
def icon(name: str) -> SafeString:
    """A decorative icon from the page's sprite: hidden from screen readers, the text beside it names it."""
    if name not in ICONS:
        raise template.TemplateSyntaxError(f"no icon {name!r} in cms/templates/cms/icons.svg")
    return format_html('<svg class="icon" aria-hidden="true" focusable="false"><use href="#i-{}"></use></svg>', name)
