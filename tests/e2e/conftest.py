"""Browser journeys: Debian's Chromium driven by Playwright against the demo server.

No pytest-django database here: the journeys talk to a subprocess server (tests/e2e/server.py)
with its own state. Never `playwright install`: the browser is the system's /usr/bin/chromium.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.helpers import PageLog
from tests.e2e.server import LiveServer, start_server, stop_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=f"browser journeys need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(skip)


TEST_DEADLINE_SECONDS = 420


@pytest.fixture(autouse=True)
def _deadline() -> Iterator[None]:
    """A browser wait without a timeout (page.evaluate) must fail the test, not hang CI."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"browser journey ran over {TEST_DEADLINE_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TEST_DEADLINE_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# Package scope: in a whole-suite run the server and the browser stop as soon as the journeys are done.
@pytest.fixture(scope="package")
def demo_server() -> Iterator[LiveServer]:
    server, database, workdir = start_server()
    try:
        yield server
    finally:
        stop_server(server, database, workdir)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Window:
    """One browser window (a context with one page) and the log of what its current page loaded."""

    page: Page
    log: PageLog
    context: BrowserContext


@pytest.fixture
def open_window(demo_server: LiveServer, browser: Browser) -> Iterator[Callable[..., Window]]:
    """Opens isolated windows (own cookies), phone-sized, English unless `locale` says otherwise."""
    contexts: list[BrowserContext] = []

    def opener(*, javascript: bool = True, locale: str = "en-US", viewport: dict[str, int] | None = None) -> Window:
        context = browser.new_context(
            base_url=demo_server.url,
            java_script_enabled=javascript,
            locale=locale,
            viewport=viewport or PHONE,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        log = PageLog(javascript=javascript)
        log.attach(context, "127.0.0.1")
        return Window(page=context.new_page(), log=log, context=context)

    yield opener
    for context in contexts:
        context.close()
