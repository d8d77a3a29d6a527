"""allauth's account adapter, adjusted where Decide's rules differ from allauth's defaults."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from decide.addresses import client_address


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
