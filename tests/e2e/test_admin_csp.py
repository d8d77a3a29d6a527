"""Issue 13, item 11: the admins' pages work in Chromium under their Content Security Policy.

The administrator signs in through allauth's form (the only sign-in path), then opens the Wagtail
admin's dashboard, page explorer, a page editor, the moderation desk and the Django admin; the
browser reports every CSP violation (securitypolicyviolation events) and none may occur.
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

    page.goto("/admin/pages/")
    edit = page.locator("a[href*='/edit/']").first
    expect(edit, shown(page)).to_be_attached()
    page.goto(edit.get_attribute("href") or "/admin/pages/")
    expect(page.locator("form").first, shown(page)).to_be_visible()
    page.wait_for_timeout(1000)  # the editor's widgets build themselves after load
    screenshot(page, "admin-csp-page-editor")
    assert not violations(window), violations(window)

    for path, name in (("/admin/moderation/", "moderation"), ("/django-admin/", "django-admin")):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert re.search(r"script-src 'self'(;|$)", response.headers["content-security-policy"]), path
        screenshot(page, f"admin-csp-{name}")
        assert not violations(window), (path, violations(window))
