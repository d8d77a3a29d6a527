"""Message text: one template per kind and channel, rendered in the recipient's language.

templates/notifications/messages/<kind>/inapp.txt      the short line of the notification centre
                                      email_subject.txt
                                      email_body.txt   (extends notifications/messages/email_base.txt)
                                      sms.txt          only for the kinds that may travel by SMS (≤ 160 chars)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from decide.site_name import site_name

from .kinds import Kind

SMS_MAX_CHARS = 160


def _render(kind: str, part: str, params: Mapping[str, Any], language: str, extra: Mapping[str, Any] | None) -> str:
    context = {"p": params, "site_name": site_name(), **(extra or {})}
    with translation.override(language):
        return render_to_string(f"notifications/messages/{Kind(kind).value}/{part}.txt", context)


def inapp_text(*, kind: str, params: Mapping[str, Any], language: str) -> str:
    return " ".join(_render(kind, "inapp", params, language, None).split())


def email_subject(*, kind: str, params: Mapping[str, Any], language: str) -> str:
    # Subjects are one line: a template's stray newline would let a title inject a header.
    return " ".join(_render(kind, "email_subject", params, language, None).split())[:200]


def email_body(*, kind: str, params: Mapping[str, Any], language: str, url: str, unsubscribe_url: str) -> str:
    text = _render(kind, "email_body", params, language, {"url": url, "unsubscribe_url": unsubscribe_url})
    return text.strip() + "\n"


def sms_text(*, kind: str, params: Mapping[str, Any], language: str, url: str) -> str:
    text = " ".join(_render(kind, "sms", params, language, {"url": url}).split())
    if len(text) <= SMS_MAX_CHARS:
        return text
    # A long title is cut, never the link that lets the person act.
    if url and text.endswith(url):
        head = text[: -len(url)].rstrip()
        room = SMS_MAX_CHARS - len(url) - 2
        return f"{head[:room].rstrip()}… {url}"
    return text[: SMS_MAX_CHARS - 1] + "…"
