"""What every page of the journey must pass: axe, weight, first-party only; plus screenshots.

Weight: runserver does not compress, so each response body the browser received is
gzip-compressed here (level 6, what a reverse proxy or WhiteNoise would send) and the
sizes summed: an estimate of the compressed transfer of a cold first load. The context
routes every request (see PageLog.attach), which also disables the HTTP cache, so every
page is measured as a first visit.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Request, Response, Route

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
MAX_PAGE_BYTES = 150 * 1024
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}
BLOCKING_IMPACTS = {"serious", "critical"}
_axe = Axe()


def main_text(page: Page) -> str:
    """What the page showed, for assertion messages."""
    try:
        return page.inner_text("main", timeout=2000)
    except Exception:
        try:
            return page.inner_text("body", timeout=2000)
        except Exception as exc:
            return f"<no text: {exc}>"


def shown(page: Page) -> str:
    text = main_text(page)
    if len(text) > 4000:  # Django's debug page: the exception and its first frames are enough
        text = text[:4000] + "\n[...]"
    return f"\n--- {page.url} showed:\n{text}\n---"


@dataclass
class PageLog:
    """Responses of the current document (reset on each main-frame navigation) and foreign requests."""

    javascript: bool = True
    responses: list[Response] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext, allowed_host: str) -> None:
        def route(route: Route) -> None:
            host = urlsplit(route.request.url).hostname
            if host == allowed_host:
                route.continue_()
            else:
                self.foreign.append(route.request.url)
                route.abort()

        def on_request(request: Request) -> None:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                self.responses.clear()

        def on_response(response: Response) -> None:
            self.responses.append(response)

        context.route("**/*", route)
        context.on("request", on_request)
        context.on("response", on_response)

    def compressed_bytes(self) -> tuple[int, list[tuple[str, int]]]:
        sizes: list[tuple[str, int]] = []
        for response in list(self.responses):
            if 300 <= response.status < 400:
                continue
            try:
                body = response.body()
            except Exception:  # noqa: S112 - a response the page dropped transferred nothing worth counting
                continue
            sizes.append((response.url, len(gzip.compress(body, compresslevel=6))))
        return sum(size for _, size in sizes), sizes


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{slug(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations, one readable line per failing node."""
    results = _axe.run(page, options=AXE_OPTIONS)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            problems.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}")
    return problems


def check_page(page: Page, log: PageLog, name: str, *, axe: bool = True) -> None:
    """The page-level promises: accessible, light, first-party only; and a screenshot for review."""
    page.wait_for_load_state("load")
    screenshot(page, name)
    total, sizes = log.compressed_bytes()
    with (ARTIFACTS / "page-weights.txt").open("a") as record:  # for the reviewer, beside the screenshots
        record.write(f"{total:>8} B gzip  {len(sizes):>2} responses  {name}\n")
    assert total <= MAX_PAGE_BYTES, f"{name}: {total} bytes compressed > {MAX_PAGE_BYTES}: {sizes}"
    assert not log.foreign, f"{name}: third-party requests {log.foreign}"
    # axe-core runs as page script: a JavaScript-disabled window is audited by its JS twin.
    if axe and log.javascript:
        problems = axe_violations(page)
        assert not problems, f"{name}: accessibility violations:\n" + "\n".join(problems) + shown(page)
