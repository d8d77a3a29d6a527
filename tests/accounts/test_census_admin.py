"""Administrators import the census and unbind records in the Wagtail admin."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.census_import import census_import_create, census_import_progress
from accounts.models import AuditEntry, CensusImport, CensusRecord, User
from accounts.roles import ADMINISTRATOR, OFFICER
from tests.factories import CensusRecordFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.usefixtures("la_libertad")


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory(roles=[ADMINISTRATOR])


@pytest.fixture
def admin_client(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture(autouse=True)
def _import_in_the_request(settings: pytest.FixtureRequest) -> None:
    # The background thread cannot see the test transaction; the work is the same.
    settings.CENSUS_IMPORT_IN_BACKGROUND = False  # type: ignore[attr-defined]


def upload(client: Client, content: bytes, name: str = "padron.csv") -> str:
    response = client.post(
        "/admin/census/import/", {"file": SimpleUploadedFile(name, content, "text/csv")}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_administrator_imports_a_file_and_sees_the_counts(admin_client: Client, administrator: User) -> None:
    index = admin_client.get("/admin/census/")
    assert index.status_code == 200 and "No census file has been imported yet" in index.content.decode()
    assert "/admin/census/" in admin_client.get("/admin/").content.decode()  # the sidebar menu item

    body = upload(admin_client, b"document_number,birth_date,district_code,gender\n71000001,1980-01-01,130101,F\n")

    assert "1 rows imported: 1 new, 0 updated, 0 unchanged." in body
    assert CensusRecord.objects.count() == 1
    done = CensusImport.objects.get()
    assert (done.status, done.started_by, done.file_name) == ("done", administrator, "padron.csv")
    assert "padron.csv" in admin_client.get("/admin/census/").content.decode()


def test_a_bad_file_lists_its_problems_and_imports_nothing(admin_client: Client) -> None:
    content = (
        "document_number,birth_date,district_code,gender\n"
        "72000001,1980-01-01,130101,F\n"
        "72000002,1980-13-01,130101,F\n"
        "72000003,1980-01-01,555555,F\n"
    ).encode("latin-1")
    body = upload(admin_client, content)
    assert "2 problems: nothing was imported." in body
    assert "<td>3</td><td>the birth date is not a real date" in body
    assert "<td>4</td><td>unknown district 555555</td>" in body
    assert "72000002" not in body
    assert CensusRecord.objects.count() == 0


def test_progress_of_a_running_import_comes_from_the_cache(administrator: User) -> None:
    running = census_import_create(file_name="big.csv", started_by=administrator)
    running.status = CensusImport.Status.RUNNING
    running.save()
    cache.set(f"census-import-progress:{running.pk}", ("importing", 250, 1000))
    assert census_import_progress(running).percent == 25


def test_an_import_started_again_after_its_worker_died_says_so(admin_client: Client, administrator: User) -> None:
    again = census_import_create(file_name="big.csv", started_by=administrator)
    CensusImport.objects.filter(pk=again.pk).update(attempts=1)  # pending again: one start died with its worker

    body = admin_client.get(f"/admin/census/import/{again.pk}/").content.decode()

    assert "so the import started again from the beginning. Nothing had been imported." in body
    CensusImport.objects.filter(pk=again.pk).update(status=CensusImport.Status.RUNNING, attempts=2)  # its 2nd start
    assert "started again" in admin_client.get(f"/admin/census/import/{again.pk}/").content.decode()
    CensusImport.objects.filter(pk=again.pk).update(attempts=1)  # a first start running: nothing to say
    assert "started again" not in admin_client.get(f"/admin/census/import/{again.pk}/").content.decode()


def test_a_failed_import_says_why_in_plain_words_and_how_to_start_again(
    admin_client: Client, administrator: User
) -> None:
    failed = census_import_create(file_name="big.csv", started_by=administrator)
    reason = "the import was interrupted: the background worker running it stopped; nothing was imported"
    CensusImport.objects.filter(pk=failed.pk).update(
        status=CensusImport.Status.FAILED, problems=[{"line": 0, "reason": reason}], problems_total=1
    )

    body = admin_client.get(f"/admin/census/import/{failed.pk}/").content.decode()

    assert "The import was interrupted: the background worker running it stopped; nothing was imported." in body
    assert "The census is as it was before this import." in body
    assert 'href="/admin/census/import/">Upload the file again to start again.</a>' in body
    assert "Fix the file" not in body and "<td>0</td>" not in body
    assert 'http-equiv="refresh"' not in body


def test_only_administrators_reach_the_census_admin(client: Client) -> None:
    officer = UserFactory(roles=[OFFICER])
    client.force_login(officer)
    # Wagtail turns a refusal inside the admin into a redirect to its dashboard, with a message.
    assert client.get("/admin/census/")["Location"] == "/admin/"
    assert client.post("/admin/census/import/", {})["Location"] == "/admin/"
    assert not CensusImport.objects.exists()
    assert "/admin/census/" not in client.get("/admin/").content.decode()
    client.force_login(UserFactory())
    assert client.get("/admin/census/").status_code == 302  # no admin access at all: to the admin sign-in


def test_administrator_unbinds_a_record_and_the_person_verifies_again(
    admin_client: Client, administrator: User
) -> None:
    record = CensusRecordFactory(document="73000001", birth_date=date(1970, 4, 4))
    holder = VerifiedUserFactory(census_record=record, email="lost.phone@example.org")

    response = admin_client.post("/admin/census/unbind/", {"account_email": holder.email, "reason": ""})
    assert response.status_code == 400
    response = admin_client.post(
        "/admin/census/unbind/", {"account_email": holder.email, "reason": "Lost access to the email account"}
    )
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.census_record is None and holder.verified_at is None
    entry = AuditEntry.objects.get(action="census.unbind")
    assert (entry.actor, entry.reason, entry.target_id) == (
        administrator,
        "Lost access to the email account",
        str(holder.pk),
    )

    again = admin_client.post("/admin/census/unbind/", {"account_email": holder.email, "reason": "twice"})
    assert again.status_code == 400 and "not verified" in again.content.decode()

    person = Client()
    newcomer = UserFactory()
    person.force_login(newcomer)
    person.post("/accounts/verify/", {"document_number": "73000001", "birth_date": "1970-04-04"})
    newcomer.refresh_from_db()
    assert newcomer.census_record == record


def test_officers_cannot_unbind(client: Client) -> None:
    client.force_login(UserFactory(roles=[OFFICER]))
    holder = VerifiedUserFactory()
    response = client.post("/admin/census/unbind/", {"account_email": holder.email, "reason": "x"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    holder.refresh_from_db()
    assert holder.census_record is not None
