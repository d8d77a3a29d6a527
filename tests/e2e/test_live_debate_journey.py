"""Journey 4: two windows on one proposal see each other's comments arrive live (WebSocket, no
reload), and a moderator's removal disappears from both."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import check_page, shown
from tests.e2e.journey import button, label, sign_in

pytestmark = pytest.mark.e2e

DEBATE_PROCESS = "Salud materna e infantil en la sierra"
LIVE_WAIT_MS = 15_000


def _comment(page: Page, text: str) -> Locator:
    """A comment of the debate region (the proposal itself is an article too)."""
    return page.get_by_role("region", name=re.compile("^debate", re.I)).get_by_role("article").filter(has_text=text)


def _mark_no_reload(page: Page) -> None:
    page.evaluate("() => { window.__e2eSamePage = true; }")


def _not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("() => window.__e2eSamePage === true"))


def _post_comment(page: Page, text: str) -> None:
    """A plain form post: the poster's own window reloads; it is live again once connected."""
    page.get_by_label(label("your comment")).fill(text)
    button(page, "publish comment")
    expect(_comment(page, text), shown(page)).to_be_visible()
    debate = page.get_by_role("region", name=re.compile("^debate", re.I))
    expect(debate.get_by_text(re.compile("^live", re.I)), shown(page)).to_be_visible(timeout=LIVE_WAIT_MS)
    _mark_no_reload(page)


def test_two_windows_see_comments_live_and_a_removal_disappears_from_both(
    open_window: Callable[..., Window],
) -> None:
    first, second = open_window(), open_window()
    sign_in(first.page, "rosa@demo.decide", "demo-citizen-pass")
    sign_in(second.page, "juan@demo.decide", "demo-citizen-pass")
    first.page.goto("/")
    first.page.get_by_role("main").get_by_role("link", name=DEBATE_PROCESS).click()
    proposals = first.page.get_by_role("region", name="Proposals")
    proposals.get_by_role("heading", level=3).get_by_role("link").first.click()
    proposal_url = first.page.url
    second.page.goto(proposal_url)
    for window in (first, second):
        debate = window.page.get_by_role("region", name=re.compile("^debate", re.I))
        expect(debate.get_by_text(re.compile("^live", re.I)), shown(window.page)).to_be_visible(timeout=LIVE_WAIT_MS)
        _mark_no_reload(window.page)

    hello = f"Comentario en vivo {secrets.token_hex(3)}: ¿quién cuida la casa de espera?"
    _post_comment(first.page, hello)
    expect(_comment(second.page, hello), shown(second.page)).to_be_visible(timeout=LIVE_WAIT_MS)
    assert _not_reloaded(second.page), "the second window reloaded instead of receiving the comment live"
    check_page(second.page, second.log, "4 comment arrived live")

    answer = f"Respuesta en vivo {secrets.token_hex(3)}: la comunidad, por turnos."
    _post_comment(second.page, answer)
    expect(_comment(first.page, answer), shown(first.page)).to_be_visible(timeout=LIVE_WAIT_MS)
    assert _not_reloaded(first.page), "the first window reloaded instead of receiving the answer live"

    # A moderator hides the first comment; it disappears from both windows without a reload.
    moderator = open_window(viewport={"width": 1280, "height": 900}).page
    sign_in(moderator, "moderator@demo.decide", "demo-moderator-pass")
    moderator.goto(proposal_url)
    comment = _comment(moderator, hello)
    comment.get_by_role("link", name=re.compile("^moderate$", re.I)).click()
    moderator.get_by_role("radio", name=re.compile("^hide$", re.I)).check()
    moderator.get_by_label(label("reason")).fill("Datos personales de terceros.")
    moderator.get_by_role("main").get_by_role("button").last.click()
    for window in (first, second):
        expect(window.page.get_by_text(hello), shown(window.page)).to_have_count(0, timeout=LIVE_WAIT_MS)
        assert _not_reloaded(window.page), "a window reloaded instead of receiving the removal live"
    check_page(first.page, first.log, "4 removal gone live")
