"""An overdue answer shows on the process page's proposal cards too, as on the proposal's own page: one query per
list page whatever the number of cards, and none before the process's answer date."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from proposals.followup.models import Answer
from proposals.models import ProcessPage, Proposal
from tests.factories import ProposalFactory, UserFactory, process_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BADGE = 'data-role="answer-overdue"'


def _cards(process: ProcessPage) -> dict[str, str]:
    """Each card's HTML by the title it links to."""
    html = Client().get(process.url).content.decode()
    cards = re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', html, flags=re.DOTALL)
    return {re.search(r"<h3><a [^>]*>(.*?)</a>", card, flags=re.DOTALL).group(1): card for card in cards}  # type: ignore[union-attr]


def _answer(proposal: Proposal) -> None:
    Answer.objects.create(
        proposal=proposal,
        state="accepted",
        text="<p>Sí.</p>",
        responsible_body="Consejo",
        answered_on=timezone.localdate(),
        answered_by=UserFactory(),
    )


def test_an_overdue_proposal_card_says_so_and_the_others_do_not() -> None:
    process = process_page(answers_due_on=timezone.localdate() - timedelta(days=1))
    ProposalFactory(process=process, status="qualified", title="Agua potable para Otuzco")
    _answer(ProposalFactory(process=process, status="accepted", title="Riego en Julcán"))
    ProposalFactory(process=process, status="published", title="Aún juntando apoyos")
    cards = _cards(process)
    assert BADGE in cards["Agua potable para Otuzco"] and "Answer overdue" in cards["Agua potable para Otuzco"]
    assert BADGE not in cards["Riego en Julcán"] and BADGE not in cards["Aún juntando apoyos"]


def test_no_card_is_overdue_before_the_date_or_without_one() -> None:
    for due in (timezone.localdate() + timedelta(days=3), None):
        process = process_page(answers_due_on=due)
        ProposalFactory(process=process, status="qualified", title=f"Pendiente {due}")
        assert BADGE not in _cards(process)[f"Pendiente {due}"]


def _list_queries(client: Client, process: ProcessPage) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(process.url).status_code == 200
    return len(queries)


def test_the_badge_costs_no_query_per_card() -> None:
    client = Client()
    client.force_login(UserFactory())  # a signed-in visitor: never served from the page cache
    process = process_page(answers_due_on=timezone.localdate() - timedelta(days=1))
    ProposalFactory(process=process, status="qualified")
    _list_queries(client, process)  # warm what the first request caches (site, census counts)
    one = _list_queries(client, process)
    for _ in range(4):
        ProposalFactory(process=process, status="qualified")
    _list_queries(client, process)
    assert _list_queries(client, process) == one
    assert len(re.findall(BADGE, client.get(process.url).content.decode())) == 5
