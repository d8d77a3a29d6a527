from __future__ import annotations

import pytest

from decide.sanitize import clean_html, plain_text


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)>",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        "<style>body{display:none}</style>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<iframe src=//evil.example></iframe>",
    ],
)
def test_clean_html_removes_active_content(dirty: str) -> None:
    cleaned = clean_html(dirty).lower()
    for needle in ("<script", "javascript:", "onerror", "onload", "<svg", "<math", "<style", "<iframe", "style="):
        assert needle not in cleaned


def test_clean_html_keeps_the_small_allowlist() -> None:
    html = '<p><strong>Agua</strong> para <em>todos</em></p><ul><li>uno</li></ul><a href="https://example.org">ley</a>'
    cleaned = clean_html(html)
    assert "<strong>Agua</strong>" in cleaned
    assert "<li>uno</li>" in cleaned
    assert 'href="https://example.org"' in cleaned
    assert 'rel="nofollow ugc noopener"' in cleaned


def test_plain_text_strips_every_tag() -> None:
    assert plain_text("<b>Ley</b> <script>x()</script>del agua") == "Ley del agua"
