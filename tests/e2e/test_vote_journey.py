"""Journeys 5 to 7 on the demo's open poll: citizens vote (one by keyboard only, one without
JavaScript) and keep their receipts, a second vote is refused; an officer records a booth voter;
the poll closes; the officer enters the paper tally; the administrator publishes (without
JavaScript); the receipt check confirms a ballot; the results page shows the inclusion charts.

The poll is the demo's open poll: creating one in the Wagtail admin is not driven here. Its close
is brought forward the way time would bring it: closes_at moved to now, then the `close_polls`
command that cron runs every minute (a poll's dates are locked in the admin once it opens).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import check_page, shown
from tests.e2e.journey import button, label, sign_in, tab_to
from tests.e2e.server import E2E_CENSUS, LiveServer

pytestmark = pytest.mark.e2e

POLL_TITLE = "Votación: educación intercultural y rural"  # votes.demo.POLL_TITLE
DEMO_PASSWORD = "demo-citizen-pass"


def open_poll(page: Page) -> str:
    page.goto("/polls/")
    page.get_by_role("main").get_by_role("link", name=POLL_TITLE).click()
    expect(page.get_by_role("heading", level=1), shown(page)).to_have_text(POLL_TITLE)
    return page.url


def receipt_code(page: Page) -> str:
    expect(page.get_by_role("heading", level=1), shown(page)).to_contain_text(re.compile("vote was recorded", re.I))
    code = page.locator("#receipt-code").inner_text().strip()
    assert len(code) >= 8, f"no receipt code: {code!r}" + shown(page)
    return code


def vote_by_keyboard(page: Page) -> str:
    """Tab, Space and Enter only, from the poll page to the receipt."""
    tab_to(page, page.get_by_role("main").get_by_role("link", name=re.compile("^vote$", re.I)))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1), shown(page)).to_contain_text(re.compile("ballot", re.I))
    first = page.get_by_role("main").get_by_role("radio").first
    tab_to(page, first)
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    tab_to(page, page.get_by_role("button", name=re.compile("review my choices", re.I)))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1), shown(page)).to_contain_text(re.compile("confirm", re.I))
    tab_to(page, page.get_by_role("button", name=re.compile("confirm my vote", re.I)))
    page.keyboard.press("Enter")
    return receipt_code(page)


def test_vote_booth_close_publish_receipt_and_results(
    open_window: Callable[..., Window], demo_server: LiveServer
) -> None:
    # 5. A verified citizen votes by keyboard only (JavaScript on) and keeps the receipt.
    lucia = open_window()
    sign_in(lucia.page, "lucia@demo.decide", DEMO_PASSWORD)
    poll_url = open_poll(lucia.page)
    check_page(lucia.page, lucia.log, "5 poll open")
    keyboard_code = vote_by_keyboard(lucia.page)
    check_page(lucia.page, lucia.log, "5 receipt")

    # Another votes without JavaScript, then tries again: refused.
    carlos = open_window(javascript=False)
    sign_in(carlos.page, "carlos@demo.decide", DEMO_PASSWORD)
    carlos.page.goto(poll_url)
    check_page(carlos.page, carlos.log, "5 poll open nojs")
    carlos.page.get_by_role("main").get_by_role("link", name=re.compile("^vote$", re.I)).click()
    check_page(carlos.page, carlos.log, "5 ballot nojs")
    carlos.page.get_by_role("main").get_by_role("radio").nth(1).check()
    button(carlos.page, "review my choices")
    check_page(carlos.page, carlos.log, "5 review nojs")
    button(carlos.page, "confirm my vote")
    nojs_code = receipt_code(carlos.page)
    check_page(carlos.page, carlos.log, "5 receipt nojs")
    carlos.page.goto(poll_url)
    expect(carlos.page.get_by_role("main"), shown(carlos.page)).to_contain_text(re.compile("you have voted", re.I))
    carlos.page.goto(poll_url + "vote/")
    expect(carlos.page.get_by_role("alert"), shown(carlos.page)).to_contain_text(re.compile("already", re.I))
    check_page(carlos.page, carlos.log, "5 second vote refused nojs")

    # 6. An officer records a voter at the booth after checking the identity document in person.
    officer = open_window()
    sign_in(officer.page, "officer@demo.decide", "demo-officer-pass")
    officer.page.goto(poll_url)
    officer.page.get_by_role("link", name=re.compile("booths", re.I)).click()
    check_page(officer.page, officer.log, "6 booths")
    officer.page.get_by_role("link", name=re.compile("open the desk", re.I)).first.click()
    desk_url = officer.page.url
    person = E2E_CENSUS[5]
    officer.page.get_by_label(label("identity document number")).fill(person.document)
    officer.page.get_by_label(label("birth date")).fill(person.birth_date)
    button(officer.page, "look up")
    found = officer.page.get_by_role("heading", name=re.compile("person found", re.I))
    expect(found, shown(officer.page)).to_be_visible()
    officer.page.get_by_label(re.compile("checked this person's identity", re.I)).check()
    button(officer.page, "record the vote")
    check_page(officer.page, officer.log, "6 booth voter recorded")
    # The same person cannot be recorded twice.
    officer.page.get_by_label(label("identity document number")).fill(person.document)
    officer.page.get_by_label(label("birth date")).fill(person.birth_date)
    button(officer.page, "look up")
    expect(officer.page.get_by_role("alert"), shown(officer.page)).to_contain_text(re.compile("already", re.I))

    # 7. The poll closes (time brought forward, then the cron command).
    poll_id = re.search(r"/polls/(\d+)/", poll_url)
    assert poll_id, poll_url
    demo_server.manage(
        "shell",
        "-c",
        "from django.utils import timezone; from votes.models import Poll; "
        f"Poll.objects.filter(pk={poll_id.group(1)}).update(closes_at=timezone.now())",
    )
    demo_server.manage("close_polls")

    # The officer enters the paper tally: every booth voter's paper ballot, on the first option.
    officer.page.goto(desk_url)
    officer.page.get_by_role("link", name=re.compile("paper tally", re.I)).click()
    voters_text = officer.page.get_by_role("main").inner_text()
    voters = re.search(r"(\d+) (?:person|people) voted at this booth", voters_text)
    assert voters, "booth voter count not shown" + shown(officer.page)
    counts = officer.page.get_by_role("spinbutton")
    for index in range(counts.count()):
        counts.nth(index).fill(voters.group(1) if index == 0 else "0")
    button(officer.page, "save the tally")
    expect(officer.page.get_by_role("table"), shown(officer.page)).to_be_visible()
    check_page(officer.page, officer.log, "6 paper tally")

    # The administrator reviews and publishes, without JavaScript.
    admin = open_window(javascript=False)
    sign_in(admin.page, "admin@demo.decide", "demo-admin-pass")
    admin.page.goto(poll_url + "results/review/")
    check_page(admin.page, admin.log, "7 review results nojs")
    button(admin.page, "publish these results")
    expect(admin.page.get_by_role("heading", level=1), shown(admin.page)).to_contain_text(re.compile("results", re.I))

    # A voter checks a receipt (without JavaScript): counted as cast.
    carlos.page.goto(poll_url)
    carlos.page.get_by_role("link", name=re.compile("check your receipt", re.I)).click()
    carlos.page.get_by_label(label("receipt code")).fill(nojs_code)
    button(carlos.page, "check")
    expect(carlos.page.get_by_role("main").get_by_role("status").first, shown(carlos.page)).to_contain_text(
        re.compile("counted as cast", re.I)
    )
    check_page(carlos.page, carlos.log, "7 receipt confirmed nojs")

    # The keyboard voter's receipt too, and the public results with the inclusion charts.
    lucia.page.goto(poll_url + "receipt/")
    lucia.page.get_by_label(label("receipt code")).fill(keyboard_code)
    button(lucia.page, "check")
    expect(lucia.page.get_by_role("main").get_by_role("status").first, shown(lucia.page)).to_contain_text(
        re.compile("counted as cast", re.I)
    )
    for window, tag in ((lucia, "js"), (carlos, "nojs")):
        window.page.goto(poll_url)
        window.page.get_by_role("link", name=re.compile("published results", re.I)).click()
        main = window.page.get_by_role("main")
        expect(main.get_by_role("heading", name=re.compile("who took part", re.I)), shown(window.page)).to_be_visible()
        expect(main.get_by_role("img").first, shown(window.page)).to_be_visible()
        assert main.locator("svg[role='img']").count() >= 1, "no SVG chart" + shown(window.page)
        assert main.get_by_role("table").count() >= 1, "no table beside the charts" + shown(window.page)
        check_page(window.page, window.log, f"7 results {tag}")
