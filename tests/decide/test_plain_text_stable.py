"""Plain text is stable: what a form shows, sent back unchanged, is stored unchanged (decide.sanitize.plain_text).

Before, text that decoded to markup changed on every save: "&lt;script&gt;…&lt;/script&gt;Ley" was stored as
"<script>…</script>Ley", which the edit form showed, and saving that stored "Ley".
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decide.sanitize import plain_text
from tests.security.xss_payloads import PAYLOADS


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ('Agua & luz: "riego" para 3 < 5', 'Agua & luz: "riego" para 3 < 5'),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("&lt;3 a mi pueblo", "<3 a mi pueblo"),
        ("&lt;b&gt;negrita&lt;/b&gt; ley", "negrita ley"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;Ley", "Ley"),
        ("x &amp;lt; y", "x < y"),
        ("AT&amp;amp;T", "AT&T"),
        ("&amp;amp;lt;b&amp;amp;gt;ley", "ley"),
    ],
)
def test_stored_text_is_what_sending_it_again_stores(typed: str, stored: str) -> None:
    assert plain_text(typed) == stored
    assert plain_text(stored) == stored


def test_escapes_nested_beyond_reason_end_in_a_stable_text() -> None:
    deep = "a &" + "amp;" * 12 + "lt;b&gt; c"  # twelve readings to reach the tag: more than plain_text makes
    once = plain_text(deep)
    assert plain_text(once) == once and "<" not in once


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_of_the_corpus_is_stable(payload: str) -> None:
    once = plain_text(payload)
    assert plain_text(once) == once


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", " ", "<", ">", "&", "&amp;", "&lt;", "&gt;", "lt;", "amp;", "b", "/", "script", "\t"]),
        max_size=30,
    ).map("".join)
)
def test_any_text_is_stable(typed: str) -> None:
    once = plain_text(typed)
    assert plain_text(once) == once
