"""The pages lead people to what they need: staff tools on the poll page, polls and statistics on the process page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PollFactory, UserFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.django_db
def test_poll_page_shows_staff_tools_only_to_staff() -> None:
    poll = PollFactory()
    turnout = reverse("votes:turnout", args=[poll.pk])
    admin = Client()
    admin.force_login(UserFactory(roles=["administrator"]))
    assert turnout in admin.get(reverse("votes:detail", args=[poll.pk])).content.decode()
    citizen = Client()
    citizen.force_login(UserFactory())
    page = citizen.get(reverse("votes:detail", args=[poll.pk])).content.decode()
    assert turnout not in page
    assert f'data-poll-socket="/ws/polls/{poll.pk}/"' in page


@pytest.mark.django_db
def test_process_page_lists_its_polls_and_links_the_statistics(client: Client) -> None:
    poll = PollFactory()
    page = client.get(poll.process.url).content.decode()
    assert reverse("votes:detail", args=[poll.pk]) in page
    assert reverse("votes:process_statistics", args=[poll.process.pk]) in page
