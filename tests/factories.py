"""factory_boy factories for every app's models. Add yours here, grouped by app."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import ADMINISTRATOR, MODERATOR, OFFICER

# --- accounts -----------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A citizen: an account with a confirmed email address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def confirmed(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
            if set(extracted) & {MODERATOR, ADMINISTRATOR, OFFICER}:
                self.is_staff = True
                self.save(update_fields=["is_staff"])
