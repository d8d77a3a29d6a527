"""Comment HTML for live events, from the very templates the proposal page uses.

Rendered once per site language when the event is published (not once per viewer),
so every viewer gets the labels their own page would have shown; the client picks
the rendering for its page's language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from proposals.models import Comment

COMMENT_TEMPLATE = "proposals/debate/_comment.html"
COMMENT_MAIN_TEMPLATE = "proposals/debate/_comment_main.html"


def render_per_language(template_name: str, context: dict[str, Any]) -> dict[str, str]:
    rendered: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rendered[code] = render_to_string(template_name, context).strip()
    return rendered


def _live_context(comment: Comment) -> dict[str, Any]:
    # `live`: no viewer is known, so no per-viewer controls (edit, delete, moderate) and no CSRF
    # token; the client adds the page's token to the forms it inserts.
    if not hasattr(comment, "thread_replies"):
        comment.thread_replies = []  # type: ignore[attr-defined]
    return {"comment": comment, "live": True, "viewer": None}


def comment_html(comment: Comment) -> dict[str, str]:
    """The whole thread item (`<li>` with an empty replies list), as a new comment is inserted."""
    return render_per_language(COMMENT_TEMPLATE, _live_context(comment))


def comment_main_html(comment: Comment) -> dict[str, str]:
    """The comment without its replies, to replace the one on the page (edit, removal, restore)."""
    return render_per_language(COMMENT_MAIN_TEMPLATE, _live_context(comment))
