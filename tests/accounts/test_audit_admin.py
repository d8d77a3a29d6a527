"""The audit log in the Wagtail admin: administrators filter it, page through it and download it as CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.audit import audit_record
from accounts.audit_admin import PAGE_SIZE
from accounts.models import AuditEntry, User
from accounts.roles import ADMINISTRATOR, MODERATOR, OFFICER
from tests.factories import UserFactory

URL = "/admin/audit/"


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory(roles=[ADMINISTRATOR], username="ana_admin", email="ana@example.org")


@pytest.fixture
def admin_client(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def log(administrator: User) -> dict[str, AuditEntry]:
    """Three entries by two people on three days (dates set after writing: created_at is automatic)."""
    moderator = UserFactory(roles=[MODERATOR], username="mario_mod", email="mario@example.org")
    entries = {
        "hide": audit_record(actor=moderator, action="comment.hide", reason="insultos", detail={"comment": 7}),
        "publish": audit_record(actor=administrator, action="poll.results_publish", target=administrator),
        "import": audit_record(actor=None, action="census.import", reason='=HYPERLINK("http://x")'),
    }
    days = {"hide": datetime(2026, 3, 1, 12), "publish": datetime(2026, 3, 2, 12), "import": datetime(2026, 3, 5, 12)}
    for name, day in days.items():
        AuditEntry.objects.filter(pk=entries[name].pk).update(created_at=timezone.make_aware(day))
    return entries


def _rows(client: Client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"{URL}audit-log.csv{query}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.usefixtures("english")
def test_administrator_reads_the_log_newest_first(admin_client: Client, log: dict[str, AuditEntry]) -> None:
    assert URL in admin_client.get("/admin/").content.decode()  # the sidebar menu item
    body = admin_client.get(URL).content.decode()
    assert "3 entries" in body
    order = [
        body.index(f"<code>{action}</code>") for action in ("census.import", "poll.results_publish", "comment.hide")
    ]
    assert order == sorted(order)
    assert "the system" in body  # an action of nobody in particular (a task)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?actor=mario", {"comment.hide"}),
        ("?actor=ANA@EXAMPLE", {"poll.results_publish"}),  # part of the email, any case
        ("?action=census.import", {"census.import"}),
        ("?target_type=accounts.user", {"poll.results_publish"}),
        ("?since=2026-03-02", {"poll.results_publish", "census.import"}),
        ("?until=2026-03-02", {"comment.hide", "poll.results_publish"}),  # the last day is included, whole
        ("?since=2026-03-02&until=2026-03-02", {"poll.results_publish"}),
        ("?since=2026-03-03&until=2026-03-04", set()),
        ("", {"comment.hide", "poll.results_publish", "census.import"}),
    ],
)
def test_filters_narrow_the_page_and_the_download_alike(
    admin_client: Client, log: dict[str, AuditEntry], query: str, expected: set[str]
) -> None:
    assert {row["action"] for row in _rows(admin_client, query)} == expected
    body = admin_client.get(f"{URL}{query}").content.decode()
    for action in {"comment.hide", "poll.results_publish", "census.import"}:
        assert (f"<code>{action}</code>" in body) is (action in expected), action


def test_object_filter_by_type_and_number(
    admin_client: Client, log: dict[str, AuditEntry], administrator: User
) -> None:
    rows = _rows(admin_client, f"?target_type=accounts.user&target_id={administrator.pk}")
    assert [row["target_id"] for row in rows] == [str(administrator.pk)]
    assert _rows(admin_client, "?target_type=accounts.user&target_id=999999") == []


def test_csv_carries_every_column_and_defuses_formulas(admin_client: Client, log: dict[str, AuditEntry]) -> None:
    rows = {row["action"]: row for row in _rows(admin_client)}
    hide = rows["comment.hide"]
    assert (hide["actor"], hide["reason"], hide["detail"]) == ("mario_mod", "insultos", '{"comment": 7}')
    assert hide["when"].startswith("2026-03-01T12:00")
    assert rows["census.import"]["reason"] == '\'=HYPERLINK("http://x")'  # a spreadsheet shows text, runs nothing
    assert rows["census.import"]["actor"] == ""


@pytest.mark.usefixtures("english")
def test_reversed_dates_are_a_clear_400_not_a_500(admin_client: Client, log: dict[str, AuditEntry]) -> None:
    page = admin_client.get(f"{URL}?since=2026-03-05&until=2026-03-01")
    assert page.status_code == 200 and "The first day comes after the last one." in page.content.decode()
    download = admin_client.get(f"{URL}audit-log.csv?since=2026-03-05&until=2026-03-01")
    assert download.status_code == 400 and b"The first day comes after the last one." in download.content
    assert admin_client.get(f"{URL}?since=not-a-day").status_code == 200  # the form says what is wrong


def test_pages_of_fifty_keep_the_filter(admin_client: Client, administrator: User) -> None:
    for n in range(PAGE_SIZE + 5):
        audit_record(actor=administrator, action="proposal.hide", detail={"n": n})
    audit_record(actor=administrator, action="poll.create")
    first = admin_client.get(f"{URL}?action=proposal.hide").content.decode()
    assert first.count("<code>proposal.hide</code>") == PAGE_SIZE
    assert "action=proposal.hide&amp;page=2" in first
    second = admin_client.get(f"{URL}?action=proposal.hide&page=2").content.decode()
    assert second.count("<code>proposal.hide</code>") == 5 and "<code>poll.create</code>" not in second


@pytest.mark.parametrize("role", [MODERATOR, OFFICER, None])
def test_only_administrators_read_it(db: None, role: str | None) -> None:
    audit_record(actor=None, action="census.import", reason="secreto")
    client = Client()
    client.force_login(UserFactory(roles=[role] if role else []))
    for url in (URL, f"{URL}audit-log.csv"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"secreto" not in response.content
    assert URL not in client.get("/admin/").content.decode()


def test_log_of_a_week_back_is_found_by_its_days(admin_client: Client, administrator: User) -> None:
    entry = audit_record(actor=administrator, action="poll.close")
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=7))
    day = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert [row["action"] for row in _rows(admin_client, f"?since={day}&until={day}")] == ["poll.close"]
