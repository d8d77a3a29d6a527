"""Fill in an HTML form the way a person without JavaScript would: keep hidden fields, pick a choice."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    hidden: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    multiple: set[str] = field(default_factory=set)
    texts: dict[str, str] = field(default_factory=dict)
    submit: tuple[str, str] | None = None

    def fill(self, rng: random.Random) -> list[tuple[str, str]]:
        data = list(self.hidden.items()) + list(self.texts.items())
        for name, values in self.choices.items():
            data.append((name, rng.choice(values)))
        if self.submit:
            data.append(self.submit)
        return data


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self.current)
            return
        form = self.current
        if form is None:
            return
        name = a.get("name", "")
        kind = a.get("type", "text").lower()
        if tag == "input" and name:
            if kind == "hidden":
                form.hidden[name] = a.get("value", "")
            elif kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if kind == "checkbox":
                    form.multiple.add(name)
            elif kind == "submit":
                form.submit = form.submit or (name, a.get("value", ""))
            else:
                form.texts.setdefault(name, a.get("value", ""))
        elif tag == "button" and name and kind == "submit":
            form.submit = form.submit or (name, a.get("value", ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select:
            form.choices.setdefault(self.select, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            form.texts.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def forms_in(html: bytes) -> list[Form]:
    parser = _Parser()
    parser.feed(html.decode("utf-8", "replace"))
    return parser.forms


def ballot_form(html: bytes) -> Form:
    """The POST form that offers choices (not the language switcher or sign-out)."""
    for form in forms_in(html):
        if any(part in form.action for part in ("/i18n/", "logout")):
            continue
        if form.method == "post" and form.choices and "csrfmiddlewaretoken" in form.hidden:
            return form
    raise ValueError("no ballot form (a POST form with choices) on the page")


def confirm_form(html: bytes) -> Form | None:
    """The review page's 'cast my ballot' form: a POST form whose action confirms."""
    for form in forms_in(html):
        if form.method == "post" and "confirm" in form.action and "csrfmiddlewaretoken" in form.hidden:
            return form
    return None
