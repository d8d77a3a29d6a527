"""Demo accounts for each role, with documented passwords (printed by `make run`). Demo only."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from .models import User
from .roles import ADMINISTRATOR, MODERATOR, OFFICER


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str
    groups: tuple[str, ...] = ()
    staff: bool = False
    superuser: bool = False


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin@demo.decide", "demo-admin-pass", "administrator", (ADMINISTRATOR,), staff=True, superuser=True),
    DemoLogin("moderator@demo.decide", "demo-moderator-pass", "moderator", (MODERATOR,), staff=True),
    DemoLogin("officer@demo.decide", "demo-officer-pass", "officer", (OFFICER,), staff=True),
    DemoLogin("citizen@demo.decide", "demo-citizen-pass", "citizen (email confirmed, not verified)"),
)


def seed_accounts() -> dict[str, User]:
    """Create or refresh the demo accounts; running it twice changes nothing."""
    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = User(email=login.email, username=login.email)
            user.set_password(login.password)
        user.is_staff = login.staff
        user.is_superuser = login.superuser
        user.save()
        for name in login.groups:
            user.groups.add(Group.objects.get(name=name))
        EmailAddress.objects.update_or_create(
            user=user, email=login.email, defaults={"verified": True, "primary": True}
        )
        users[login.email] = user
    return users


def seed() -> None:
    seed_accounts()
