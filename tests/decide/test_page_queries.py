"""Every page of the `pages` figure costs a bounded, constant number of queries, for visitors and citizens alike.

The list and the debate are also checked against their own sizes in tests/proposals (test_list,
test_debate_pages); here the home page against its number of processes, the results page against
its number of ballots, a ceiling on each of the five pages, and a cached anonymous page against
the database (it touches none).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import Comment, Proposal
from tests.factories import ProposalFactory, UserFactory, VerifiedUserFactory, process_page
from tests.votes.helpers import closed_poll
from votes.models import Ballot, BallotChoice, Option, Poll

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# What these pages cost in the test database today, with a little room (the bench's data add a few:
# bench/README.md, pages): a new query on a page the crowd reads first should be a decision.
CEILING = {
    "anonymous": {"home": 11, "process": 12, "list_page_2": 12, "detail": 15, "results": 23},
    "signed_in": {"home": 17, "process": 19, "list_page_2": 19, "detail": 26, "results": 27},
}


def _client(audience: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    if audience == "signed_in":
        client.force_login(VerifiedUserFactory())
    return client


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm what a running process keeps (site root paths, the census count)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def _home(children: int) -> Any:
    from wagtail.models import Page, Site

    from cms.models import HomePage

    home = Page.get_first_root_node().add_child(instance=HomePage(title="Inicio", slug=f"inicio-{children}"))
    Site.objects.filter(is_default_site=True).update(root_page=home)
    for n in range(children):
        process_page(parent=home, slug=f"proceso-{children}-{n}")
    return home


def _add_ballots(poll: Poll, n: int) -> None:
    option = Option.objects.filter(question__poll=poll).order_by("position").first()
    assert option is not None
    for i in range(n):
        ballot = Ballot.objects.create(
            poll=poll, gender="F", area="urban", receipt_hash=hashlib.sha256(f"extra{poll.pk}-{i}".encode()).hexdigest()
        )
        BallotChoice.objects.create(ballot=ballot, option=option, poll=poll, gender="F", area="urban")


def _debate(proposal: Proposal, n: int) -> None:
    author = UserFactory()
    Comment.objects.bulk_create(Comment(proposal=proposal, author=author, body=f"<p>Opinión {i}</p>") for i in range(n))


@pytest.mark.parametrize("audience", ["anonymous", "signed_in"])
def test_the_home_page_does_not_grow_with_its_processes(audience: str) -> None:
    client = _client(audience)
    _home(2)
    few = _queries(client, "/")
    _home(12)
    assert _queries(client, "/") == few
    assert few <= CEILING[audience]["home"]


@pytest.mark.parametrize("audience", ["anonymous", "signed_in"])
def test_the_results_page_does_not_grow_with_its_ballots(audience: str) -> None:
    client = _client(audience)
    small, large = closed_poll(published=True), closed_poll(published=True)
    _add_ballots(large, 40)
    url = "votes:results"
    few = _queries(client, reverse(url, args=[small.pk]))
    assert _queries(client, reverse(url, args=[large.pk])) == few
    assert few <= CEILING[audience]["results"]


@pytest.mark.parametrize("audience", ["anonymous", "signed_in"])
def test_list_and_debate_pages_stay_under_their_ceiling(audience: str) -> None:
    process = process_page()
    proposals = [ProposalFactory(process=process, support_count=i) for i in range(45)]
    _debate(proposals[0], 120)
    client = _client(audience)
    ceiling = CEILING[audience]
    assert _queries(client, process.url) <= ceiling["process"]
    assert _queries(client, process.url + "?sort=supported&page=2") <= ceiling["list_page_2"]
    assert _queries(client, process.url + f"{proposals[0].pk}/") <= ceiling["detail"]


def test_a_cached_anonymous_page_touches_no_database(settings: Any) -> None:
    settings.PAGE_CACHE_ENABLED = True
    home = _home(3)
    proposal = ProposalFactory(process=process_page(parent=home))
    _debate(proposal, 30)
    poll = closed_poll(published=True)
    process_url = proposal.process.url
    for url in ("/", process_url, f"{process_url}{proposal.pk}/", reverse("votes:results", args=[poll.pk])):
        Client().get(url)
        with CaptureQueriesContext(connection) as captured:
            response = Client().get(url)
        assert response.headers.get("X-Page-Cache") == "hit", url
        assert [q["sql"] for q in captured.captured_queries] == [], url
