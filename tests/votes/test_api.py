"""The public API: schema, pagination, and nothing the public may not see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PollFactory, ProposalFactory, process_page
from tests.votes.helpers import closed_poll

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.django_db
def test_openapi_lists_every_public_path() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    for path in (
        "/api/v1/processes/",
        "/api/v1/processes/{process_id}",
        "/api/v1/proposals/",
        "/api/v1/proposals/{proposal_id}",
        "/api/v1/polls/",
        "/api/v1/polls/{poll_id}",
        "/api/v1/results/{poll_id}",
        "/api/v1/statistics/polls/{poll_id}",
        "/api/v1/statistics/processes/{process_id}",
    ):
        assert path in paths
    assert not any(method != "get" for item in response.json()["paths"].values() for method in item)


@pytest.mark.django_db
def test_docs_page_renders_without_scripts() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/v1/results/{poll_id}" in page and "<script" not in page


@pytest.mark.django_db
def test_proposals_list_shows_public_statuses_only() -> None:
    process = process_page()
    public = ProposalFactory(process=process, status="published")
    for status in ("draft", "submitted", "hidden", "withdrawn"):
        ProposalFactory(process=process, status=status)
    data = Client().get("/api/v1/proposals/", {"process": process.pk}).json()
    assert data["count"] == 1
    assert [item["id"] for item in data["items"]] == [public.pk]
    hidden = ProposalFactory(process=process, status="hidden")
    assert Client().get(f"/api/v1/proposals/{hidden.pk}").status_code == 404


@pytest.mark.django_db
def test_pagination_bad_pages_are_clear_4xx() -> None:
    process = process_page()
    for _ in range(3):
        ProposalFactory(process=process)
    client = Client()
    page = client.get("/api/v1/proposals/", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    past = client.get("/api/v1/proposals/", {"page_size": 2, "page": 3})
    assert past.status_code == 404 and "does not exist" in past.json()["detail"]
    assert client.get("/api/v1/proposals/", {"page": 0}).status_code == 422
    assert client.get("/api/v1/proposals/", {"page": "abc"}).status_code == 422


@pytest.mark.django_db
def test_results_are_not_exposed_before_publication() -> None:
    open_poll = PollFactory(opens_at=timezone.now() - timedelta(hours=1))
    client = Client()
    response = client.get(f"/api/v1/results/{open_poll.pk}")
    assert response.status_code == 403 and "until the poll closes" in response.json()["detail"]
    poll = closed_poll()
    for url in (f"/api/v1/results/{poll.pk}", f"/api/v1/statistics/polls/{poll.pk}"):
        response = client.get(url)
        assert response.status_code == 404
        assert "not yet published" in response.json()["detail"]
    detail = client.get(f"/api/v1/polls/{poll.pk}").json()
    assert "results" not in detail and detail["state"] == "closed"
    assert client.get("/api/v1/results/999999").status_code == 404


@pytest.mark.django_db
def test_published_results_and_statistics_are_suppressed_like_the_pages() -> None:
    poll = closed_poll(published=True)
    client = Client()
    results = client.get(f"/api/v1/results/{poll.pk}").json()
    assert results["suppression_threshold"] == 10
    rows = results["results"]
    totals = {row["option"]: row["votes"] for row in rows if row["group"] == "all" and row["option_id"]}
    assert totals == {"Sí": 38, "No": 27, "Abstención": 6}
    rural_women = [row for row in rows if row["group"] == "female/rural"]
    assert rural_women and all(row["votes"] in (None, 0) for row in rural_women)
    assert sum(row["suppressed"] for row in rural_women) >= 2  # "Sí" 2 and "No" 1 and their total: hidden
    by_group = [row for row in rows if row["group"] not in ("all", "unattributed")]
    assert all(row["votes"] is None or row["votes"] == 0 or row["votes"] >= 10 for row in by_group)
    stats = client.get(f"/api/v1/statistics/polls/{poll.pk}").json()["statistics"]
    voting = {(s["gender"], s["area"]): s for s in stats if s["stage"] == "voting"}
    assert voting[("female", "rural")]["participants"] is None
    # Rural women (4) are hidden, and with them a cycle of partners so no margin gives them away.
    hidden = [cell for cell, s in voting.items() if s["participants"] is None]
    assert len(hidden) >= 2
    assert voting[("male", "all")]["participants"] in (None, 43)  # shown as counted, or hidden as a complement
    assert voting[("all", "all")]["participants"] == 71


@pytest.mark.django_db
def test_proposals_of_blocked_authors_leave_the_api(client: Client) -> None:
    from django.utils import timezone

    from tests.factories import ProposalFactory

    shown = ProposalFactory()
    blocked = ProposalFactory(process=shown.process)
    blocked.author.blocked_at = timezone.now()
    blocked.author.save(update_fields=["blocked_at"])
    ids = {item["id"] for item in client.get("/api/v1/proposals/").json()["items"]}
    assert shown.pk in ids
    assert blocked.pk not in ids
    assert client.get(f"/api/v1/proposals/{blocked.pk}").status_code == 404
