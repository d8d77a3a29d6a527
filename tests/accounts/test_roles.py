from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ADMINISTRATOR, MODERATOR, OFFICER, has_role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_roles_exist_as_groups_created_by_migration() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {MODERATOR, ADMINISTRATOR, OFFICER}


@pytest.mark.django_db
def test_has_role() -> None:
    moderator = UserFactory(roles=[MODERATOR])
    citizen = UserFactory()
    assert has_role(moderator, MODERATOR)
    assert not has_role(moderator, ADMINISTRATOR)
    assert not has_role(citizen, MODERATOR)
