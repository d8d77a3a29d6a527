"""allauth's account adapter, adjusted where Decide's rules differ from allauth's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from decide.addresses import client_address
from decide.site_name import site_name

from .models import User


@dataclass(frozen=True)
class EmailSite:
    """What allauth's emails read as `current_site`: the site's name where they printed the host."""

    name: str
    domain: str


def user_display(user: User) -> str:
    """ACCOUNT_USER_DISPLAY: allauth names a person by their public name, never by the username made from the email."""
    return user.public_name


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The same address django-ratelimit keys on: X-Forwarded-For believed from trusted proxies only."""
        return client_address(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins count per account and client address, so guesses from elsewhere never lock the owner out.

        allauth keys `login_failed` on the account alone: anyone could lock a person out with five wrong
        passwords. The same key is cleared by a password reset (allauth calls this method for both).
        """
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_address(request)}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails name the site as the administrators did, not by its host (base_message.txt too)."""
        name = site_name()
        super().send_mail(template_prefix, email, {**context, "current_site": EmailSite(name=name, domain=name)})

    def format_email_subject(self, subject: str) -> str:
        return f"[{site_name()}] {subject}"
