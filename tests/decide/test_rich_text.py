"""Rich text both ways: what an author typed is stored clean, and edits as what they typed (decide.rich_text)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decide.rich_text import editable_text, rich_text
from decide.sanitize import clean_html
from proposals.demo_data import PARAGRAPHS
from proposals.demo_debate import DEBATES
from tests.security.xss_payloads import PAYLOADS

# (typed, stored, shown in the edit form)
AS_TYPED = [
    ("Hola", "<p>Hola</p>", "Hola"),
    ("Uno\r\n\r\nDos\r\ny tres", "<p>Uno</p><p>Dos<br>y tres</p>", "Uno\n\nDos\ny tres"),
    ("a < b & c > d", "<p>a &lt; b &amp; c &gt; d</p>", "a < b & c > d"),
    ("AT&T, 5 > 3", "<p>AT&amp;T, 5 &gt; 3</p>", "AT&T, 5 > 3"),
    ("Mira https://x.org/a?b=1&c=2", None, "Mira https://x.org/a?b=1&c=2"),
    ("Mira example.com", None, "Mira example.com"),
    ('<a href="https://x.org">el sitio</a>', None, '<a href="https://x.org">el sitio</a>'),
    ("<strong>Sí</strong>, <em>ya</em>", "<p><strong>Sí</strong>, <em>ya</em></p>", "<strong>Sí</strong>, <em>ya</em>"),
    ("<p>Uno</p><p>Dos</p>", "<p>Uno</p><p>Dos</p>", "Uno\n\nDos"),
    ("<ul><li>a</li><li>b</li></ul>", "<ul><li>a</li><li>b</li></ul>", "<ul><li>a</li><li>b</li></ul>"),
    # Typed escaped to be shown as text: the edit form keeps the escape that keeps it text, nothing more.
    ("&lt;strong&gt; es una etiqueta", "<p>&lt;strong&gt; es una etiqueta</p>", "&lt;strong> es una etiqueta"),
    ("&copy; 2026 &amp;lt;", "<p>&copy; 2026 &amp;lt;</p>", "&copy; 2026 &amp;lt;"),
    ("<script>alert(1)</script>Hola", "<p>Hola</p>", "Hola"),
]


@pytest.mark.parametrize(("typed", "stored", "shown"), AS_TYPED)
def test_the_edit_form_shows_what_was_typed_and_saving_it_stores_the_same(
    typed: str, stored: str | None, shown: str
) -> None:
    html = rich_text(typed)
    if stored is not None:
        assert html == stored
    assert editable_text(html) == shown
    assert rich_text(shown) == html
    assert "<p><p>" not in html and "&amp;amp;" not in html


def test_links_keep_their_rel_in_storage_but_not_in_the_form() -> None:
    html = rich_text("Mira https://x.org")
    assert 'rel="nofollow ugc noopener"' in html
    assert "rel=" not in editable_text(html)


@pytest.mark.parametrize("stored", [text for debate in DEBATES.values() for *_, text in debate.comments])
def test_every_demo_comment_edits_without_markup_and_comes_back_the_same(stored: str) -> None:
    stored = clean_html(stored)  # as the demo stores it
    shown = editable_text(stored)
    assert "<p>" not in shown and "</p>" not in shown
    assert rich_text(shown) == stored


def test_a_demo_proposal_body_edits_as_paragraphs() -> None:
    stored = "".join(PARAGRAPHS)
    shown = editable_text(stored)
    assert "<p>" not in shown and shown.startswith("En muchas comunidades")
    assert "\n\n<ul><li>" in shown
    assert rich_text(shown) == rich_text(stored)


def test_text_stored_before_paragraphs_were_kept_edits_as_it_was_typed() -> None:
    assert editable_text("Antes\n\nde <strong>esto</strong>") == "Antes\n\nde <strong>esto</strong>"


def _round_trips(typed: str) -> None:
    stored = rich_text(typed)
    shown = editable_text(stored)
    assert rich_text(shown) == stored, (typed, stored, shown)
    assert rich_text(stored) == stored  # stored text is a fixed point: cleaning it again changes nothing


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_xss_corpus_round_trips(payload: str) -> None:
    _round_trips(payload)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *("a", " ", "\n", "\r\n", "\n\n", "\t", "\u00a0", "é", '"', "&", "&amp;", "&lt;", "&copy;", "&#60;"),
                *("<", ">", "<p>", "</p>", "<p>\n", "<br>", "<strong>", "</strong>", "<em>", "</em>", "<code>"),
                *("</code>", "<ul><li>", "<li>", "</li></ul>", "<pre>", "</pre>", "<h3>", "</h3>", "<blockquote>"),
                *("</blockquote>", "<a href='https://y.org'>", "</a>", "https://x.org/?a=1&b", "x.org", "<script>"),
            ]
        ),
        max_size=25,
    ).map("".join)
)
def test_any_typed_text_round_trips(typed: str) -> None:
    _round_trips(typed)
