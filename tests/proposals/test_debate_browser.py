"""Two browser windows on the same proposal, each served by its own server process, see each other live.

Chromium (Debian's, at /usr/bin/chromium) through Playwright; the live client is
served from the source tree, so no collectstatic is needed.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from proposals.debate import services as services
from proposals.debate.selectors import proposal_page_url
from proposals.models import Comment
from tests.factories import ProposalFactory, UserFactory
from tests.proposals.helpers import asgi_server, moderator

CHROMIUM = Path("/usr/bin/chromium")
LIVE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "live-debate.js"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"),
]


def _in_thread(function: Any) -> Any:
    """Database work away from Playwright's event loop (Django refuses sync queries beside one)."""

    def run() -> Any:
        try:
            return function()
        finally:
            connections.close_all()  # the thread's own connection, or the test database cannot be dropped

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_two_windows_see_each_others_comments_and_a_hidden_one_disappears() -> None:
    from playwright.sync_api import expect, sync_playwright

    proposal = ProposalFactory()
    ana = UserFactory(display_name="Ana Ríos")
    client = Client()
    client.force_login(ana)
    session = client.cookies["sessionid"].value
    mod = moderator()
    path = proposal_page_url(proposal)

    with asgi_server() as port_a, asgi_server() as port_b, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            writer = browser.new_context(locale="en-US")
            writer.add_cookies([{"name": "sessionid", "value": session, "domain": "127.0.0.1", "path": "/"}])
            viewer = browser.new_context(locale="en-US")
            pages = []
            for context in (writer, viewer):
                context.route(
                    "**/static/js/live-*.js",
                    lambda route: route.fulfill(
                        path=str(LIVE_JS.parent / route.request.url.split("?")[0].rsplit("/", 1)[-1])
                    ),
                )
                pages.append(context.new_page())
            writing, watching = pages
            errors: list[str] = []
            for page in pages:
                page.on("pageerror", lambda error: errors.append(str(error)))

            watching.goto(f"http://127.0.0.1:{port_b}{path}")
            expect(watching.locator("[data-role=live-status]")).to_contain_text("Live")
            writing.goto(f"http://127.0.0.1:{port_a}{path}")
            writing.fill("#id_body", "Que el riego llegue a la sierra")
            writing.check("input[name=stance][value=for]")
            writing.click("#comment-form button[type=submit]")

            live = watching.locator("[data-role=thread] >> text=Que el riego llegue a la sierra")
            expect(live).to_be_visible()
            expect(watching.locator("[data-role=thread]")).to_contain_text("Ana Ríos")
            # The word follows the number: "1 comment", not "1 comments" (the page's own plural forms).
            expect(watching.locator("[data-role=comment-count]")).to_have_text(re.compile(r"^1 (comment|comentario)$"))

            comment = _in_thread(lambda: Comment.objects.get())
            _in_thread(lambda: services.comment_hide(moderator=mod, comment=comment, reason="Prueba"))
            expect(live).to_have_count(0)
            expect(writing.locator("text=Que el riego llegue a la sierra")).to_have_count(0)
            assert errors == []
        finally:
            browser.close()
