"""The journey's pages in Spanish, chosen with the language switcher: no English source string left.

English strings are the literal msgids of our templates ({% translate %}) and, once it exists, of
the Spanish catalogue (locale/es/LC_MESSAGES/django.po). A visible text (or aria-label/placeholder)
equal to one of them, and not translated to itself in the catalogue, is an untranslated string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import Window
from tests.e2e.helpers import check_page, shown
from tests.e2e.journey import switch_language

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
TEMPLATE_DIRS = [ROOT / "templates", *(ROOT / app / "templates" for app in ("accounts", "cms", "proposals", "votes"))]
TRANSLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
VISIBLE_TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || ["SCRIPT", "STYLE", "NOSCRIPT"].includes(el.tagName) || !el.checkVisibility()) continue;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (text) texts.push(text);
  }
  for (const el of document.querySelectorAll("[aria-label], [placeholder], [title], img[alt]")) {
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.replace(/\\s+/g, " ").trim());
    }
  }
  return texts;
}"""


def _catalogue() -> dict[str, str]:
    """msgid → msgstr of the Spanish catalogue (single-line entries are enough for the check)."""
    import polib

    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete}


def english_sources() -> set[str]:
    sources: set[str] = set()
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            sources.update(match.group(2) for match in TRANSLATE_TAG.finditer(template.read_text()))
    if CATALOGUE.exists():
        sources.update(_catalogue())
    # A string that reads the same in Spanish (e.g. "Decide") is translated by being itself.
    same = {msgid for msgid, msgstr in _catalogue().items() if msgstr == msgid} if CATALOGUE.exists() else set()
    # Single short words ("Total", "No") may be Spanish too: only phrases and long words count.
    return {s for s in sources - same if re.search(r"[A-Za-z]{3}", s) and (" " in s.strip() or len(s) > 12)}


def untranslated(page: Page, sources: set[str]) -> list[str]:
    texts = page.evaluate(VISIBLE_TEXTS)
    return sorted({text for text in texts if text in sources or text.rstrip(":.") in sources})


def test_journey_pages_in_spanish_have_no_english_left(open_window: Callable[..., Window]) -> None:
    assert CATALOGUE.exists(), f"no Spanish catalogue at {CATALOGUE.relative_to(ROOT)}: run `make messages`"
    sources = english_sources()
    window = open_window(locale="en-US")
    page = window.page
    page.goto("/")
    # The detector itself: on the English page it must find English strings.
    assert untranslated(page, sources), "the check finds no English string even on the English page"
    switch_language(page, "es")
    problems: dict[str, list[str]] = {}

    def visit(name: str) -> None:
        page.wait_for_load_state("load")
        check_page(page, window.log, f"es {name}")
        assert page.locator("html").get_attribute("lang") == "es", f"{name} is not in Spanish" + shown(page)
        left = untranslated(page, sources)
        if left:
            problems[f"{name} ({page.url})"] = left

    visit("home")
    page.get_by_role("main").get_by_role("link", name="Ley regional de agua y riego 2027").click()
    visit("process")
    page.get_by_role("main").get_by_role("heading", level=3).get_by_role("link").first.click()
    visit("proposal")
    page.goto("/polls/")
    visit("polls")
    poll_urls = [link.get_attribute("href") or "" for link in page.get_by_role("main").get_by_role("link").all()]
    page.get_by_role("main").get_by_role("link").first.click()
    visit("poll")
    # Published results: numbers and dates in the Spanish way (3.017, 26 de noviembre de 2026, 16:23).
    published = [url for url in poll_urls if re.fullmatch(r"/polls/\d+/", url)]
    for url in published:
        response = page.goto(url + "results/")
        if response is not None and response.status == 200:
            visit("results")
            text = page.inner_text("main")
            english = re.findall(
                r"\b\d{1,3},\d{3}\b|\b[ap]\.m\.|\b(?:January|February|March|April|May|June|July|"
                r"August|September|October|November|December)\b",
                text,
            )
            if english:
                problems[f"results numbers and dates ({page.url})"] = english
            break
    else:
        raise AssertionError(f"no published results among {published}" + shown(page))
    page.goto("/accounts/signup/")
    visit("sign up")
    page.goto("/accounts/login/")
    visit("sign in")
    assert not problems, "English strings on Spanish pages:\n" + "\n".join(
        f"- {name}: {texts}" for name, texts in problems.items()
    )
