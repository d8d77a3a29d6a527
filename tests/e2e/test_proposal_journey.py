"""Journeys 1 to 3: a visitor reads; a citizen signs up, verifies and proposes; a moderator approves;
verified neighbours support the proposal until it qualifies. With and without JavaScript.

The demo's process in its proposals phase has its supports phase ahead: the administrator opens
it and lowers the threshold in the Wagtail page editor (once per server), as an administrator would
to run the two phases side by side.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import PageLog, check_page, screenshot, shown
from tests.e2e.journey import button, label, new_email, sign_in, sign_up
from tests.e2e.server import E2E_CENSUS, LiveServer

pytestmark = pytest.mark.e2e

PROPOSING_PROCESS = "Ley regional de agua y riego 2027"
SUPPORTERS = ("rosa@demo.decide", "juan@demo.decide", "lucia@demo.decide", "carlos@demo.decide")
DEMO_PASSWORD = "demo-citizen-pass"
LIMA = ZoneInfo("America/Lima")  # the server's TIME_ZONE: what the admin's date fields mean
MODES = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
_supports_opened: set[str] = set()


def open_process(page: Page, title: str) -> None:
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1), shown(page)).to_have_text(title)


@MODES
def test_visitor_browses_processes_proposals_and_reads_a_debate(
    open_window: Callable[..., Window], javascript: bool
) -> None:
    window = open_window(javascript=javascript)
    page, log = window.page, window.log
    tag = "js" if javascript else "nojs"
    page.goto("/")
    check_page(page, log, f"1 home {tag}")
    processes = page.get_by_role("main").get_by_role("heading", level=3).get_by_role("link").all_inner_texts()
    open_process(page, PROPOSING_PROCESS)
    # The calendar is a timeline of the four phases, the open one named in words.
    calendar = page.get_by_role("region", name=re.compile("calendar", re.I))
    expect(calendar.get_by_role("list"), shown(page)).to_be_visible()
    assert calendar.get_by_role("listitem").count() >= 4, "a step for each phase"
    expect(calendar, shown(page)).to_contain_text(re.compile("proposals", re.I))
    check_page(page, log, f"1 process {tag}")
    debate = _find_debate_with_comments(page, processes)
    expect(debate.get_by_role("article").first).to_be_visible()
    check_page(page, log, f"1 proposal with debate {tag}")
    # A visitor is invited to sign in, not shown a comment form.
    expect(debate.get_by_role("button", name=re.compile("publish comment", re.I))).to_have_count(0)


def _find_debate_with_comments(page: Page, processes: list[str]) -> Locator:
    """Browse processes and their proposals (oldest first: the demo seeds its debates there)."""
    tried: list[str] = []
    for process in processes:
        open_process(page, process)
        while page.get_by_role("link", name=re.compile("^next$", re.I)).count():
            page.get_by_role("link", name=re.compile("^next$", re.I)).click()
        region = page.get_by_role("region", name="Proposals")
        titles = list(reversed(region.get_by_role("heading", level=3).get_by_role("link").all_inner_texts()))
        for title in titles[:5]:
            tried.append(title)
            page.get_by_role("region", name="Proposals").get_by_role("link", name=title, exact=True).click()
            expect(page.get_by_role("heading", level=1), shown(page)).to_have_text(title)
            debate = page.get_by_role("region", name=re.compile("^debate", re.I))
            expect(debate, shown(page)).to_be_visible()
            if debate.get_by_role("article").count():
                return debate
            page.go_back()
    raise AssertionError(f"no debate with comments among {tried}" + shown(page))


def _close_date_pickers(page: Page) -> None:
    """Wagtail's third-party date picker opens on focus and may cover the footer buttons; it has no role
    to find it by, so this admin glue removes its popups (rebuilt on the next focus) before a click."""
    page.evaluate("() => document.querySelectorAll('.xdsoft_datetimepicker').forEach(p => p.remove())")


def _fill_admin_date(page: Page, field: str, value: str) -> None:
    page.get_by_label(label(field)).fill(value)
    page.keyboard.press("Enter")
    _close_date_pickers(page)
    expect(page.get_by_label(label(field))).to_have_value(value)


def open_supports_phase(open_window: Callable[..., Window], server: LiveServer) -> None:
    """Administrator: supports phase open now and a threshold of a handful, in the Wagtail editor."""
    if server.url in _supports_opened:
        return
    page = open_window(viewport={"width": 1280, "height": 900}).page
    sign_in(page, "admin@demo.decide", "demo-admin-pass")
    page.goto("/admin/pages/search/?q=" + PROPOSING_PROCESS.replace(" ", "+"))
    page.get_by_role("link", name=PROPOSING_PROCESS).first.click()
    expect(page.get_by_label(label("supports open")), shown(page)).to_be_visible()
    opened = (datetime.now(LIMA) - timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    _fill_admin_date(page, "supports open", opened)
    page.get_by_label(label("support threshold")).fill("0.05")
    _close_date_pickers(page)
    page.get_by_role("button", name=re.compile("more actions", re.I)).click()
    page.get_by_role("button", name=re.compile("^publish", re.I)).click()
    expect(page.get_by_text(re.compile("has been published", re.I)).first, shown(page)).to_be_visible()
    screenshot(page, "3 admin process published")
    _supports_opened.add(server.url)


def verify_against_census(page: Page, log: PageLog, person_index: int, tag: str) -> None:
    person = E2E_CENSUS[person_index]
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("my account", re.I)).click()
    page.get_by_role("link", name=re.compile("verify my identity", re.I)).click()
    check_page(page, log, f"2 verify {tag}")
    page.get_by_label(label("identity document number")).fill(person.document)
    page.get_by_label(label("birth date")).fill(person.birth_date)
    button(page, "verify")
    expect(page.get_by_role("main").get_by_role("status").first, shown(page)).to_contain_text(
        re.compile("verified citizen", re.I)
    )
    check_page(page, log, f"2 verified {tag}")


@MODES
def test_citizen_proposes_moderator_approves_neighbours_support_until_qualified(
    open_window: Callable[..., Window], demo_server: LiveServer, javascript: bool
) -> None:
    tag = "js" if javascript else "nojs"
    citizen = open_window(javascript=javascript)
    page, log = citizen.page, citizen.log
    sign_up(page, demo_server, new_email(f"proposer-{tag}"))
    verify_against_census(page, log, 0 if javascript else 1, tag)

    open_process(page, PROPOSING_PROCESS)
    page.get_by_role("link", name=re.compile("submit a proposal", re.I)).click()
    check_page(page, log, f"2 submit form {tag}")
    title = f"Bebederos solares para el ganado ({tag})"
    page.get_by_label(label("title")).fill(title)
    page.get_by_label(label("summary")).fill("Bebederos con bombas solares en los caseríos sin red eléctrica.")
    page.get_by_label(label("text of the proposal")).fill(
        "Cada caserío de altura recibe un bebedero con bomba solar, mantenido por la junta de usuarios."
    )
    button(page, "submit")
    expect(page.get_by_role("heading", level=1), shown(page)).to_have_text(title)
    expect(page.get_by_role("main"), shown(page)).to_contain_text(re.compile("waits for a moderator", re.I))
    check_page(page, log, f"2 submitted {tag}")
    proposal_url = page.url

    # 3. The moderator approves it from the moderation desk in the Wagtail admin.
    moderator = open_window(javascript=javascript, viewport={"width": 1280, "height": 900}).page
    sign_in(moderator, "moderator@demo.decide", "demo-moderator-pass")
    moderator.goto("/admin/moderation/")
    moderator.get_by_role("link", name=title).click()
    button(moderator, "approve and publish")
    expect(moderator.locator("#moderation-status"), shown(moderator)).to_contain_text(re.compile("published", re.I))
    screenshot(moderator, f"3 moderator approved {tag}")

    open_supports_phase(open_window, demo_server)

    # Verified neighbours support it, one after the other, until it qualifies.
    status = ""
    for email in SUPPORTERS:
        supporter = open_window(javascript=javascript)
        sign_in(supporter.page, email, DEMO_PASSWORD)
        supporter.page.goto(proposal_url)
        button(supporter.page, "support this proposal")
        expect(supporter.page.get_by_role("main"), shown(supporter.page)).to_contain_text(
            re.compile("you support this proposal", re.I)
        )
        status = supporter.page.locator("#proposal-status").inner_text()
        if re.search("qualified", status, re.I):
            check_page(supporter.page, supporter.log, f"3 qualified {tag}")
            break
    assert re.search("qualified", status, re.I), f"still {status!r} after {len(SUPPORTERS)} supports" + shown(
        supporter.page
    )
    if not javascript:
        return  # the Wagtail admin needs JavaScript; the no-JS votes are in test_vote_journey

    # 5. The administrator opens a poll on it; the proposer, a verified citizen, votes and gets a receipt.
    poll_title = administrator_opens_poll(open_window, title)
    page.goto("/polls/")
    page.get_by_role("main").get_by_role("link", name=poll_title).click()
    page.get_by_role("main").get_by_role("link", name=re.compile("^vote$", re.I)).click()
    page.get_by_role("main").get_by_role("radio").first.check()
    button(page, "review my choices")
    button(page, "confirm my vote")
    expect(page.get_by_role("heading", level=1), shown(page)).to_contain_text(re.compile("vote was recorded", re.I))
    check_page(page, log, "5 proposer voted on the new poll")


def administrator_opens_poll(open_window: Callable[..., Window], proposal_title: str) -> str:
    """Step 5's first half: the administrator puts the qualified proposal to a vote in the Wagtail admin."""
    page = open_window(viewport={"width": 1280, "height": 900}).page
    sign_in(page, "admin@demo.decide", "demo-admin-pass")
    page.goto("/admin/polls/new/")
    page.get_by_label(label("process")).select_option(label=PROPOSING_PROCESS)
    page.get_by_label(label("proposals put to the vote")).select_option(label=proposal_title)
    poll_title = f"Votación: {proposal_title}"
    page.get_by_label(label("title")).fill(poll_title)
    # Content in the region's language (the defaults come in the administrator's interface language).
    page.get_by_label(label("first question")).fill(f"¿Aprueba «{proposal_title}»?")
    page.get_by_label(label("options")).fill("Sí\nNo\nAbstención")
    page.locator("input[name=blank_label]").fill("Abstención")  # the blank vote is one of the options
    now = datetime.now(LIMA)
    _fill_admin_date(page, "opens at", (now - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M"))
    _fill_admin_date(page, "closes at", (now + timedelta(days=7)).strftime("%Y-%m-%d %H:%M"))
    _close_date_pickers(page)
    page.get_by_role("button", name=re.compile("^create", re.I)).click()
    # Saved: the admin leaves the form ("could not be created" would also say "created").
    expect(page, shown(page)).not_to_have_url(re.compile(r"/polls/new/"))
    screenshot(page, "5 admin opened a poll")
    return poll_title
