"""A reader of a small poll's results compares every figure the page, the downloads and the API publish.

The poll is made on the demo server the way an operator would script it (a shell command on
its database: web ballots of census people, closed past the grace period, published by the
administrators' service). The browser then reads the results page (every table, the closed
"votes by group" one included), downloads the CSV and JSON files from the page's links and
calls the API, and finds each figure equal wherever shown and hidden everywhere it is hidden.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Window
from tests.e2e.helpers import check_page, shown
from tests.e2e.server import LiveServer

pytestmark = pytest.mark.e2e

TITLE = "Consulta pequeña: horario del mercado"
# (gender, area, option position, how many): a small poll, some groups large enough to show, some not.
VOTES = [
    ("female", "urban", 0, 12),
    ("male", "urban", 0, 11),
    ("male", "urban", 1, 13),
    ("female", "urban", 1, 2),
    ("male", "rural", 1, 3),
    ("female", "rural", 2, 1),
]
SETUP = f"""
import hashlib
from datetime import date, timedelta
from django.utils import timezone
from accounts.models import CensusRecord, User
from proposals.models import ProcessPage
from votes.models import Ballot, BallotChoice, Option, Participation, Poll, Question
from votes.results.publication import poll_results_publish
now = timezone.now()
poll = Poll.objects.create(process=ProcessPage.objects.live().first(), title={TITLE!r},
    opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1))
question = Question.objects.create(poll=poll, text="¿Abrimos el mercado los domingos?", position=0)
options = [Option.objects.create(question=question, label=label, position=i)
    for i, label in enumerate(["Sí", "No", "Abstención"])]
used = set(Participation.objects.values_list("census_record_id", flat=True))
serial = 0
for gender, area, position, count in {VOTES!r}:
    records = CensusRecord.objects.filter(gender=gender, district__area=area).exclude(pk__in=used)[:count]
    assert len(records) == count, (gender, area)
    for record in records:
        used.add(record.pk)
        serial += 1
        Participation.objects.create(poll=poll, census_record=record, channel="web", day=date.today(),
            gender=gender, area=area)
        ballot = Ballot.objects.create(poll=poll, gender=gender, area=area,
            receipt_hash=hashlib.sha256(f"e2e-small-{{serial}}".encode()).hexdigest())
        BallotChoice.objects.create(ballot=ballot, poll=poll, option=options[position], gender=gender, area=area)
poll_results_publish(poll=poll, actor=User.objects.get(email="admin@demo.decide"))
"""

GENDERS = {"Women": "female", "Men": "male", "Another gender": "another", "Gender unknown": "unknown"}
AREAS = {"Rural": "rural", "Urban": "urban", "Area unknown": "unknown"}
STAGES = {"Proposing": "proposing", "Supporting": "supporting", "Debating": "debating", "Voting": "voting"}
SUPPRESSED = "suppressed"

TABLES_JS = """() => Array.from(document.querySelectorAll("main table")).map(t => ({
  caption: (t.querySelector("caption") || {textContent: ""}).textContent.trim(),
  head: Array.from(t.querySelectorAll("thead th")).map(c => c.textContent.trim()),
  rows: Array.from(t.querySelectorAll("tbody tr")).map(r =>
    Array.from(r.querySelectorAll("th, td")).map(c => c.textContent.trim())),
}))"""


def _group(label: str) -> tuple[str, str]:
    """A row label of the statistics tables as (gender|all, area|all)."""
    if label == "All":
        return "all", "all"
    if " · " in label:
        gender, area = label.split(" · ")
        return GENDERS[gender], AREAS[area]
    return (GENDERS[label], "all") if label in GENDERS else ("all", AREAS[label])


def _number(text: str) -> int | None:
    return None if text == SUPPRESSED else int(text.replace(",", ""))


def _page_figures(page: Page) -> dict[tuple[str, ...], int | None]:
    """Every count the results page shows, keyed like the open data."""
    figures: dict[tuple[str, ...], int | None] = {}
    for table in page.evaluate(TABLES_JS):
        caption = table["caption"]
        if caption.endswith("participants by group against the eligible census"):
            stage = STAGES[caption.split(":")[0]]
            for row in table["rows"]:
                gender, area = _group(row[0])
                figures[("statistics", stage, gender, area)] = _number(row[1])
                figures[("eligible", gender, area)] = _number(row[2])
        elif caption.startswith("Votes by option"):
            options = [row[0] for row in table["rows"] if row[0] != "All"]
            for row in table["rows"]:
                option = row[0] if row[0] != "All" else "all"
                figures[("results", option, "unattributed")] = _number(row[2])
                figures[("results", option, "all")] = _number(row[3])
        elif caption.startswith("Online ballots by the voter's group"):
            columns = [*options, "all"]
            for row in table["rows"]:
                if row[0] == "All":
                    continue
                group = "unattributed" if row[0].startswith("Unattributed") else "/".join(_group(row[0]))
                for option, value in zip(columns, row[1:], strict=True):
                    figures[("results", option, group)] = _number(value)
    return figures


def _open_data(records: dict[str, list[dict[str, Any]]]) -> dict[tuple[str, ...], int | None]:
    figures: dict[tuple[str, ...], int | None] = {}
    for row in records["statistics"]:
        figures[("statistics", row["stage"], row["gender"], row["area"])] = row["participants"]
        figures[("eligible", row["gender"], row["area"])] = row["eligible"]
    for row in records["results"]:
        figures[("results", row["option"], row["group"])] = row["votes"]
    return figures


def _csv_records(text: str) -> list[dict[str, Any]]:
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        rows.append({k: (None if v == "" else int(v) if re.fullmatch(r"-?\d+", v) else v) for k, v in row.items()})
    return rows


def test_every_published_figure_of_a_small_poll_agrees_across_page_downloads_and_api(
    demo_server: LiveServer, open_window: Callable[..., Window]
) -> None:
    demo_server.manage("shell", "-c", SETUP)
    reader = open_window()
    page = reader.page
    page.goto("/polls/")
    page.get_by_role("main").get_by_role("link", name=TITLE).click()
    page.get_by_role("main").get_by_role("link", name=re.compile("published results", re.I)).click()
    expect(page.get_by_role("heading", level=1), shown(page)).to_contain_text(TITLE)
    poll_id = re.search(r"/polls/(\d+)/results/", page.url)
    assert poll_id, page.url
    check_page(page, reader.log, "results of a small poll")
    on_page = _page_figures(page)

    def get(url: str) -> str:
        response = page.request.get(url)
        assert response.status == 200, (url, response.status)
        return response.text()

    downloads = {
        link.get_attribute("href") or ""
        for link in page.get_by_role("main").get_by_role("link", name=re.compile(r"\((CSV|JSON)\)$")).all()
    }
    base = f"/polls/{poll_id.group(1)}"
    assert {f"{base}/{d}.{f}" for d in ("results", "statistics") for f in ("csv", "json")} <= downloads
    json_data = _open_data(
        {d: json.loads(get(f"{base}/{d}.json"))[d] for d in ("statistics", "results")},
    )
    csv_data = _open_data({d: _csv_records(get(f"{base}/{d}.csv")) for d in ("statistics", "results")})
    api = _open_data(
        {
            "statistics": json.loads(get(f"/api/v1/statistics/polls/{poll_id.group(1)}"))["statistics"],
            "results": json.loads(get(f"/api/v1/results/{poll_id.group(1)}"))["results"],
        }
    )
    assert json_data == csv_data == api, "the downloads and the API disagree"
    for key, value in on_page.items():
        assert key in json_data, key
        assert value == json_data[key], f"{key}: page shows {value}, the open data {json_data[key]}"
    # Not vacuous: the page shows some groups and hides others, and the result is whole.
    groups = [v for k, v in on_page.items() if k[0] == "results" and "/" in k[2]]
    assert any(v is None for v in groups) or "Not shown by group" in page.content()
    assert on_page[("results", "all", "all")] == sum(n for *_rest, n in VOTES)
    assert on_page[("statistics", "voting", "all", "all")] == sum(n for *_rest, n in VOTES)
    # A figure hidden on the page is hidden in every file (the comparison above), and small ones never show.
    for key, value in json_data.items():
        if key[0] == "results" and "/" in key[2] and value is not None:
            assert value == 0 or value >= 10, key
