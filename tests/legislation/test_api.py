"""The bills' texts in /api/v1/: versions with checksums, annotations, amendments with outcomes, OpenAPI."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from legislation.models import Section
from legislation.services import amendment_propose, annotation_create
from tests.factories import UserFactory, VerifiedUserFactory, legislation_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_versions_annotations_and_amendments_are_open_data() -> None:
    draft = legislation_draft(articles=4)
    article = Section.objects.get(draft=draft, kind="article", number="2")
    annotation_create(author=UserFactory(display_name="Ana"), section=article, body="<p>Bien</p>", stance="for")
    amendment_propose(author=VerifiedUserFactory(), section=article, text="Nuevo texto.", justification="Claridad.")
    client = Client()
    listing = client.get("/api/v1/legislation/").json()
    assert [d["id"] for d in listing["items"]] == [draft.pk]
    detail = client.get(f"/api/v1/legislation/{draft.pk}").json()
    assert detail["latest_version"] == 1 and detail["bill"] == draft.proposal_id
    versions = client.get(f"/api/v1/legislation/{draft.pk}/versions").json()
    download = client.get(versions[0]["json_url"])
    assert hashlib.sha256(download.content).hexdigest() == versions[0]["json_sha256"]
    text = client.get(f"/api/v1/legislation/{draft.pk}/versions/1").json()
    assert [s["number"] for s in text["sections"] if s["kind"] == "article"] == ["1", "2", "3", "4"]
    annotations = client.get(f"/api/v1/legislation/{draft.pk}/annotations").json()["items"]
    assert annotations[0]["section"] == str(article.key) and annotations[0]["author"] == "Ana"
    amendments = client.get(f"/api/v1/legislation/{draft.pk}/amendments").json()["items"]
    assert amendments[0]["status"] == "proposed" and amendments[0]["merged_into_version"] is None
    assert client.get(f"/api/v1/legislation/{draft.pk}/versions/9").status_code == 404
    assert client.get("/api/v1/legislation/999999").status_code == 404


def test_unreadable_bills_stay_out_and_openapi_declares_the_routes() -> None:
    hidden = legislation_draft(articles=2, phases_open=("upcoming",))
    client = Client()
    assert client.get("/api/v1/legislation/").json()["items"] == []
    assert client.get(f"/api/v1/legislation/{hidden.pk}").status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    route = schema["paths"]["/api/v1/legislation/{draft_id}/versions/{number}"]["get"]
    assert set(route["responses"]) >= {"200", "404"}
