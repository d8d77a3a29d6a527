"""Issue 13, item 11: the admins' pages work in Chromium under their Content Security Policy.

The administrator signs in through allauth's form (the only sign-in path), then opens the Wagtail
admin's dashboard, page explorer, a page editor, the moderation desk and the Django admin; the
browser reports every CSP violation (securitypolicyviolation events) and none may occur, and no
request leaves for another host (Gravatar avatars and Wagtail's version check are off).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import screenshot, shown
from tests.e2e.journey import sign_in

DESKTOP = {"width": 1280, "height": 900}
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def violations(window: Window) -> list[str]:
    found: list[str] = window.page.evaluate("window.__cspViolations || []")
    return found


def test_the_admin_pages_load_without_csp_violations(open_window: Callable[..., Any]) -> None:
    window: Window = open_window(viewport=DESKTOP)
    window.context.add_init_script(WATCH_CSP)
    page = window.page
    sign_in(page, "admin@demo.decide", "demo-admin-pass")

    page.goto("/admin/")
    assert page.evaluate("document.readyState") == "complete"
    assert "Content-Security-Policy" not in page.content()  # the header, not a meta tag
    screenshot(page, "admin-csp-dashboard")
    assert not violations(window), violations(window)

    # A process page's editor: its phase dates use Wagtail's date-time widget, initialised by inline scripts.
    page.goto("/admin/pages/")
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    home = next(href for href in hrefs if re.fullmatch(r"/admin/pages/\d+/", href))
    page.goto(home)
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    children = [href for href in hrefs if re.fullmatch(r"/admin/pages/\d+/edit/", href)]
    editors = [href for href in children if href.removesuffix("edit/") != home]
    for editor in editors:
        page.goto(editor)
        if page.locator("#id_vote_opens").count():
            break
    expect(page.locator("#id_vote_opens"), shown(page)).to_be_attached()
    page.wait_for_timeout(1000)  # the editor's widgets build themselves after load
    screenshot(page, "admin-csp-page-editor")
    assert not violations(window), violations(window)

    for path, name in (("/admin/moderation/", "moderation"), ("/django-admin/", "django-admin")):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert re.search(r"script-src 'self'(;|$)", response.headers["content-security-policy"]), path
        screenshot(page, f"admin-csp-{name}")
        assert not violations(window), (path, violations(window))
    # Nothing fetched from elsewhere: no Gravatar avatars, no version check (the log aborts and lists them).
    assert not window.log.foreign, window.log.foreign
