"""Print the demo logins (documented, demo-only passwords)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_LOGINS, DEMO_RECEIPT_CODE, DEMO_RECEIPT_EMAIL


class Command(BaseCommand):
    help = "List the demo accounts and their passwords."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Demo logins (sign in at /accounts/login/; staff use /admin/):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<45} {login.email:<28} {login.password}")
        self.stdout.write(
            f"Receipt check: {DEMO_RECEIPT_EMAIL} voted in the closed consultation (Polls, the closed one, "
            f"'Check your receipt'); her receipt code is {DEMO_RECEIPT_CODE}"
        )
