"""`baseline_voters N`: N users each with a signed-in database session; prints the session keys.

Written directly, as bench.datagen does for Decide: the figure measures casting, not PBKDF2.
"""

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "Create N users with signed-in sessions and print their session keys, one a line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("n", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        n = options["n"]
        password = make_password("bench-baseline-voter")
        first = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        User.objects.bulk_create(
            (User(id=first + i, username=f"voter{first + i}", password=password) for i in range(n)), batch_size=2000
        )
        auth_hash = User(password=password).get_session_auth_hash()
        store = SessionStore()
        expire = timezone.now() + timedelta(days=1)
        keys = [secrets.token_hex(16) for _ in range(n)]
        Session.objects.bulk_create(
            (
                Session(
                    session_key=key,
                    session_data=store.encode(
                        {
                            "_auth_user_id": str(first + i),
                            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                            "_auth_user_hash": auth_hash,
                        }
                    ),
                    expire_date=expire,
                )
                for i, key in enumerate(keys)
            ),
            batch_size=2000,
        )
        self.stdout.write("\n".join(keys))
