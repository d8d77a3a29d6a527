"""Journey: a bill's text from an uploaded file to the poll that decides it.

An administrator imports a bill from a .docx file (preview, then confirm); a citizen annotates article 3
without JavaScript and a selected passage of article 7 with JavaScript, while a second reader sees both
arrive live; a verified citizen proposes an amendment to article 5 and three others support it; a
moderator accepts it and publishes version 2; the diff shows the change; the final version goes to a
poll, whose page links to that version.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import check_page, shown
from tests.e2e.journey import button, label, sign_in

pytestmark = pytest.mark.e2e

LIVE_WAIT_MS = 15_000
DESKTOP = {"width": 1280, "height": 900}


def _bill_file(tag: str) -> bytes:
    document = Document()
    document.add_heading("Capítulo I", level=1)
    document.add_paragraph("Disposiciones generales")
    for n in range(1, 9):
        document.add_paragraph(f"Artículo {n}. Materia {n} {tag}")
        document.add_paragraph(
            f"La junta de usuarios del valle regula la materia {n} con turnos públicos y actas abiertas."
        )
        if n == 4:
            document.add_paragraph("cada turno se publica;", style="List Bullet")
            document.add_paragraph("cada acta se firma.", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _article(page: Page, number: int) -> object:
    return page.get_by_role("region", name=re.compile(rf"^Article {number}\.", re.I))


def _import(window: Window, tag: str) -> str:
    admin = window.page
    admin.goto("/admin/legislation/import/")
    bills = admin.get_by_label(label("bill"))
    # A proposal of the demo's water process (no territorial scope, its vote months ahead) is promoted to drafting.
    value = bills.evaluate(
        "(s) => [...s.options].find((o) => o.text.endsWith('(Ley regional de agua y riego 2027)')).value"
    )
    bills.select_option(value=value)
    now = timezone.now()
    for name, days in (
        ("reading opens", -2),
        ("annotation opens", -1),
        ("annotation closes", 20),
        ("amendments open", -1),
        ("amendments close", 20),
        ("final text from", 25),
    ):
        admin.get_by_label(label(name)).fill((now + timedelta(days=days)).strftime("%Y-%m-%d %H:%M"))
    admin.get_by_label(label("or upload a file")).set_input_files(
        {"name": "ordenanza.docx", "mimeType": "application/octet-stream", "buffer": _bill_file(tag)}
    )
    button(admin, "show the articles found")
    expect(admin.get_by_text("8 articles found."), shown(admin)).to_be_visible()
    check_page(admin, window.log, "legislation 1 import preview", axe=False)
    button(admin, "save the text as version 1")
    admin.get_by_role("link", name=re.compile("read the text", re.I)).first.click()  # newest first
    expect(admin.get_by_role("heading", level=1), shown(admin)).to_be_visible()
    return admin.url


def test_a_bill_from_file_to_poll(open_window: Callable[..., Window]) -> None:
    tag = secrets.token_hex(2)
    admin = open_window(javascript=False, viewport=DESKTOP)
    sign_in(admin.page, "admin@demo.decide", "demo-admin-pass")
    bill_url = _import(admin, tag)
    path = re.sub(r"^https?://[^/]+", "", bill_url)
    bill_title = admin.page.get_by_role("heading", level=1).inner_text().strip()
    process_title = admin.page.locator("article.bill > p.meta a").first.inner_text().strip()

    # A second reader (with JavaScript) keeps the bill open and is live.
    reader = open_window()
    reader.page.goto(path)
    expect(reader.page.get_by_text(re.compile("^live", re.I)).first, shown(reader.page)).to_be_visible(
        timeout=LIVE_WAIT_MS
    )
    reader.page.evaluate("() => { window.__e2eSamePage = true; }")
    check_page(reader.page, reader.log, "legislation 2 reading page")

    # Rosa comments on article 3 without JavaScript: the per-article form.
    rosa_nojs = open_window(javascript=False)
    sign_in(rosa_nojs.page, "rosa@demo.decide", "demo-citizen-pass")
    rosa_nojs.page.goto(path)
    article3 = _article(rosa_nojs.page, 3)
    article3.get_by_text("Comment on this article", exact=True).click()
    first = f"Sin JavaScript {tag}: los turnos deben publicarse también en la radio."
    article3.get_by_label(label("your comment on this article")).fill(first)
    article3.get_by_role("button", name=re.compile("publish comment", re.I)).click()
    expect(rosa_nojs.page.get_by_text(first).first, shown(rosa_nojs.page)).to_be_visible()
    check_page(rosa_nojs.page, rosa_nojs.log, "legislation 3 annotated nojs")

    # With JavaScript, Juan selects a passage of article 7 and comments on it.
    juan = open_window()
    sign_in(juan.page, "juan@demo.decide", "demo-citizen-pass")
    juan.page.goto(path)
    text7 = _article(juan.page, 7).locator("[data-role=article-text] p").first
    # Select the first words of the article's text as a reader would with the mouse.
    passage = text7.evaluate(
        """(node) => {
            const text = node.firstChild;
            const words = text.textContent.trim().split(/\\s+/).slice(0, 4).join(" ");
            const start = text.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
            return words;
        }"""
    )
    article7 = _article(juan.page, 7)
    expect(article7.get_by_text(f"“{passage}”"), shown(juan.page)).to_be_visible()
    second = f"Sobre el pasaje {tag}: ¿quién vigila que sean públicos?"
    article7.get_by_label(label("your comment on this article")).fill(second)
    article7.get_by_role("button", name=re.compile("publish comment", re.I)).click()
    expect(juan.page.get_by_text(second).first, shown(juan.page)).to_be_visible()

    # The reader saw both arrive without reloading.
    expect(_article(reader.page, 3).get_by_text(first), shown(reader.page)).to_be_visible(timeout=LIVE_WAIT_MS)
    expect(_article(reader.page, 7).get_by_text(second), shown(reader.page)).to_be_visible(timeout=LIVE_WAIT_MS)
    expect(_article(reader.page, 7).get_by_text(passage).last, shown(reader.page)).to_be_visible()
    assert reader.page.evaluate("() => window.__e2eSamePage === true"), "the reader's page reloaded"
    check_page(reader.page, reader.log, "legislation 4 live annotations")

    # Rosa (verified) proposes an amendment to article 5.
    rosa_nojs.page.goto(path)
    _article(rosa_nojs.page, 5).get_by_role("link", name=re.compile("comments", re.I)).click()
    amended = "La junta de usuarios y la municipalidad regulan la materia 5 con turnos públicos y actas abiertas."
    rosa_nojs.page.get_by_label(label("new wording of the article")).fill(amended)
    rosa_nojs.page.get_by_label(label("why it should change")).fill("La municipalidad también gestiona el agua.")
    button(rosa_nojs.page, "propose the amendment")
    expect(rosa_nojs.page.get_by_role("heading", level=1), shown(rosa_nojs.page)).to_contain_text("Amendment")
    amendment_path = re.sub(r"^https?://[^/]+", "", rosa_nojs.page.url)
    check_page(rosa_nojs.page, rosa_nojs.log, "legislation 5 amendment")

    # Three others support it; the reader watching the amendment sees the count move live.
    reader.page.goto(amendment_path)
    expect(reader.page.get_by_text(re.compile("^live", re.I)).first, shown(reader.page)).to_be_visible(
        timeout=LIVE_WAIT_MS
    )
    for email in ("juan@demo.decide", "lucia@demo.decide", "carlos@demo.decide"):
        supporter = open_window(javascript=email != "lucia@demo.decide")
        sign_in(supporter.page, email, "demo-citizen-pass")
        supporter.page.goto(amendment_path)
        button(supporter.page, "support this amendment")
        expect(
            supporter.page.get_by_text(re.compile("you support this amendment", re.I)), shown(supporter.page)
        ).to_be_visible()
    supports = reader.page.locator("[data-role=amendment-supports]")
    expect(supports, shown(reader.page)).to_have_text("3", timeout=LIVE_WAIT_MS)

    # A moderator accepts it and publishes version 2.
    moderator = open_window(javascript=False, viewport=DESKTOP)
    sign_in(moderator.page, "moderator@demo.decide", "demo-moderator-pass")
    moderator.page.goto(amendment_path)
    moderator.page.get_by_role("radio", name=re.compile("^accept$", re.I)).check()
    button(moderator.page, "record the decision")
    moderator.page.get_by_role("link", name=re.compile("publish a version", re.I)).click()
    button(moderator.page, "publish the new version")
    expect(moderator.page.get_by_role("heading", level=1), shown(moderator.page)).to_contain_text("version 2")

    # The diff shows the change, word by word.
    moderator.page.get_by_role("link", name=re.compile("what changed from the previous version", re.I)).click()
    diff = moderator.page.get_by_role("main")
    expect(diff.locator("ins").first, shown(moderator.page)).to_contain_text("y la municipalidad regulan")
    expect(diff.locator("del").first, shown(moderator.page)).to_contain_text("regula")
    check_page(moderator.page, moderator.log, "legislation 6 diff")
    version2 = path + "versions/2/"

    # The final version goes to a poll; the poll page links to it.
    admin.page.goto("/admin/polls/new/")
    admin.page.get_by_label(label("process")).select_option(label=process_title)
    title = f"Consulta sobre la ordenanza {tag}"
    admin.page.locator("input[name=title]").fill(title)
    # Content in the region's language (the defaults come in the administrator's interface language).
    admin.page.get_by_label(label("first question")).fill(f"¿Aprueba la versión 2 de «{bill_title}»?")
    admin.page.get_by_label(label("options")).fill("Sí\nNo\nAbstención")
    admin.page.locator("input[name=blank_label]").fill("Abstención")  # the blank vote is one of the options
    now = timezone.now()
    admin.page.locator("input[name=opens_at]").fill((now + timedelta(days=30)).strftime("%Y-%m-%d %H:%M"))
    admin.page.locator("input[name=closes_at]").fill((now + timedelta(days=37)).strftime("%Y-%m-%d %H:%M"))
    admin.page.locator("select[name=version]").select_option(label=f"{bill_title} · v2")
    admin.page.get_by_role("button", name=re.compile("^(save|create)", re.I)).first.click()
    expect(admin.page.get_by_role("link", name=title).first, shown(admin.page)).to_be_visible()
    edit = admin.page.get_by_role("link", name=title).first.get_attribute("href") or ""
    poll_id = re.search(r"/(\d+)/", edit)
    assert poll_id, f"no poll id in {edit}"
    admin.page.goto(f"/polls/{poll_id.group(1)}/")
    link = admin.page.get_by_role("link", name=re.compile("version 2 of", re.I))
    expect(link, shown(admin.page)).to_be_visible()
    assert link.get_attribute("href") == version2
    check_page(admin.page, admin.log, "legislation 7 poll links the version")
