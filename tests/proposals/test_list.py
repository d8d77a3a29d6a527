"""Browsing a process: search, filters, sort, pages, a constant number of queries, hidden content gone."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CategoryFactory, DistrictFactory, ProposalFactory, UserFactory, process_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _titles(response: Any) -> list[str]:
    return [p.title for p in response.context["proposals"]]


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_queries_per_page_do_not_grow_with_the_number_of_proposals(signed_in: bool) -> None:
    small, large = process_page(slug="pocas"), process_page(slug="muchas")
    categories = CategoryFactory.create_batch(3)
    districts = DistrictFactory.create_batch(3)
    for process, n in ((small, 5), (large, 50)):
        for i in range(n):
            ProposalFactory(process=process, category=categories[i % 3], district=districts[i % 3], support_count=i)
    client = Client()
    if signed_in:
        client.force_login(UserFactory())
    for query in ("", "?sort=supported", f"?category={categories[0].pk}&district={districts[0].pk}", "?q=riego"):
        client.get(small.url + query)  # warm per-process caches (site root paths) alike for both
        assert _queries_for(client, small.url + query) == _queries_for(client, large.url + query), query
    # And the second page too.
    assert _queries_for(client, large.url + "?page=2") == _queries_for(client, large.url + "?page=1")


def test_pages_of_twenty() -> None:
    process = process_page()
    ProposalFactory.create_batch(25, process=process)
    client = Client()
    assert len(client.get(process.url).context["proposals"]) == 20
    second = client.get(process.url + "?page=2")
    assert len(second.context["proposals"]) == 5
    assert 'rel="prev"' in second.content.decode()
    # A page number out of range shows the last page, not an error.
    assert client.get(process.url + "?page=99").status_code == 200


def test_search_filters_and_sort() -> None:
    process = process_page()
    water, roads = CategoryFactory(name="Agua", slug="agua"), CategoryFactory(name="Caminos", slug="caminos")
    rural = DistrictFactory(area="rural")
    a = ProposalFactory(
        process=process, title="Riego tecnificado en Otuzco", summary="Agua.", category=water, support_count=3
    )
    b = ProposalFactory(
        process=process,
        title="Caminos rurales en Pataz",
        summary="Vías.",
        category=roads,
        district=rural,
        support_count=9,
    )
    c = ProposalFactory(
        process=process, title="Salud materna en Julcán", summary="Salud.", status="qualified", support_count=5
    )
    ProposalFactory(title="Riego en otro proceso")  # another process: never listed here
    client = Client()
    url = process.url
    assert _titles(client.get(url + "?q=riego")) == [a.title]
    assert _titles(client.get(url + "?q=pataz")) == [b.title]
    assert _titles(client.get(url + f"?category={water.pk}")) == [a.title]
    assert _titles(client.get(url + f"?district={rural.pk}")) == [b.title]
    assert _titles(client.get(url + "?status=qualified")) == [c.title]
    assert _titles(client.get(url + "?sort=supported")) == [b.title, c.title, a.title]
    assert _titles(client.get(url + "?sort=newest")) == [c.title, b.title, a.title]
    # Nonsense filter values are ignored, not an error page.
    assert client.get(url + "?category=abc&status=bogus&sort=x&page=-1").status_code == 200


def test_helpful_empty_states() -> None:
    process = process_page()
    client = Client()
    assert "No proposals yet" in client.get(process.url).content.decode()
    ProposalFactory(process=process)
    assert "No proposal matches your search" in client.get(process.url + "?q=zzzzzz").content.decode()


@pytest.mark.parametrize("status", ["draft", "submitted", "hidden", "withdrawn"])
def test_unpublished_hidden_and_withdrawn_are_not_listed(status: str) -> None:
    process = process_page()
    proposal = ProposalFactory(process=process, status=status, title="Riego oculto")
    client = Client()
    assert proposal.title not in client.get(process.url).content.decode()
    assert proposal.title not in client.get(process.url + "?q=riego").content.decode()


def test_blocked_authors_disappear_from_list_search_and_detail_at_once() -> None:
    process = process_page()
    proposal = ProposalFactory(process=process, title="Riego para todos")
    client = Client()
    assert _titles(client.get(process.url + "?q=riego")) == [proposal.title]
    author = proposal.author
    author.blocked_at = timezone.now()
    author.save()
    assert _titles(client.get(process.url)) == []
    assert _titles(client.get(process.url + "?q=riego")) == []
    assert client.get(process.url + f"{proposal.pk}/").status_code == 404


def test_process_page_shows_the_calendar_with_the_open_phase() -> None:
    process = process_page(phases_open=("supports",))
    body = Client().get(process.url).content.decode()
    assert "Calendar" in body or "Calendario" in body
    assert body.count("phase-open") == 1


def test_withdrawn_proposals_are_listed_when_asked_for() -> None:
    process = process_page()
    withdrawn = ProposalFactory(process=process, status="withdrawn", title="Retirada por su autora")
    ProposalFactory(process=process, status="hidden", title="Oculta")
    client = Client()
    assert _titles(client.get(process.url + "?status=withdrawn")) == [withdrawn.title]
    assert _titles(client.get(process.url + "?status=hidden")) == []


def test_public_proposals_selector_drops_hidden_and_blocked() -> None:
    from proposals.selectors import public_proposals

    shown = ProposalFactory()
    ProposalFactory(status="hidden")
    ProposalFactory(author=UserFactory(blocked_at=timezone.now()))
    assert list(public_proposals()) == [shown]
