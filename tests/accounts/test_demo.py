"""The demo: La Libertad, a census, verified citizens of every kind, and seeding twice changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from accounts import demo
from accounts.models import CensusImport, CensusRecord, District, User


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_its_citizens_can_sign_in_and_verify() -> None:
    demo.seed()
    counts = (
        District.objects.count(),
        CensusRecord.objects.count(),
        CensusImport.objects.count(),
        User.objects.count(),
    )
    demo.seed()
    assert (
        District.objects.count(),
        CensusRecord.objects.count(),
        CensusImport.objects.count(),
        User.objects.count(),
    ) == counts
    assert District.objects.values("province").distinct().count() == 12
    assert CensusRecord.objects.count() > demo.CENSUS_SIZE
    assert set(CensusRecord.objects.values_list("area", flat=True)) == {"rural", "urban"}

    verified = {login.email: login for login in demo.DEMO_LOGINS if login.verified_as}
    kinds = {
        (User.objects.get(email=email).census_record.area, person.verified_as.gender)
        for email, person in verified.items()
    }  # type: ignore[union-attr]
    assert kinds == {("rural", "female"), ("rural", "male"), ("urban", "female"), ("urban", "male")}

    client = Client()
    assert (
        client.post("/accounts/login/", {"login": "rosa@demo.decide", "password": "demo-citizen-pass"}).status_code
        == 302
    )
    client.logout()
    client.post("/accounts/login/", {"login": "citizen@demo.decide", "password": "demo-citizen-pass"})
    person = demo.UNBOUND_PERSON
    response = client.post(
        "/accounts/verify/", {"document_number": person.document, "birth_date": person.birth_date.isoformat()}
    )
    assert response.status_code == 302
    assert User.objects.get(email="citizen@demo.decide").is_verified


@pytest.mark.django_db
def test_demo_logins_lists_the_verified_citizens() -> None:
    from io import StringIO

    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for role in (
        "verified citizen (rural, woman",
        "verified citizen (urban, man",
        "officer",
        "administrator",
    ):
        assert role in text
