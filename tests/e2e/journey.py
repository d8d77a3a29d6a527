"""Steps a person takes, written the way a screen reader user would find things: roles and labels."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import shown
from tests.e2e.server import LiveServer

PASSWORD = "e2e-Journey-pass-2027"


def label(text: str) -> re.Pattern[str]:
    """A field's accessible name starting with `text` (allauth adds ':', our forms add nothing)."""
    return re.compile(rf"^\s*{text}\b", re.IGNORECASE)


def button(page: Page, text: str) -> None:
    page.get_by_role("button", name=re.compile(rf"^\s*{text}", re.IGNORECASE)).click()


def new_email(who: str = "citizen") -> str:
    return f"{who}-{secrets.token_hex(4)}@e2e.decide"


def sign_up(page: Page, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Sign up, then follow the confirmation link the console email backend printed."""
    mark = len(server.output.text())
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("sign up", re.I)).click()
    page.get_by_label(label("email")).fill(email)
    page.get_by_label(label("public name")).fill(f"Vecina {secrets.randbelow(1000)}")
    page.get_by_label(re.compile(r"^\s*password(?!.*again)", re.I)).fill(password)
    page.get_by_label(re.compile(r"password.*again", re.I)).fill(password)
    button(page, "sign up")
    expect(page.get_by_role("heading", level=1), shown(page)).to_contain_text(re.compile("verify|confirm", re.I))
    link = server.confirm_link(email, after=mark)
    page.goto(link)
    button(page, "confirm")


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(label("email")).fill(email)
    page.get_by_label(label("password")).fill(password)
    button(page, "sign in")
    expect(page.get_by_role("button", name=re.compile("sign out", re.I)), shown(page)).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()
    if page.url.endswith("/accounts/logout/"):  # allauth asks again when the POST came from elsewhere
        button(page, "sign out")
    expect(page.get_by_role("link", name=re.compile("sign in", re.I)).first).to_be_visible()


def switch_language(page: Page, code: str) -> None:
    """The language switcher in the header: a labelled select and a submit button (works without JS)."""
    page.get_by_label(re.compile("^(language|idioma|langue)$", re.I)).select_option(code)
    page.get_by_role("banner").get_by_role("button", name=re.compile("change|cambiar|changer", re.I)).click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def tab_to(page: Page, target: Locator, *, limit: int = 80) -> None:
    """Move the focus with Tab only until it reaches `target` (what a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}" + shown(page))
