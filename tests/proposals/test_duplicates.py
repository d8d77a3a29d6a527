"""One convention for a duplicate (issue 13 item 11): a second support, a second report of a proposal or of a comment
is a conflict with what is recorded, 409, with words, and nothing is written twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from proposals.models import Flag, Proposal
from tests.factories import ProposalFactory, UserFactory, VerifiedUserFactory
from tests.proposals.helpers import comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _flag_proposal(client: Client, proposal: Proposal) -> Any:
    return client.post(proposal.process.url + f"{proposal.pk}/flag/", {"reason": "Insultos"})


def test_a_second_report_of_a_proposal_is_a_conflict() -> None:
    proposal = ProposalFactory()
    client = _client(VerifiedUserFactory())
    assert _flag_proposal(client, proposal).status_code == 302
    again = _flag_proposal(client, proposal)
    assert again.status_code == 409 and "already reported this proposal" in again.content.decode()
    assert Flag.objects.filter(proposal=proposal).count() == 1


def test_a_second_report_of_a_comment_is_a_conflict() -> None:
    c = comment()
    client = _client(UserFactory())
    url = reverse("proposals:comment_flag", args=[c.pk])
    assert client.post(url, {"reason": "Insulta"}).status_code == 302
    again = client.post(url, {"reason": "Otra vez"})
    assert again.status_code == 409 and "already reported this comment" in again.content.decode()
    assert Flag.objects.filter(comment=c).count() == 1
