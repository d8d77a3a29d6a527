"""Age bands in a process's inclusion statistics: counted from census birth dates, suppressed like the rest.

The differencing check: a stage's bands add up to its people, whose total is public
(names on proposals and comments, turnout), so hiding only the small band would give
it away as the total less the others. An exact oracle (integer programming over what a
reader knows of the age table: the shown bands, the stage total, the census bands, and
that supporters and voters are on the census) checks every small band of every decision.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from proposals.models import Comment, Support
from tests.factories import CensusRecordFactory, ProposalFactory, UserFactory, VerifiedUserFactory
from tests.votes.helpers import closed_poll
from tests.votes.stats_oracle import CELLS, Reader
from votes.results.breakdowns import (
    AGE_BANDS,
    UNKNOWN_AGE,
    age_band,
    process_age_counts,
    process_vote_channel_counts,
)
from votes.results.disclosure import Decision, disclosure_decide
from votes.results.figures import ELIGIBLE_AGES, ProcessFigures, age_key, process_model, stage_key
from votes.results.published import process_age_statistics, process_channel_statistics
from votes.results.stats import PROCESS_STAGES, PROPOSING, SUPPORTING, VOTING

THRESHOLD = 10
PUBLIC_TOTALS = {"proposing", "debating"}  # names on every proposal and comment


def test_bands_cut_on_the_birthday() -> None:
    today = date(2026, 12, 1)
    assert age_band(date(1996, 12, 2), today) == "16-29"  # 29, turns 30 tomorrow
    assert age_band(date(1996, 12, 1), today) == "30-44"  # 30 today
    assert age_band(date(1981, 12, 1), today) == "45-64"
    assert age_band(date(1961, 12, 2), today) == "45-64"
    assert age_band(date(1961, 12, 1), today) == "65+"
    assert age_band(date(1963, 2, 28), date(2028, 2, 29)) == "65+"  # counted on a leap day
    assert age_band(date(1963, 3, 1), date(2028, 2, 29)) == "45-64"


# --- the decision against an exact oracle (pure: no database) ----------------------------


def _figures(ages: dict[str, dict[str, int]], eligible_ages: dict[str, int]) -> ProcessFigures:
    """A process whose people by cell are all urban women: the cell tables are not what is tested here."""

    def cell_counts(total: int) -> dict[tuple[str, str], int]:
        counts = dict.fromkeys(CELLS, 0)
        counts[("female", "urban")] = total
        return counts

    stages = {stage: cell_counts(sum(ages.get(stage, {}).values())) for stage in PROCESS_STAGES}
    return ProcessFigures(
        stages=stages,
        eligible=cell_counts(sum(eligible_ages.values())),
        polls=[],
        ages={stage: {b: ages.get(stage, {}).get(b, 0) for b in AGE_BANDS} for stage in ages},
        eligible_ages={b: eligible_ages.get(b, 0) for b in AGE_BANDS},
    )


def _audit(figures: ProcessFigures, decision: Decision, threshold: int = THRESHOLD) -> list[str]:
    """Every small band whose interval, over what a reader knows, is narrower than the rule allows."""
    problems = []
    census = figures.eligible_ages
    for stage, bands in figures.ages.items():
        reader = Reader()
        a = {b: reader.unknown(f"a{b}", bands[b]) for b in AGE_BANDS}
        e = {b: reader.unknown(f"e{b}", census[b]) for b in AGE_BANDS}
        known: list[tuple[dict[int, int], int]] = []
        fixed: list[tuple[dict[int, int], int]] = []
        total = {a[b]: 1 for b in AGE_BANDS}
        # The stage's people, all urban women here: any of these figures, shown, tells the total.
        total_keys = [
            age_key(stage, "*"),
            *(stage_key(stage, g, a) for g, a in [("*", "*"), ("female", "*"), ("*", "urban"), ("female", "urban")]),
        ]
        if stage in PUBLIC_TOTALS or any(decision.shows(key) for key in total_keys):
            known.append((total, sum(bands.values())))
        if stage in PUBLIC_TOTALS:
            fixed.append((total, sum(bands.values())))
        census_total = {e[b]: 1 for b in AGE_BANDS}
        known.append((census_total, sum(census.values())))
        fixed.append((census_total, sum(census.values())))
        for b in AGE_BANDS:
            if decision.shows(age_key(stage, b)):
                known.append(({a[b]: 1}, bands[b]))
            if decision.shows(age_key(ELIGIBLE_AGES, b)):
                known.append(({e[b]: 1}, census[b]))
            if census[b] == 0:
                fixed.append(({e[b]: 1}, 0))
            if stage in (SUPPORTING, VOTING) and b != UNKNOWN_AGE:
                reader.inequalities.append({a[b]: 1, e[b]: -1})
        for b in AGE_BANDS:
            n = bands[b]
            if not 0 < n < threshold:
                continue
            if decision.shows(age_key(stage, b)):
                problems.append(f"{stage}:{b} = {n} is shown")
                continue
            low, high = reader.interval({a[b]: 1}, known)
            base_low, base_high = reader.interval({a[b]: 1}, fixed)
            required = min(threshold, base_high - base_low)
            if high - low < required:
                problems.append(f"{stage}:{b} = {n} lies in [{low}, {high}], narrower than {required}")
    return problems


def test_a_small_band_is_not_left_as_the_total_less_the_others() -> None:
    """Three proposers of 65 and over among 63: hiding their 3 alone would leave it as 63 - 60."""
    figures = _figures(
        {PROPOSING: {"16-29": 20, "30-44": 25, "45-64": 15, "65+": 3}},
        {"16-29": 400, "30-44": 500, "45-64": 450, "65+": 200},
    )
    decision = disclosure_decide(process_model(figures), THRESHOLD)
    assert not decision.shows(age_key(PROPOSING, "65+"))
    hidden_others = [b for b in ("16-29", "30-44", "45-64") if not decision.shows(age_key(PROPOSING, b))]
    assert hidden_others, "a second band must be hidden, or the small one is the total less the others"
    assert decision.shows(age_key(PROPOSING, "*"))  # the total stays: it is public anyway
    assert _audit(figures, decision) == []


def test_supporters_bounded_by_a_small_census_band_are_protected() -> None:
    """Four supporters under 30 where the census has only four people under 30: the census gives them away."""
    figures = _figures(
        {SUPPORTING: {"16-29": 4, "30-44": 30, "45-64": 25, "65+": 12}},
        {"16-29": 4, "30-44": 300, "45-64": 250, "65+": 120},
    )
    decision = disclosure_decide(process_model(figures), THRESHOLD)
    assert _audit(figures, decision) == []


@pytest.mark.parametrize("seed", range(12))
def test_random_processes_pass_the_oracle(seed: int) -> None:
    rng = random.Random(seed)
    census = {b: rng.choice([0, 3, 40, 200]) for b in AGE_BANDS[:-1]} | {UNKNOWN_AGE: 0}
    ages = {}
    for stage in (PROPOSING, SUPPORTING, "debating", VOTING):
        bands = {b: rng.choice([0, 1, 2, 5, 9, 12, 30]) for b in AGE_BANDS}
        if stage in (SUPPORTING, VOTING):  # verified people: on the census, of known age
            bands = {b: min(n, census[b]) if b != UNKNOWN_AGE else 0 for b, n in bands.items()}
        ages[stage] = bands
    figures = _figures(ages, census)
    decision = disclosure_decide(process_model(figures), THRESHOLD)
    assert _audit(figures, decision) == []


# --- counted from the database, shown on the page -------------------------------------------


def _born(years: int) -> date:
    return timezone.localdate() - timedelta(days=int(years * 365.25) + 10)


@pytest.mark.django_db
def test_counts_come_from_census_birth_dates_and_the_page_suppresses(client: Client, english: None) -> None:
    proposal = ProposalFactory()
    process = proposal.process
    for years in [20] * 12 + [50] * 11 + [70] * 2:
        person = VerifiedUserFactory(census_record=CensusRecordFactory(birth_date=_born(years)))
        Support.objects.create(proposal=proposal, census_record=person.census_record, account=person, channel="online")
    Comment.objects.create(proposal=proposal, author=UserFactory(), body="Sin verificar")  # age unknown
    counts = process_age_counts(process)
    assert counts[SUPPORTING] == {"16-29": 12, "30-44": 0, "45-64": 11, "65+": 2, "unknown": 0}
    assert counts["debating"]["unknown"] == 1
    tables = {t.stage: t for t in process_age_statistics(process, THRESHOLD)}
    rows = {row.band: row for row in tables[SUPPORTING].rows}
    assert rows["65+"].participants is None  # 2 people: suppressed
    assert rows["16-29"].participants is None or rows["45-64"].participants is None  # and not derivable
    page = client.get(reverse("votes:process_statistics", args=[process.pk])).content.decode()
    assert "Who took part, by age" in page and "Supporting, by age" in page and "65 years and over" in page
    data = client.get(f"/api/v1/statistics/processes/{process.pk}/ages").json()
    api = {(r["stage"], r["age_band"]): r for r in data["statistics"]}
    assert api[(SUPPORTING, "65+")]["suppressed"] is True
    for band, row in rows.items():
        assert api[(SUPPORTING, band)]["participants"] == row.participants


@pytest.mark.django_db
def test_voting_splits_online_and_booth_in_the_channel_tables(english: None) -> None:
    poll = closed_poll(published=True)  # 67 online, 4 at the booth
    counts = process_vote_channel_counts(poll.process)
    assert sum(counts["web"].values()) == 67 and sum(counts["booth"].values()) == 4
    table = next(t for t in process_channel_statistics(poll.process, THRESHOLD) if t.stage == VOTING)
    rows = {row.channel: row for row in table.rows}
    assert rows["web"].label == "Online" and rows["booth"].label == "Polling booth"
    assert rows["booth"].total is None  # 4 booth voters: suppressed
