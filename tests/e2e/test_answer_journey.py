"""After the vote (issue 20): the council answers, the author hears of it, the work is tracked to the end.

On the demo: the closed process ("Presupuesto participativo regional 2026") passed its answer date
three weeks after its vote, so its unanswered voted proposals show as overdue. The administrator
answers one written by a demo citizen, attaching a PDF; the author finds the notification and the
answer; milestones added over time move the progress bar; "what became of the proposals" lists it
as answered while the others stay flagged overdue. Desktop for the administrator (without
JavaScript), phone for everyone else.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import check_page, shown
from tests.e2e.journey import button, label, sign_in
from tests.proposals.followup.files import pdf

pytestmark = pytest.mark.e2e

CLOSED_PROCESS = "Presupuesto participativo regional 2026"
DEMO_CITIZENS = ("rosa", "juan", "lucia", "carlos", "citizen")
DESKTOP = {"width": 1280, "height": 900}
VOTED = re.compile(r"^(accepted|rejected)$", re.I)


def _outcomes(page: Page) -> str:
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name=CLOSED_PROCESS).first.click()
    page.get_by_role("link", name=re.compile("what became of the proposals", re.I)).click()
    expect(page.get_by_role("heading", level=1), shown(page)).to_have_text(re.compile("what became", re.I))
    return page.url


def _cards(page: Page) -> dict[str, str]:
    """Title → link of every proposal card listed on the outcomes page."""
    links = page.get_by_role("main").locator("li.card h2 a")
    return {links.nth(i).inner_text().strip(): str(links.nth(i).get_attribute("href")) for i in range(links.count())}


def _authored_voted(window: Window, process_url: str) -> dict[str, str]:
    """The voted (accepted or rejected) proposals this signed-in citizen wrote, from the process's 'Your proposals'."""
    window.page.goto(process_url)
    mine = window.page.get_by_role("heading", name=re.compile("^your proposals$", re.I))
    if not mine.count():
        return {}
    found = {}
    items = mine.locator("xpath=following-sibling::ul[1]/li")
    for i in range(items.count()):
        item = items.nth(i)
        if VOTED.match(item.locator(".badge").inner_text().strip()):
            link = item.get_by_role("link")
            found[link.inner_text().strip()] = str(link.get_attribute("href"))
    return found


def _progress(page: Page) -> int:
    return int(str(page.locator("#progress-bar").get_attribute("value")))


def test_the_council_answers_and_the_work_is_followed_to_the_end(open_window: Callable[..., Window]) -> None:
    visitor = open_window()
    outcomes_url = _outcomes(visitor.page)
    process_url = outcomes_url.removesuffix("outcomes/")

    # Overdue, publicly: the filter lists the closed process's unanswered voted proposals, flagged.
    visitor.page.get_by_label(label("answer")).select_option(label="Answer overdue")
    button(visitor.page, "filter")
    overdue = _cards(visitor.page)
    assert len(overdue) >= 2, "the demo's closed process should owe several answers" + shown(visitor.page)
    expect(visitor.page.locator("li.card .badge-warn").first, shown(visitor.page)).to_have_text("Answer overdue")
    check_page(visitor.page, visitor.log, "20 outcomes overdue filter")

    # Whose is which: a demo citizen reads 'Your proposals' on the process page.
    author = None
    for name in DEMO_CITIZENS:
        window = open_window()
        sign_in(window.page, f"{name}@demo.decide", "demo-citizen-pass")
        voted = {title: url for title, url in _authored_voted(window, process_url).items() if title in overdue}
        if voted:
            author, (title, proposal_path) = window, next(iter(voted.items()))
            break
        window.context.close()
    assert author is not None, "no demo citizen wrote an overdue voted proposal of the closed process"
    author.page.goto(proposal_path)
    expect(author.page.locator("#answer-overdue"), shown(author.page)).to_be_visible()
    check_page(author.page, author.log, "20 author sees the answer is overdue")

    # The administrator answers it, without JavaScript, with the council's PDF attached.
    admin = open_window(javascript=False, viewport=DESKTOP)
    sign_in(admin.page, "admin@demo.decide", "demo-admin-pass")
    admin.page.goto(proposal_path)
    admin.page.get_by_role("link", name=re.compile("^answer this proposal$", re.I)).click()
    body = f"Consejo Regional de La Libertad {secrets.token_hex(2)}"
    admin.page.get_by_label(label("state")).select_option(label="Accepted")
    admin.page.get_by_label(label("answer")).fill(
        "<p>El Consejo Regional <strong>acepta</strong> la propuesta e incluye la obra en el presupuesto 2027.</p>"
    )
    admin.page.get_by_label(label("responsible body")).fill(body)
    admin.page.get_by_label(label("date of the answer")).fill("2026-12-01")
    admin.page.get_by_label(label("document or picture")).set_input_files(
        {"name": "acuerdo-del-consejo.pdf", "mimeType": "application/pdf", "buffer": pdf()}
    )
    check_page(admin.page, admin.log, "20 administrator answer form", axe=False)
    button(admin.page, "publish the answer")
    answer = admin.page.locator("#answer")
    expect(answer, shown(admin.page)).to_contain_text(body)
    expect(answer.get_by_role("link", name="acuerdo-del-consejo.pdf", exact=True), shown(admin.page)).to_be_visible()
    check_page(admin.page, admin.log, "20 answer published with its pdf", axe=False)
    pdf_link = answer.get_by_role("link", name="acuerdo-del-consejo.pdf", exact=True)
    response = admin.page.request.get(str(pdf_link.get_attribute("href")))
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"

    # The author hears of it: the notification centre, then the answer on the proposal.
    author.page.goto("/notifications/")
    notice = (
        author.page.get_by_role("main")
        .get_by_role("listitem")
        .filter(has_text=title)
        # Written in the author's language (the demo's citizens read Spanish).
        .filter(has_text=re.compile("official answer|respuesta oficial", re.I))
    )
    expect(notice.first, shown(author.page)).to_be_visible()
    check_page(author.page, author.log, "20 author notification of the answer")
    author.page.goto(proposal_path)
    expect(author.page.locator("#answer-state"), shown(author.page)).to_have_text("Accepted")
    expect(author.page.locator("#answer-overdue")).to_have_count(0)
    check_page(author.page, author.log, "20 author reads the answer")

    # Milestones over time move the progress bar.
    for day, progress, status, text in (
        ("2027-02-15", 25, "In progress", "Expediente técnico aprobado por la Gerencia de Infraestructura."),
        ("2027-06-30", 80, "In progress", "Obra ejecutada en un 80 %: falta la conexión domiciliaria."),
    ):
        admin.page.goto(proposal_path)
        admin.page.get_by_role("link", name=re.compile("^add a milestone$", re.I)).click()
        admin.page.get_by_label(label("date")).fill(day)
        admin.page.get_by_label(label("what was done")).fill(text)
        admin.page.get_by_label(label("progress")).fill(str(progress))
        admin.page.get_by_label(label("status")).select_option(label=status)
        button(admin.page, "add the milestone")
        expect(admin.page.locator("#implementation"), shown(admin.page)).to_contain_text(text)
        author.page.goto(proposal_path)
        assert _progress(author.page) == progress, shown(author.page)
        check_page(author.page, author.log, f"20 progress bar at {progress}")

    # What became of the proposals: answered with its progress; the others still flagged overdue.
    visitor.page.goto(outcomes_url)
    card = visitor.page.get_by_role("main").locator("li.card").filter(has_text=title)
    expect(card, shown(visitor.page)).to_contain_text("Accepted")
    expect(card.locator("progress")).to_have_attribute("value", "80")
    check_page(visitor.page, visitor.log, "20 outcomes lists the answered proposal")
    visitor.page.get_by_label(label("answer")).select_option(label="Answer overdue")
    button(visitor.page, "filter")
    still = _cards(visitor.page)
    assert title not in still and still, shown(visitor.page)
    check_page(visitor.page, visitor.log, "20 outcomes still overdue")
