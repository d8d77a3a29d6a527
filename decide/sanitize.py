"""The one place user-written HTML is cleaned. Store what this returns, never the input."""

from __future__ import annotations

import re

import bleach

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote", "a", "h3", "h4", "code", "pre"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Raw-text and foreign-content elements go with their whole content, not just their tags.
_DROPPED_WITH_CONTENT = re.compile(
    r"<(script|style|svg|math|template|iframe|noscript|object|embed|textarea|xmp|title)\b.*?(</\1\s*>|$)",
    flags=re.IGNORECASE | re.DOTALL,
)

_cleaner = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[],
)


def _link_rel(attrs: dict[tuple[str | None, str], str], new: bool = False) -> dict[tuple[str | None, str], str]:
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


def clean_html(value: str) -> str:
    """Reduce `value` to a small allowlist: no scripts, no svg/math, no `javascript:` URLs."""
    cleaned = _cleaner.clean(_DROPPED_WITH_CONTENT.sub("", value))
    linked: str = bleach.linkify(cleaned, callbacks=[_link_rel], parse_email=False)
    return linked.strip()


def plain_text(value: str) -> str:
    """Strip every tag (for titles, summaries, notifications); the template still escapes it."""
    text: str = bleach.clean(_DROPPED_WITH_CONTENT.sub("", value), tags=set(), strip=True)
    return text.strip()
