"""The home page answers "what can I do now?": each process with its open phase, deadline and call to action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import HomePage
from proposals.selectors import process_now, processes_now
from tests.factories import PollFactory, ProposalFactory, process_page

pytestmark = pytest.mark.django_db


def _home() -> Any:
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Decide La Libertad", slug="decide-home"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return home


@pytest.mark.parametrize(
    ("phases_open", "action"),
    [
        (("proposals", "supports", "debate"), "propose"),
        (("supports", "debate"), "support"),
        (("debate",), "debate"),
        (("vote", "debate"), "vote"),
    ],
)
def test_each_open_phase_gives_its_call_to_action_and_deadline(phases_open: tuple[str, ...], action: str) -> None:
    process = process_page(phases_open=phases_open)
    now = process_now(process)
    assert now.action == action
    field = {"propose": "proposals", "support": "supports"}.get(action, action)
    assert now.until == getattr(process, f"{field}_closes")


def test_a_process_not_open_yet_says_when_it_opens_and_a_finished_one_offers_results() -> None:
    upcoming = process_page(phases_open=())
    row = process_now(upcoming, at=upcoming.proposals_opens - timedelta(days=100))
    assert (row.action, row.opens) == ("upcoming", upcoming.proposals_opens)
    assert process_now(upcoming, at=upcoming.results_on + timedelta(days=1)).action == "results"


def test_open_processes_come_first_soonest_deadline_first() -> None:
    later = process_page(phases_open=("debate",), debate_closes=timezone.now() + timedelta(days=60))
    sooner = process_page(phases_open=("debate",), debate_closes=timezone.now() + timedelta(days=5))
    assert [row.process.pk for row in processes_now()][:2] == [sooner.pk, later.pk]


def test_the_home_page_shows_calls_to_action_open_polls_qualified_proposals_and_three_steps(client: Client) -> None:
    home = _home()
    process = process_page(parent=home, phases_open=("proposals", "supports", "debate"))
    poll = PollFactory(process=process_page(parent=home, phases_open=("vote",)))
    qualified = ProposalFactory(process=process, status="qualified", title="Agua potable para Otuzco")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    closes = timezone.localtime(process.proposals_closes)
    assert f"Propose until {closes.day} " in html
    assert f"Vote until {timezone.localtime(poll.closes_at).day} " in html
    assert poll.title in html and qualified.title in html
    assert html.count('<ol class="steps">') == 1 and "How it works" in html
