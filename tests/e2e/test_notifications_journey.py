"""Notifications, as two citizens live them (issue 16).

Lucía follows a proposal and comments on it; Carlos replies to her comment. With JavaScript,
the unread badge in Lucía's header rises while she stays on the page, and she reads the reply in
the notification centre. Without JavaScript, after a reload, the header shows the new count and the
centre works with plain forms.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import check_page, screenshot, shown
from tests.e2e.journey import button, label, sign_in

DEBATE_PROCESS = "Salud materna e infantil en la sierra"
LIVE_WAIT_MS = 15_000


def _debate_comment(page: Page, text: str) -> Locator:
    return page.get_by_role("region", name=re.compile("^debate", re.I)).get_by_role("article").filter(has_text=text)


def _unread(page: Page) -> int:
    badge = page.get_by_role("navigation", name="Main").locator("[data-unread-count]")
    text = badge.inner_text() if badge.is_visible() else "0"
    return int(re.sub(r"\D", "", text) or 0)


def _reply(page: Page, proposal_url: str, to: str, text: str) -> None:
    page.goto(proposal_url)
    _debate_comment(page, to).get_by_role("link", name=re.compile("^reply$", re.I)).click()
    page.get_by_label(label("your comment")).fill(text)
    button(page, "publish comment")
    expect(_debate_comment(page, text).first, shown(page)).to_be_visible()


def test_a_reply_reaches_the_person_live_and_without_javascript(open_window: Callable[..., Window]) -> None:
    lucia, carlos = open_window(), open_window()
    sign_in(lucia.page, "lucia@demo.decide", "demo-citizen-pass")
    sign_in(carlos.page, "carlos@demo.decide", "demo-citizen-pass")
    lucia.page.goto("/")
    lucia.page.get_by_role("main").get_by_role("link", name=DEBATE_PROCESS).click()
    lucia.page.get_by_role("region", name="Proposals").get_by_role("heading", level=3).get_by_role("link").first.click()
    proposal_url = lucia.page.url
    follow = lucia.page.get_by_role("button", name=re.compile("^follow", re.I))
    if follow.count():
        follow.click()
    expect(lucia.page.get_by_role("button", name=re.compile("stop following", re.I)), shown(lucia.page)).to_be_visible()
    mine = f"Pregunta de Lucía {secrets.token_hex(3)}: ¿habrá casa de espera en Huamachuco?"
    lucia.page.get_by_label(label("your comment")).fill(mine)
    button(lucia.page, "publish comment")
    expect(_debate_comment(lucia.page, mine), shown(lucia.page)).to_be_visible()
    debate = lucia.page.get_by_role("region", name=re.compile("^debate", re.I))
    expect(debate.get_by_text(re.compile("^live", re.I)), shown(lucia.page)).to_be_visible(timeout=LIVE_WAIT_MS)
    before = _unread(lucia.page)
    lucia.page.evaluate("() => { window.__e2eSamePage = true; }")

    # Carlos replies; Lucía's badge rises while she stays on the page.
    _reply(carlos.page, proposal_url, mine, f"Respuesta de Carlos {secrets.token_hex(3)}: sí, en el plan 2027.")
    badge = lucia.page.get_by_role("navigation", name="Main").locator("[data-unread-count]")
    expect(badge, shown(lucia.page)).to_have_text(str(before + 1), timeout=LIVE_WAIT_MS)
    assert lucia.page.evaluate("() => window.__e2eSamePage === true"), "the page reloaded instead of updating live"
    check_page(lucia.page, lucia.log, "16 unread badge rose live")

    lucia.page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^notifications", re.I)
    ).click()
    centre = lucia.page.get_by_role("main")
    expect(centre.get_by_role("listitem").first, shown(lucia.page)).to_contain_text(re.compile("respondió|repl", re.I))
    check_page(lucia.page, lucia.log, "16 notification centre")
    button(lucia.page, "mark all as read")
    expect(centre.get_by_text("0 unread notifications"), shown(lucia.page)).to_be_visible()
    # Nothing unread: no red "0" in the header (the badge is hidden, and stays hidden whatever its class says).
    expect(lucia.page.get_by_role("navigation", name="Main").locator("[data-unread-badge]")).to_be_hidden()

    # Without JavaScript: another reply, a reload, the header count, plain forms in the centre.
    plain = open_window(javascript=False)
    sign_in(plain.page, "lucia@demo.decide", "demo-citizen-pass")
    _reply(carlos.page, proposal_url, mine, f"Otra respuesta {secrets.token_hex(3)}: y en Otuzco.")
    plain.page.goto(proposal_url)
    plain.page.reload()
    expect(
        plain.page.get_by_role("navigation", name="Main").locator("[data-unread-count]"), shown(plain.page)
    ).to_have_text("1")
    plain.page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^notifications", re.I)
    ).click()
    check_page(plain.page, plain.log, "16 notification centre without javascript")
    plain.page.get_by_role("button", name=re.compile("^mark as read$", re.I)).first.click()
    expect(plain.page.get_by_role("main").get_by_text("0 unread notifications"), shown(plain.page)).to_be_visible()


def test_the_newsletter_editor_chooses_a_process_under_the_admin_csp(open_window: Callable[..., Window]) -> None:
    """Issue 16, item 3 of the follow-up: the editor shows what an editor writes, and its page chooser works
    in Chromium under the admin's Content Security Policy (every violation reported by the browser fails)."""
    from tests.e2e.test_admin_csp import DESKTOP, WATCH_CSP, violations

    window = open_window(viewport=DESKTOP)
    window.context.add_init_script(WATCH_CSP)
    page = window.page
    sign_in(page, "admin@demo.decide", "demo-admin-pass")
    response = page.goto("/admin/snippets/notifications/newsletter/add/")
    assert response is not None and response.status == 200
    # 'self' and the hashes of Wagtail's own widget initialisers (decide.csp), never 'unsafe-inline'.
    assert re.search(r"script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*(;|$)", response.headers["content-security-policy"])
    for hidden in ("status", "recipient_count", "created_at", "sent_at", "created_by"):
        assert page.locator(f"[name={hidden}]").count() == 0, hidden
    subject = f"Boletín {secrets.token_hex(3)}"
    page.locator("#id_subject").fill(subject)
    page.locator("#id_body").locator("xpath=..").locator("[contenteditable=true]").first.fill("Se abre el debate.")
    page.locator("#id_segment").select_option("process")
    page.locator("#id_process-chooser").get_by_role("button", name=re.compile("choose a page", re.I)).click()
    modal = page.locator(".modal")
    expect(modal, f"CSP: {violations(window)}" + shown(page)).to_be_visible()
    modal.locator("input[name=q]").fill(DEBATE_PROCESS)
    choice = modal.locator("a.choose-page").filter(has_text=DEBATE_PROCESS).first
    expect(choice, shown(page)).to_be_visible()
    choice.click()
    expect(modal, shown(page)).to_be_hidden()
    assert page.locator("#id_process").input_value()
    expect(page.locator("#id_process-chooser"), shown(page)).to_contain_text(DEBATE_PROCESS)
    page.wait_for_timeout(500)
    screenshot(page, "16 newsletter editor with its process chosen")  # Wagtail's admin: not a citizen page
    page.get_by_role("button", name=re.compile("^(save|guardar)", re.I)).first.click()
    expect(page.get_by_text(subject).first, shown(page)).to_be_visible()
    assert "/add/" not in page.url
    assert not violations(window), violations(window)
    assert not window.log.foreign, window.log.foreign
