"""After the vote (issue 20), the figures: a poll's outcome under its rule, ages in the statistics, the admin views.

On the demo: a visitor opens the closed poll's published results (the outcome section says binding or
consultative and explains the rule), then the process's statistics (age bands beside the groups, voting
online and at booths in the channel tables), on a phone. The administrator reads the audit log, filters
it, and opens the weekly activity dashboard, on a desktop. Public pages pass the page checks (axe,
weight, first party); the Wagtail admin pages are Wagtail's own weight, so axe alone is asked of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import axe_violations, check_page, screenshot, shown
from tests.e2e.journey import sign_in

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}


def test_visitor_reads_the_outcome_and_the_ages(open_window: Callable[..., Window]) -> None:
    visitor = open_window()
    page = visitor.page
    polls = page.request.get("/api/v1/polls/").json()["items"]
    published = next(p for p in polls if p["results_published_at"])
    page.goto(f"/polls/{published['id']}/")
    page.get_by_role("link", name="Published results").click()
    outcome = page.locator("section[aria-labelledby=outcome]")
    expect(outcome, shown(page)).to_contain_text(re.compile("(Binding|Consultative) result"))
    expect(outcome, shown(page)).to_contain_text("Rule:")
    expect(page.get_by_role("main"), shown(page)).to_contain_text(re.compile("Outcome: "))
    check_page(page, visitor.log, "20 results outcome")

    page.goto(f"/polls/processes/{published['process']}/statistics/")
    expect(page.get_by_role("heading", name="Who took part, by age"), shown(page)).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Voting, by age")), shown(page)).to_be_visible()
    voting = page.get_by_role("table", name=re.compile("^Voting, by channel"))
    expect(voting, shown(page)).to_contain_text("Polling booth")
    check_page(page, visitor.log, "20 process statistics ages")


def test_administrator_reads_the_audit_log_and_the_activity(open_window: Callable[..., Window]) -> None:
    admin = open_window(viewport=DESKTOP)
    page = admin.page
    sign_in(page, "admin@demo.decide", "demo-admin-pass")
    page.goto("/admin/audit/")
    expect(page.get_by_role("heading", level=1), shown(page)).to_have_text(re.compile("Audit log"))
    table = page.get_by_role("table", name="Audit log, newest first")
    expect(table, shown(page)).to_be_visible()
    page.get_by_label("Action").select_option(index=1)
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table", name="Audit log, newest first"), shown(page)).to_be_visible()
    screenshot(page, "20 admin audit log filtered")
    assert not (problems := axe_violations(page)), "\n".join(problems)

    page.goto("/admin/activity/")
    expect(page.get_by_role("table", name=re.compile("People by week")), shown(page)).to_be_visible()
    expect(page.locator("svg.bar-chart"), shown(page)).to_have_count(4)
    screenshot(page, "20 admin activity")
    assert not (problems := axe_violations(page)), "\n".join(problems)
