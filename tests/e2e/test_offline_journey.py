"""Offline participation, as an officer at a district desk does it (issue 15).

An officer registers a person who has no email and supports a proposal on her behalf; enters a
20-row paper signature sheet with 3 bad rows (each reported by line) and 1 person who already
supported online (reported, not counted); a visitor watching the proposal page sees the count rise
by exactly 16 without reloading; the desk's acts list names the officer for every act; the
proposal's printable sheet is one A4 page whose QR code leads to the proposal; the person signs in
later with her one-time code and sees her support. The officer's window runs without JavaScript.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import check_page, screenshot, shown
from tests.e2e.journey import button, label, sign_in
from tests.e2e.server import OFFLINE_CENSUS, LiveServer

DESK = "Municipalidad de Otuzco"


def _count(page: Page) -> int:
    return int(re.sub(r"\D", "", page.locator("#support-count").inner_text()))


def _a_proposal_collecting_supports(page: Page) -> str:
    page.goto("/")
    page.goto("/caminos-rurales/")
    page.locator("main li.card").filter(has_not_text="Institutional bill").locator("h3 a").first.click()
    expect(page.get_by_text(re.compile(r"APOYO [A-Z0-9]{5}")), shown(page)).to_be_visible()
    return page.url


def _short_code(page: Page) -> str:
    match = re.search(r"APOYO ([A-Z0-9]{5})", page.inner_text("main"))
    assert match, shown(page)
    return match[1]


def test_an_officer_brings_offline_people_in(demo_server: LiveServer, open_window: Callable[..., Window]) -> None:
    visitor = open_window()  # JavaScript on: the live count
    proposal_url = _a_proposal_collecting_supports(visitor.page)
    code = _short_code(visitor.page)
    check_page(visitor.page, visitor.log, "15 proposal page says how to support offline")

    # A verified citizen supports online (the sheet will carry her signature too).
    citizen = open_window()
    sign_in(citizen.page, "lucia@demo.decide", "demo-citizen-pass")
    citizen.page.goto(proposal_url)
    if citizen.page.get_by_role("button", name=re.compile("^support", re.I)).count():
        citizen.page.get_by_role("button", name=re.compile("^support", re.I)).click()
    expect(citizen.page.get_by_text("You support this proposal."), shown(citizen.page)).to_be_visible()

    # The officer, without JavaScript, registers Rosa (no email) and supports on her behalf.
    officer = open_window(javascript=False)
    sign_in(officer.page, "officer@demo.decide", "demo-officer-pass")
    main_nav = officer.page.get_by_role("navigation", name="Main")
    main_nav.locator("summary").click()  # on a phone the sections fold into the "Menu" disclosure
    main_nav.get_by_role("link", name="Officer desk").click()
    check_page(officer.page, officer.log, "15 officer desk")
    rosa = OFFLINE_CENSUS[0]
    officer.page.get_by_label(label("identity document number")).fill(rosa.document)
    officer.page.get_by_label(label("birth date")).fill(rosa.birth_date)
    officer.page.get_by_label(label("where you are")).fill(DESK)
    officer.page.get_by_label(label("public name")).fill("Rosa Q.")
    button(officer.page, "find or register")
    expect(officer.page.get_by_role("heading", name="Account opened"), shown(officer.page)).to_be_visible()
    login_code = officer.page.get_by_label("Sign-in code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", login_code), login_code
    check_page(officer.page, officer.log, "15 desk account opened with code")
    officer.page.get_by_role("link", name="Support a proposal for this person").click()
    officer.page.get_by_label(label("proposal code")).fill(code)
    button(officer.page, "register the support")
    expect(officer.page.get_by_role("main").get_by_role("status"), shown(officer.page)).to_contain_text("Counted")
    check_page(officer.page, officer.log, "15 desk support registered")

    # A 20-row sheet: 16 valid, the online supporter again, 3 bad rows.
    before = _count(visitor.page)
    officer.page.goto(proposal_url)
    officer.page.get_by_role("link", name="Enter a signature sheet").click()
    officer.page.get_by_label(label("sheet number")).fill("OTZ-0042")
    officer.page.get_by_label(label("where it was collected")).fill(DESK)
    signers = [(p.document, "/".join(reversed(p.birth_date.split("-")))) for p in OFFLINE_CENSUS[1:17]]
    rows = [
        *signers,
        ("41230003", "30/08/1996"),
        ("12345678", "01/01/1980"),
        (OFFLINE_CENSUS[17].document, "02/02/2002"),
        ("", "03/03/1990"),
    ]
    for line, (document, born) in enumerate(rows, start=1):
        officer.page.get_by_label(f"Line {line}: document number", exact=True).fill(document)
        officer.page.get_by_label(f"Line {line}: birth date", exact=True).fill(born)
    screenshot(officer.page, "15 sheet typed")
    button(officer.page, "enter the sheet")
    summary = officer.page.get_by_role("main").get_by_role("status")
    expect(summary, shown(officer.page)).to_contain_text("16 supports counted")
    expect(summary).to_contain_text("1 already supporting")
    expect(summary).to_contain_text("3 not counted")
    table = officer.page.get_by_role("table")
    expect(table.get_by_role("row").nth(17)).to_contain_text("Already supports this proposal")
    expect(table.get_by_role("row").nth(18)).to_contain_text("Not found in the census")
    expect(table.get_by_role("row").nth(19)).to_contain_text("Not found in the census")
    expect(table.get_by_role("row").nth(20)).to_contain_text("Incomplete or unreadable")
    check_page(officer.page, officer.log, "15 sheet entered with its rows")

    # The visitor's page, never reloaded, shows exactly 16 more.
    # Live events carry the bare number (the page load shows it with digit grouping).
    expect(visitor.page.locator("#support-count"), shown(visitor.page)).to_have_text(str(before + 16), timeout=20_000)

    # The acts list names the officer for each act.
    officer.page.goto("/accounts/desk/acts/")
    acts = officer.page.get_by_role("table")
    for act in (
        "Opened an account for a person",
        "Registered a support for a person",
        "Entered a paper signature sheet",
    ):
        expect(acts.get_by_role("row").filter(has_text=act).first, shown(officer.page)).to_contain_text("Marta Quispe")
    check_page(officer.page, officer.log, "15 desk acts")

    # The printable sheet: one A4 page, and its QR code leads to the proposal.
    printer = open_window()
    printer.page.goto(proposal_url)
    printer.page.get_by_role("link", name="Printable signature sheet").click()
    check_page(printer.page, printer.log, "15 printable sheet")
    pdf = printer.page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the printable sheet takes {pages} A4 pages"
    import zxingcpp
    from PIL import Image

    printer.page.set_viewport_size({"width": 900, "height": 1200})
    image = Image.open(io.BytesIO(printer.page.locator(".qr svg").screenshot(scale="css")))
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert decoded == [proposal_url], decoded

    # Rosa signs in later with her code and finds her support.
    person = open_window(javascript=False)
    person.page.goto("/accounts/code/")
    person.page.get_by_label(label("your sign-in code")).fill(login_code.lower())
    button(person.page, "sign in")
    expect(person.page.get_by_role("button", name=re.compile("sign out", re.I)), shown(person.page)).to_be_visible()
    person.page.goto(proposal_url)
    expect(person.page.get_by_text("You support this proposal."), shown(person.page)).to_be_visible()
    check_page(person.page, person.log, "15 person sees her assisted support")
