"""Plain-text fields are stored as typed and escaped once, at output (issue 13, item 8).

Before, `plain_text()` returned HTML-escaped text: "Agua & luz" was stored as "Agua &amp; luz",
so pages showed "&amp;amp;" and the API returned escaped strings.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.test import Client

from decide.sanitize import plain_text
from proposals.models import Proposal
from tests.factories import ProposalFactory, UserFactory, process_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TITLE = 'Agua & luz: "<b>riego</b>" para 3 < 5 comunidades'
STORED = 'Agua & luz: "riego" para 3 < 5 comunidades'


def _submit(title: str, summary: str = "Riego & agua potable.") -> Any:
    process = process_page(pre_moderation=False)
    client = Client()
    client.force_login(UserFactory())
    response = client.post(process.url + "submit/", {"title": title, "summary": summary, "body": "<p>Texto.</p>"})
    return process, response


def test_plain_text_strips_tags_and_returns_unescaped_text() -> None:
    assert plain_text(TITLE) == STORED
    assert plain_text("Tom &amp; Jerry") == "Tom & Jerry"
    assert plain_text("<script>alert(1)</script>Ley") == "Ley"


def test_title_is_stored_as_typed_shown_escaped_once_and_returned_raw_by_the_api() -> None:
    process, response = _submit(TITLE)

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.summary) == (STORED, "Riego & agua potable.")
    page = Client().get(process.url + f"{proposal.pk}/").content.decode()
    assert "Agua &amp; luz: &quot;riego&quot; para 3 &lt; 5 comunidades" in page
    assert "&amp;amp;" not in page and "&amp;lt;" not in page
    api = Client().get(f"/api/v1/proposals/{proposal.pk}").json()
    assert api["title"] == STORED
    assert api["summary"] == "Riego & agua potable."


@pytest.mark.parametrize(
    "title",
    [
        "\u200b\u200b\u200b",  # zero-width spaces
        "\u202e\u202d\u2066\u2069",  # bidirectional overrides and isolates
        "\ufeff\u2060\u00a0 \u3000",  # BOM, word joiner, no-break and ideographic spaces
        "<b>\u200f\u200e</b>\u180e",  # marks inside a tag, Mongolian vowel separator
    ],
)
def test_a_title_empty_once_invisible_and_bidi_characters_are_removed_is_refused(title: str) -> None:
    _process, response = _submit(title)

    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert "Give your proposal a title" in response.content.decode()
    assert not Proposal.objects.exists()


def test_bidi_overrides_are_removed_from_stored_text() -> None:
    _process, response = _submit("Ley \u202eaugua\u202c del agua")

    assert response.status_code == 302
    assert Proposal.objects.get().title == "Ley augua del agua"


def test_data_migration_unescapes_rows_stored_escaped() -> None:
    escaped = ProposalFactory(
        title="Agua &amp; luz &lt;ya&gt;", summary="Tom &amp; Jerry", status_reason="Fuera de &quot;tema&quot;"
    )
    blocked = UserFactory(blocked_reason="spam &amp; insultos", display_name="Ana &amp; Luis")
    for app_label in ("proposals", "accounts"):
        (path,) = (Path(__file__).parents[2] / app_label / "migrations").glob("*_unescape_plain_text.py")
        migration = importlib.import_module(f"{app_label}.migrations.{path.stem}")
        migration.unescape_rows(global_apps, None)

    escaped.refresh_from_db()
    blocked.refresh_from_db()
    assert (escaped.title, escaped.summary, escaped.status_reason) == (
        "Agua & luz <ya>",
        "Tom & Jerry",
        'Fuera de "tema"',
    )
    assert (blocked.blocked_reason, blocked.display_name) == ("spam & insultos", "Ana & Luis")
