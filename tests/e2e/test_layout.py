"""Layout of every page the journeys reach, on a cheap phone (360x740) and a laptop (1366x900), in es and en.

The pages are found, not listed: each role (visitor, citizen, officer, moderator, administrator) crawls the
demo from its start pages through same-site links, one page per URL shape (numbers folded), so a new page
joins the test as soon as something links to it. On each page, in one browser and one context per role:
- no horizontal scrolling;
- no two interactive elements overlap;
- every table's header cells sit over their body columns;
- on the phone, every control is at least 44x44 px (links inside a sentence are exempt, as WCAG 2.5.8 says);
- text contrast AA (axe's color-contrast, in light and dark mode);
- at most 150 KB compressed, nothing from another site;
and a screenshot at both sizes and both languages in tests/e2e/artifacts/layout/.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.helpers import ARTIFACTS, MAX_PAGE_BYTES, PageLog, _axe, shown, slug
from tests.e2e.server import LiveServer

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
LANGUAGES = ("es", "en")
MIN_TARGET = 44
MAX_PAGES_PER_ROLE = 45
SHOTS = ARTIFACTS / "layout"

# Not pages of ours to lay out (Wagtail's and Django's admins, files, machine-readable data) or not pages at all.
SKIP = re.compile(
    r"^/(admin|django-admin|static|media|documents|i18n|ws|healthz|metrics|favicon\.ico|identity\.css)(/|$)"
    r"|^/api/v1/(?!docs$)"
    r"|^/accounts/(logout|confirm-email|password/reset/key)"
    r"|\.(csv|json|pdf|png|svg|ico|txt|zip)$"
)


@dataclass(frozen=True)
class Role:
    name: str
    email: str = ""
    password: str = ""
    starts: tuple[str, ...] = ("/",)


ROLES = (
    Role(
        "visitor",
        starts=(
            "/",
            "/polls/",
            "/legislation/1/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
        ),
    ),
    Role("citizen", "citizen@demo.decide", "demo-citizen-pass", ("/", "/accounts/profile/", "/notifications/")),
    Role("verified", "lucia@demo.decide", "demo-citizen-pass", ("/", "/polls/", "/legislation/1/")),
    Role("officer", "officer@demo.decide", "demo-officer-pass", ("/",)),
    Role("moderator", "moderator@demo.decide", "demo-moderator-pass", ("/",)),
    Role("administrator", "admin@demo.decide", "demo-admin-pass", ("/",)),
)

# One JavaScript pass returns every layout problem of the page as it is laid out now.
LAYOUT_PROBLEMS = (Path(__file__).parent / "layout_checks.js").read_text().split("\n", 1)[1]  # past its comment

CONTRAST = {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]}


HARVESTED = ("/polls/", "/legislation/")
APP_PREFIXES = ("polls", "proposals", "legislation", "accounts", "notifications", "api")


def url_shape(path: str) -> str:
    """Pages that differ only by ids (numbers, uuids) share a shape: /polls/3/ and /polls/7/ are one layout, and the
    proposals (and other routes) of two processes: /agua/12/ and /caminos/40/. Each process page itself stays."""
    shape = re.sub(r"/(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=/|$)", "/N", path)
    first, _, rest = shape.strip("/").partition("/")
    if rest and first not in APP_PREFIXES:
        shape = f"/<process>/{rest}/"
    return shape


def page_links(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    return hrefs


@dataclass
class Walk:
    """Pages already laid out (by shape, across roles) and the problems found."""

    seen: set[str] = field(default_factory=set)
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def walk() -> Walk:
    return Walk()


def _context(browser: Browser, server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    yield context
    context.close()


def _sign_in(page: Page, role: Role) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(role.email)
    page.locator("input[name=password]").fill(role.password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    assert page.locator("button", has_text=re.compile("sign out", re.I)).count(), f"{role.name} not signed in" + shown(
        page
    )


def _set_language(context: BrowserContext, server: LiveServer, code: str) -> None:
    context.add_cookies([{"name": "django_language", "value": code, "url": server.url}])


def _inspect(page: Page, log: PageLog, walk: Walk, role: Role, path: str, language: str) -> None:
    """Both sizes of the page already loaded at desktop size: the phone is a resize, not a reload."""
    shape = slug(url_shape(path)) or "home"
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        where = f"{role.name} {path} [{language}, {size_name}]"
        for problem in page.evaluate(LAYOUT_PROBLEMS, {"phone": size is PHONE, "minTarget": MIN_TARGET}):
            walk.problems.append(f"{where}: {problem}")
        page.screenshot(path=str(SHOTS / f"{shape}-{role.name}-{language}-{size_name}.png"), full_page=True)
        if language == "en" and size is DESKTOP:  # colours do not change with the width: one size is enough
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                for violation in _axe.run(page, options=CONTRAST).response["violations"]:
                    for node in violation["nodes"][:5]:
                        walk.problems.append(
                            f"{where} {scheme}: contrast {node['target']}: {node.get('failureSummary', '')[:160]}"
                        )
            page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)
    assert not log.foreign, f"{path}: third-party requests {log.foreign}"
    total, sizes = log.compressed_bytes()
    # Staff on a CMS page also get Wagtail's "edit this page" userbar (~320 KB of its admin scripts): the budget
    # is the public's, so those files are recorded beside the total but not counted against it.
    userbar = sum(size for url, size in sizes if "/static/wagtailadmin/" in url or "/static/wagtail" in url)
    with (SHOTS / "page-weights.txt").open("a") as record:
        record.write(
            f"{total - userbar:>8} B gzip (+{userbar} B staff userbar)  {len(sizes):>2} responses  "
            f"{role.name} {path} [{language}]\n"
        )
    total -= userbar
    if total > MAX_PAGE_BYTES:
        walk.problems.append(f"{role.name} {path} [{language}]: {total} bytes compressed > {MAX_PAGE_BYTES}: {sizes}")


def _crawl(page: Page, log: PageLog, walk: Walk, role: Role, server: LiveServer) -> None:
    host = urlsplit(server.url).netloc
    queue = deque(role.starts)
    done: set[str] = set()
    shapes_of_role: set[str] = set()
    laid_out = 0
    while queue and laid_out < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        if path in done:
            continue
        shape = url_shape(path)
        checked = shape in walk.seen and path not in role.starts  # its layout was checked (for another role)
        # Each role reads the links of the first page of each shape it meets (signed in, a page offers more),
        # and of every poll and bill (an open poll has no results, a closed one has).
        if checked and shape in shapes_of_role and not path.startswith(HARVESTED):
            continue
        done.add(path)
        shapes_of_role.add(shape)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a link to a file download (an export): not a page
            continue
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        for href in page_links(page):
            parts = urlsplit(urldefrag(href)[0])
            if parts.netloc == host and not parts.query and not SKIP.search(parts.path) and parts.path not in done:
                queue.append(parts.path)
        if checked:
            continue
        walk.seen.add(shape)
        laid_out += 1
        walk.visited.append(f"{role.name} {path}")
        for language in LANGUAGES:
            if language != LANGUAGES[0]:
                _set_language(page.context, server, language)
                page.goto(path)
            _inspect(page, log, walk, role, path, language)
        _set_language(page.context, server, LANGUAGES[0])


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_every_page_lays_out_on_a_phone_and_a_laptop(
    role: Role, demo_server: LiveServer, browser: Browser, walk: Walk
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for context in _context(browser, demo_server):
        log = PageLog()
        log.attach(context, "127.0.0.1")
        page = context.new_page()
        if role.email:
            _sign_in(page, role)
        _set_language(context, demo_server, LANGUAGES[0])
        before = len(walk.problems)
        _crawl(page, log, walk, role, demo_server)
        found = walk.problems[before:]
        assert walk.visited, "no page was laid out"
        assert not found, f"{len(found)} layout problem(s) for the {role.name}:\n" + "\n".join(found[:80])
