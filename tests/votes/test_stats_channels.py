"""Supports and proposals by channel (online, desk, paper, SMS) in the process statistics, one disclosure decision."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from proposals.models import Proposal, Support
from tests.factories import ProposalFactory, UserFactory, VerifiedUserFactory
from votes.results.figures import process_decision
from votes.results.published import process_channel_statistics, process_statistics
from votes.results.stats import SUPPORTING

pytestmark = pytest.mark.django_db


def _support(proposal: Proposal, channel: str, officer: object | None = None) -> None:
    person = VerifiedUserFactory()
    fields = {"recorded_by": officer} if channel in ("assisted", "paper") else {}
    if channel == "paper":
        from proposals.models import SignatureSheet

        sheet = SignatureSheet.objects.create(
            proposal=proposal, content_hash=f"h{Support.objects.count()}", entered_by=officer
        )
        Support.objects.create(
            proposal=proposal, census_record=person.census_record, channel="paper", sheet=sheet, **fields
        )
        return
    Support.objects.create(
        proposal=proposal, census_record=person.census_record, account=person, channel=channel, **fields
    )


def test_channel_tables_add_up_and_hide_small_cells_consistently() -> None:
    proposal = ProposalFactory()
    officer = UserFactory()
    for _ in range(14):
        _support(proposal, "online")
    for _ in range(3):
        _support(proposal, "sms")
    _support(proposal, "paper", officer)
    tables = {t.stage: t for t in process_channel_statistics(proposal.process, 10)}
    supporting = tables[SUPPORTING]
    by_channel = {row.channel: row for row in supporting.rows}
    # 3 SMS supporters and 1 on paper are below the threshold of 10: never shown, nor derivable from totals.
    assert by_channel["sms"].total is None and by_channel["paper"].total is None
    assert all(value is None or value >= 10 or value == 0 for row in supporting.rows for value in row.values)
    shown = [row.total for row in supporting.rows if row.total is not None]
    if supporting.grand_total is not None:
        hidden_rows = [row for row in supporting.rows if row.total is None]
        assert len(hidden_rows) != 1, "a single hidden row would be the grand total minus the others"
        assert sum(shown) <= supporting.grand_total
    # The stage table and the channel table come from the same decision.
    figures, _decision = process_decision(proposal.process, 10)
    assert figures.channels[SUPPORTING]["sms"]
    stage_total = next(s for s in process_statistics(proposal.process, 10) if s.stage == SUPPORTING)
    assert stage_total.rows[-1].participants in (None, 18)


def test_the_process_statistics_page_shows_the_channel_tables(client: Client, english: None) -> None:
    proposal = ProposalFactory()
    for _ in range(12):
        _support(proposal, "online")
    page = client.get(reverse("votes:process_statistics", args=[proposal.process.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "How people took part" in html and "Supporting, by channel" in html


def test_the_api_publishes_the_channel_table_as_the_page_does(client: Client) -> None:
    proposal = ProposalFactory()
    for _ in range(12):
        _support(proposal, "online")
    _support(proposal, "sms")
    data = client.get(f"/api/v1/statistics/processes/{proposal.process.pk}/channels").json()
    rows = {(r["stage"], r["channel"], r["group"]): r for r in data["statistics"]}
    assert rows[("supporting", "sms", "all")]["suppressed"] is True
    assert rows[("supporting", "sms", "all")]["participants"] is None
    table = next(t for t in process_channel_statistics(proposal.process, 10) if t.stage == SUPPORTING)
    assert rows[("supporting", "all", "all")]["participants"] == table.grand_total
    assert client.get("/api/v1/statistics/processes/999999/channels").status_code == 404


def test_process_statistics_publish_the_bill_stages_too() -> None:
    proposal = ProposalFactory()
    stages = [table.stage for table in process_statistics(proposal.process, 10)]
    assert stages == ["proposing", "supporting", "debating", "annotating", "amending", "voting"]
