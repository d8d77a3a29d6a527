"""A citizen submits, a moderator approves, verified citizens support until the proposal qualifies."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from accounts.models import AuditEntry
from proposals.models import Proposal, ProposalStatus, Support
from tests.factories import UserFactory, VerifiedUserFactory, process_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_submit_approve_support_until_qualified(django_capture_on_commit_callbacks: Any) -> None:
    process = process_page(support_threshold_percent="50")
    author = UserFactory()
    response = _client(author).post(
        process.url + "submit/",
        {
            "title": "Riego tecnificado para Otuzco",
            "summary": "Que cada comunidad tenga riego.",
            "body": "<p>Texto <script>alert(1)</script><a href='javascript:alert(1)'>x</a></p>",
        },
        follow=True,
    )
    assert response.status_code == 200
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert "script" not in proposal.body and "javascript" not in proposal.body
    assert "waits for a moderator" in response.content.decode()

    # The public does not see it yet.
    assert Client().get(process.url + f"{proposal.pk}/").status_code == 404

    moderator = UserFactory(roles=["moderator"])
    response = _client(moderator).post(f"/admin/moderation/{proposal.pk}/approve/", follow=True)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED
    assert AuditEntry.objects.filter(action="proposal.published", actor=moderator).exists()

    page = Client().get(process.url + f"{proposal.pk}/")
    assert page.status_code == 200
    assert 'id="support-count"' in page.content.decode()
    assert f'data-proposal-id="{proposal.pk}"' in page.content.decode()

    # Three census records in scope at 50%: two supports qualify.
    supporters = [VerifiedUserFactory() for _ in range(3)]
    first = _client(supporters[0]).post(process.url + f"{proposal.pk}/support/", {"action": "support"}, follow=True)
    assert first.status_code == 200
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert proposal.status == ProposalStatus.GATHERING
    with django_capture_on_commit_callbacks(execute=True):
        _client(supporters[1]).post(process.url + f"{proposal.pk}/support/", {"action": "support"})
    proposal.refresh_from_db()
    assert proposal.support_count == 2
    assert proposal.status == ProposalStatus.QUALIFIED
    assert {m.to[0] for m in mail.outbox} == {author.email, supporters[0].email, supporters[1].email}
    assert Support.objects.filter(proposal=proposal).count() == 2
