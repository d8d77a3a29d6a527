"""Journey 2, first half: a citizen signs up, confirms the email from the printed link, signs in and out."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import check_page, shown
from tests.e2e.journey import PASSWORD, button, label, new_email, sign_in, sign_out
from tests.e2e.server import LiveServer

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_citizen_signs_up_confirms_email_and_signs_in(
    open_window: Callable[..., Window], demo_server: LiveServer, javascript: bool
) -> None:
    window = open_window(javascript=javascript)
    page, log = window.page, window.log
    tag = "js" if javascript else "nojs"
    email = new_email(f"signup-{tag}")
    mark = len(demo_server.output.text())

    page.goto("/")
    check_page(page, log, f"home visitor {tag}")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("sign up", re.I)).click()
    check_page(page, log, f"sign up {tag}")
    page.get_by_label(label("email")).fill(email)
    page.get_by_label(label("public name")).fill(f"Ana {tag}")
    page.get_by_label(re.compile(r"^\s*password(?!.*again)", re.I)).fill(PASSWORD)
    page.get_by_label(re.compile(r"password.*again", re.I)).fill(PASSWORD)
    button(page, "sign up")
    expect(page.get_by_role("heading", level=1), shown(page)).to_contain_text(re.compile("verify", re.I))
    check_page(page, log, f"verification sent {tag}")

    page.goto(demo_server.confirm_link(email, after=mark))
    check_page(page, log, f"confirm email {tag}")
    button(page, "confirm")
    # Confirmation signs the citizen in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION).
    expect(page.get_by_role("button", name=re.compile("sign out", re.I)), shown(page)).to_be_visible()
    check_page(page, log, f"home citizen {tag}")

    sign_out(page)
    sign_in(page, email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("my account", re.I)).click()
    expect(page.get_by_role("main"), shown(page)).to_contain_text(email)
    check_page(page, log, f"my account {tag}")


def _assert_error_tied(page: Page, field_label: re.Pattern[str]) -> None:
    """The field says it is invalid and points (aria-describedby) at a visible error message."""
    field = page.get_by_label(field_label)
    expect(field, shown(page)).to_have_attribute("aria-invalid", "true")
    described = (field.get_attribute("aria-describedby") or "").split()
    targets = [page.locator(f"[id='{ident}']") for ident in described]
    texts = [target.inner_text() for target in targets if target.count()]
    assert any(text.strip() for text in texts), f"no error tied to {field_label.pattern}: {described}" + shown(page)


def test_form_errors_are_tied_to_their_fields(open_window: Callable[..., Window], demo_server: LiveServer) -> None:
    window = open_window()
    page, log = window.page, window.log

    page.goto("/accounts/signup/")
    page.get_by_label(label("email")).fill(new_email("mismatch"))
    page.get_by_label(label("public name")).fill("Ana")
    page.get_by_label(re.compile(r"^\s*password(?!.*again)", re.I)).fill(PASSWORD)
    page.get_by_label(re.compile(r"password.*again", re.I)).fill(PASSWORD + "-other")
    button(page, "sign up")
    _assert_error_tied(page, re.compile(r"password.*again", re.I))
    check_page(page, log, "sign up with errors")

    # Our own forms (templates/form_fields.html): the account deletion form with a wrong password.
    sign_in(page, "citizen@demo.decide", "demo-citizen-pass")
    page.goto("/accounts/delete/")
    page.get_by_label(label("your password")).fill("not-the-password")
    page.get_by_role("main").get_by_role("button").last.click()
    _assert_error_tied(page, label("your password"))
    check_page(page, log, "delete account with errors")
