"""Issue 13, item 5: a moderator could block an administrator (and so hide an institutional bill in a vote).

Staff (a role, `is_staff` or superuser) are blocked and unblocked by administrators only, a superuser by a
superuser only; every block is audited.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, User
from accounts.roles import ADMINISTRATOR, MODERATOR, OFFICER
from decide.refusals import NotAllowed
from proposals.services import user_block, user_unblock
from tests.factories import ProposalFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("target_roles", [[ADMINISTRATOR], [MODERATOR], [OFFICER]])
def test_a_moderator_cannot_block_staff_from_the_moderation_desk(target_roles: list[str]) -> None:
    moderator = UserFactory(roles=[MODERATOR])
    staff_author = UserFactory(roles=target_roles)
    bill = ProposalFactory(author=staff_author, kind="institutional", status="in_vote")
    response = signed_in(moderator).post(
        reverse("proposals_moderation:block", args=[bill.pk]), {"reason": "Me cae mal"}
    )
    # Refused with its reason (the desk shows it on the form, 400, or the refusal page, 403): nothing blocked.
    assert response.status_code in (400, 403)
    assert "Only administrators can block staff accounts." in response.content.decode()
    staff_author.refresh_from_db()
    assert staff_author.blocked_at is None
    assert not AuditEntry.objects.filter(action="user.block").exists()


def test_a_moderator_cannot_block_or_unblock_staff_through_the_service() -> None:
    moderator = UserFactory(roles=[MODERATOR])
    administrator = UserFactory(roles=[ADMINISTRATOR])
    with pytest.raises(NotAllowed):
        user_block(user=administrator, actor=moderator, reason="Me cae mal")
    user_block(user=administrator, actor=UserFactory(roles=[ADMINISTRATOR]), reason="Cuenta comprometida")
    with pytest.raises(NotAllowed):
        user_unblock(user=administrator, actor=moderator)


def test_a_superuser_is_blocked_by_a_superuser_only() -> None:
    root = UserFactory(is_superuser=True)
    with pytest.raises(NotAllowed):
        user_block(user=root, actor=UserFactory(roles=[ADMINISTRATOR]), reason="Cuenta comprometida")
    user_block(user=root, actor=UserFactory(is_superuser=True), reason="Cuenta comprometida")


def test_an_administrator_blocks_staff_and_it_is_audited() -> None:
    administrator = UserFactory(roles=[ADMINISTRATOR])
    moderator = UserFactory(roles=[MODERATOR])
    proposal = ProposalFactory(author=moderator)
    response = signed_in(administrator).post(
        reverse("proposals_moderation:block", args=[proposal.pk]), {"reason": "Abuso del rol"}
    )
    assert response.status_code == 302
    moderator.refresh_from_db()
    assert moderator.blocked_at is not None
    entry = AuditEntry.objects.get(action="user.block")
    assert (entry.actor_id, entry.target_id, entry.reason) == (administrator.pk, str(moderator.pk), "Abuso del rol")


def test_a_moderator_still_blocks_a_citizen() -> None:
    citizen: Any = UserFactory()
    user_block(user=citizen, actor=UserFactory(roles=[MODERATOR]), reason="Spam")
    citizen.refresh_from_db()
    assert citizen.blocked_at is not None
    assert AuditEntry.objects.filter(action="user.block", target_id=str(citizen.pk)).exists()
