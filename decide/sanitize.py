"""The one place user-written HTML is cleaned. Store what this returns, never the input."""

from __future__ import annotations

import html
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


# Never kept in plain text: bidirectional embeddings, overrides and isolates (they reorder what a
# reader sees, "Trojan source"), zero-width spaces, word joiners, the BOM and control characters.
_REMOVED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Kept (they shape emoji and scripts that need them) but not visible on their own: a text made of
# these and spaces is empty.
_INVISIBLE = re.compile("[\u00ad\u034f\u115f\u1160\u180e\u200c-\u200f\u2800\u3164\uffa0]")


def _plain_once(value: str) -> str:
    stripped: str = bleach.clean(_DROPPED_WITH_CONTENT.sub("", value), tags=set(), strip=True)
    # bleach serialises HTML: its text comes back with &amp; &lt; &gt;, which are not what was typed.
    text = _REMOVED.sub("", html.unescape(stripped)).strip()
    return text if _INVISIBLE.sub("", text).strip() else ""


# Readings of text that decodes to more markup ("&amp;lt;b&amp;gt;") before giving up on its escapes.
_MAX_READINGS = 8


def plain_text(value: str) -> str:
    """The text of `value` with every tag removed, NOT escaped: store it as is, templates escape at output.

    Returns "" when nothing visible is left, so "required" checks refuse a title made of
    zero-width or bidirectional-control characters.

    Stable: an edit form shows the stored text, and sending it back unchanged must store it again,
    so text that decodes to markup ("&lt;b&gt;x&lt;/b&gt;" gives "<b>x</b>") is read again until
    nothing changes ("x").
    """
    text = _plain_once(value)
    for _reading in range(_MAX_READINGS):
        again = _plain_once(text)
        if again == text:
            return text
        text = again
    # Escapes nested deeper than anyone types ("&amp;amp;amp;..."): what is left of them goes.
    return _plain_once(text.replace("&", "").replace("<", ""))
