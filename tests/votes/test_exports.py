"""Open-data downloads: each file's SHA-256 matches the checksum published beside it; nothing before publication."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.votes.helpers import closed_poll
from votes.models import Ballot

pytestmark = pytest.mark.usefixtures("english")


def _download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize("dataset", ["results", "statistics", "bulletin"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_download_matches_its_published_checksum(dataset: str, fmt: str) -> None:
    poll = closed_poll(published=True)
    client = Client()
    body = _download(client, reverse("votes:results_export", args=[poll.pk, dataset, fmt]))
    checksum = client.get(reverse("votes:results_export_checksum", args=[poll.pk, dataset, fmt]))
    assert checksum.status_code == 200
    digest, filename = checksum.content.decode().split()
    assert digest == hashlib.sha256(body).hexdigest()
    assert filename == f"poll-{poll.pk}-{dataset}.{fmt}"
    if fmt == "json":
        json.loads(body)
    else:
        assert next(csv.reader(io.StringIO(body.decode())))


@pytest.mark.django_db
def test_bulletin_lists_every_ballot_without_demographics() -> None:
    poll = closed_poll(published=True)
    rows = list(csv.DictReader(io.StringIO(_download(Client(), f"/polls/{poll.pk}/bulletin.csv").decode())))
    hashes = Ballot.objects.filter(poll=poll).values_list("receipt_hash", flat=True)
    assert sorted(r["receipt_hash"] for r in rows) == sorted(hashes)
    assert [r["receipt_hash"] for r in rows] == sorted(r["receipt_hash"] for r in rows)
    assert set(rows[0]) == {"receipt_hash", "question_id", "option_id", "option"}
    document = json.loads(_download(Client(), f"/polls/{poll.pk}/bulletin.json"))
    assert len(document["choices"]) == len(rows)


@pytest.mark.django_db
def test_statistics_csv_shows_suppressed_cells_as_empty_and_flagged() -> None:
    poll = closed_poll(published=True)
    rows = list(csv.DictReader(io.StringIO(_download(Client(), f"/polls/{poll.pk}/statistics.csv").decode())))
    rural_women = next(r for r in rows if (r["stage"], r["gender"], r["area"]) == ("voting", "female", "rural"))
    assert rural_women["participants"] == "" and rural_women["suppressed"] == "True"
    for row in rows:
        public_total = (row["gender"], row["area"]) == ("all", "all") and row["stage"] != "supporting"
        if row["participants"] not in ("", "0") and not public_total:  # turnout, proposers, commenters: public
            assert int(row["participants"]) >= 10


@pytest.mark.django_db
def test_nothing_downloads_before_publication_and_bad_names_are_404() -> None:
    poll = closed_poll()
    client = Client()
    for url in (f"/polls/{poll.pk}/results.csv", f"/polls/{poll.pk}/bulletin.json.sha256"):
        response = client.get(url)
        assert response.status_code == 404
        assert b"not yet published" in response.content
    published = closed_poll(published=True)
    for url in (
        f"/polls/{published.pk}/results.xml",
        f"/polls/{published.pk}/secrets.csv",
        f"/polls/{published.pk}/results.xml.sha256",
    ):
        assert client.get(url).status_code == 404
    assert client.get("/polls/999999/results.csv").status_code == 404
