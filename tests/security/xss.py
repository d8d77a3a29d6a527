"""Render Decide's pages in Chromium and report any effect of an injected payload.

The browser talks to no server: each page is fetched by Django's test client in this process (same
database, same transaction, SQLite or PostgreSQL) and handed to Chromium at its URL; static files come
from the finders (the page's own scripts run), anything else is aborted. The real response headers
are kept, the Content Security Policy included.

A page fails when, after it loaded and its images failed: a dialog opened (alert/confirm/prompt/print),
a CSP violation was reported, an element carries an on* attribute, a URL attribute holds javascript:,
vbscript: or data:text/html, an iframe/object/embed/base/meta-refresh appeared, an inline script mentions
a payload, a template expression was evaluated (SSTI_PRODUCT), or the server answered 5xx.

ADD YOUR FIELD (tests/security/test_xss.py runs every entry of XSS_FIELDS):

    XSS_FIELDS.append(XssField("legislation annotation text", write_annotations))

where `write_annotations(payloads) -> list[Visit]` puts each payload through your form or service (with
Django's test client, as a person would) and returns the pages (client + path) that show them.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http.response import HttpResponseBase
from django.test import Client
from playwright.sync_api import Browser, Dialog, Page, Route

from tests.security.xss_payloads import SSTI_PRODUCT

ORIGIN = "http://testserver"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_HOOKS = """
window.__xss = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__xss.push(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} ${e.sample || ''}`);
}, true);
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__xss.push(`${name}(${args.join(',')}) ran`); };
}
"""

_SCAN = """
(secret) => {
  const found = [...window.__xss];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'poster', 'srcdoc'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`<${el.tagName.toLowerCase()} ${name}="${attr.value}">`);
      if (urlAttrs.includes(name) && /^(javascript|vbscript):|^data:text\\/html/.test(value)) {
        found.push(`<${el.tagName.toLowerCase()} ${name}="${attr.value}">`);
      }
    }
    const tag = el.tagName.toLowerCase();
    if (['iframe', 'frame', 'object', 'embed', 'base'].includes(tag)) found.push(`injected <${tag}>`);
    if (tag === 'meta' && el.httpEquiv) found.push(`injected <meta http-equiv=${el.httpEquiv}>`);
    if (tag === 'script' && !el.src && /alert|print\\(|evil\\.example/.test(el.textContent)) {
      found.push(`inline <script>${el.textContent.slice(0, 80)}</script>`);
    }
  }
  const text = document.documentElement.innerText || '';
  if (text.includes('__SSTI__')) found.push('a template expression was evaluated (__SSTI__)');
  if (secret && text.includes(secret)) found.push('the SECRET_KEY is shown');
  return found;
}
""".replace("__SSTI__", SSTI_PRODUCT)


@dataclass(frozen=True)
class Visit:
    """A page to look at, as `client` (signed in or not) sees it."""

    client: Client
    path: str
    response: HttpResponseBase | None = None  # already answered (a refused form echoing its input)


@dataclass(frozen=True)
class XssField:
    name: str
    write: Callable[[Sequence[str]], list[Visit]]


XSS_FIELDS: list[XssField] = []


def _static(path: str) -> tuple[bytes, str] | None:
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    if not found:
        return None
    file = Path(found if isinstance(found, str) else found[0])
    return file.read_bytes(), mimetypes.guess_type(file.name)[0] or "application/octet-stream"


@dataclass
class Renderer:
    """Chromium showing responses that Django's test client fetched in this thread (the ORM never runs in
    Playwright's callbacks: they run in another context, which would open another database connection)."""

    browser: Browser
    problems: list[str] = field(default_factory=list)
    _current: tuple[str, int, dict[str, str], bytes] = ("", 0, {}, b"")

    def _serve(self, route: Route) -> None:
        url = urlsplit(route.request.url)
        document_url, status, headers, body = self._current
        if route.request.url == document_url:
            route.fulfill(status=status, headers=headers, body=body)
        elif f"{url.scheme}://{url.netloc}" == ORIGIN and url.path.startswith(settings.STATIC_URL):
            static = _static(url.path)
            if static is None:
                route.fulfill(status=404, body=b"")
            else:
                route.fulfill(status=200, body=static[0], headers={"Content-Type": static[1]})
        else:
            route.abort()

    def _dialog(self, page: Page, dialog: Dialog) -> None:
        self.problems.append(f"{page.url}: a {dialog.type} dialog opened: {dialog.message!r}")
        dialog.dismiss()

    def render(self, responses: Iterable[tuple[str, HttpResponseBase]]) -> None:
        """Show each (path, response) in one browser page, and scan it."""
        context = self.browser.new_context(service_workers="block")
        context.add_init_script(_HOOKS)
        context.route("**/*", self._serve)
        page = context.new_page()
        page.on("dialog", lambda dialog: self._dialog(page, dialog))
        page.on(
            "console",
            lambda message: (
                self.problems.append(f"{page.url}: console: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        try:
            for path, response in responses:
                if response.status_code >= 500:
                    self.problems.append(f"{path}: the server answered {response.status_code}")
                content = (
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
                    if response.streaming
                    else response.content  # type: ignore[attr-defined]
                )
                headers = {k: v for k, v in response.items() if k.lower() not in ("content-length", "location")}
                self._current = (ORIGIN + path, 200, headers, content)
                page.goto(ORIGIN + path, wait_until="load", timeout=15_000)
                page.wait_for_timeout(30)  # onerror of broken images and onload handlers fire by now
                for found in page.evaluate(_SCAN, settings.SECRET_KEY):
                    self.problems.append(f"{path}: {found}")
        finally:
            context.close()

    def visit(self, visits: Sequence[Visit]) -> None:
        def fetched() -> Iterator[tuple[str, HttpResponseBase]]:
            for visit in visits:
                if visit.response is not None:
                    yield visit.path, visit.response
                    continue
                response = visit.client.get(visit.path, follow=True)
                if response.status_code >= 400:
                    self.problems.append(f"{visit.path}: answered {response.status_code}, the payloads were not shown")
                yield (
                    response.request["PATH_INFO"]
                    + ("?" + response.request["QUERY_STRING"] if response.request.get("QUERY_STRING") else ""),
                    response,
                )

        self.render(fetched())

    def show(self, path: str, responses: Iterable[HttpResponseBase]) -> None:
        """Render response bodies (a form echoing its input) one after the other at `path`."""
        self.render((path, response) for response in responses)
