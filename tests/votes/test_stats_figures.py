"""Inclusion statistics checked against a seeded population counted independently, in plain Python."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import CensusRecord, User
from proposals.models import Comment, Support
from tests.factories import (
    CensusRecordFactory,
    CommentFactory,
    DistrictFactory,
    PollFactory,
    ProposalFactory,
    ProvinceFactory,
    UserFactory,
    VerifiedUserFactory,
    process_page,
)
from votes.models import Ballot, BallotChoice, Booth, BoothTally, Option, Participation
from votes.results import stats
from votes.results.published import ALL, poll_publication

GENDERS = ("female", "male", "another", "unknown")


def _cell_of(user: User) -> tuple[str, str]:
    """The rule, restated independently: census first, then the profile, else unknown."""
    if user.census_record is not None:
        return user.census_record.gender, user.census_record.area
    gender = user.declared_gender if user.declared_gender in {"female", "male", "another"} else "unknown"
    area = user.declared_district.area if user.declared_district is not None else "unknown"
    return gender, area


@pytest.fixture
def population(db: None) -> dict[str, Any]:
    rng = random.Random(7)
    province = ProvinceFactory(code="1306", name="Otuzco")
    other_province = ProvinceFactory(code="1301", name="Trujillo")
    rural = DistrictFactory(province=province, code="130601", area="rural")
    urban = DistrictFactory(province=province, code="130602", area="urban")
    outside = DistrictFactory(province=other_province, code="130101", area="urban")
    census: list[CensusRecord] = []
    sizes = {
        ("female", rural): 60,
        ("male", rural): 55,
        ("female", urban): 70,
        ("male", urban): 65,
        ("another", urban): 4,
        ("unknown", rural): 6,
    }
    for (gender, district), n in sizes.items():
        census += CensusRecordFactory.create_batch(n, gender=gender, district=district)
    CensusRecordFactory.create_batch(30, gender="female", district=outside)  # outside the scope: never counted

    process = process_page(scope_province=province)
    poll = PollFactory(process=process, closes_at=timezone.now() + timedelta(days=1))
    proposals = [ProposalFactory(process=process) for _ in range(3)]
    poll.proposals.set(proposals[:2])
    other = ProposalFactory(process=process, status="draft")  # a draft's author has not proposed yet

    verified = [VerifiedUserFactory(census_record=record) for record in rng.sample(census, 90)]
    unverified = [
        UserFactory(
            declared_gender=rng.choice(["female", "male", "another", "prefer_not", ""]),
            declared_district=rng.choice([rural, urban, None]),
        )
        for _ in range(40)
    ]
    people = verified + unverified
    authors: dict[int, list[User]] = {}
    for proposal in [*proposals, other]:
        chosen = rng.sample(people, 1)[0]
        proposal.author = chosen
        proposal.save(update_fields=["author"])
        authors.setdefault(proposal.pk, []).append(chosen)
    commenters: dict[int, set[int]] = {}
    for _ in range(120):
        author = rng.choice(people)
        proposal = rng.choice(proposals)
        CommentFactory(proposal=proposal, author=author)
        commenters.setdefault(proposal.pk, set()).add(author.pk)
    for proposal in proposals:
        for user in rng.sample(verified, 35):
            Support.objects.create(proposal=proposal, census_record=user.census_record, account=user)

    options = list(Option.objects.filter(question__poll=poll).order_by("position"))
    voters = rng.sample(census, 150)
    officer = UserFactory(roles=["officer"])
    booth = Booth.objects.create(poll=poll, name="Mesa 1", opened_by=officer)
    for record in voters:
        channel = rng.choice(["web", "web", "web", "booth"])
        Participation.objects.create(
            poll=poll,
            census_record=record,
            channel=channel,
            day=date.today(),
            booth=booth if channel == "booth" else None,
            gender=record.gender,
            area=record.area,
        )
        if channel == "web":
            ballot = Ballot.objects.create(
                poll=poll, gender=record.gender, area=record.area, receipt_hash=uuid.uuid4().hex + uuid.uuid4().hex
            )
            BallotChoice.objects.create(
                ballot=ballot, poll=poll, option=rng.choice(options), gender=record.gender, area=record.area
            )
    BoothTally.objects.create(booth=booth, option=options[0], count=5, entered_by=officer)
    BoothTally.objects.create(booth=booth, option=options[0], count=7, entered_by=officer)  # correction: 7 counts
    BoothTally.objects.create(booth=booth, option=options[1], count=3, entered_by=officer)
    return {"poll": poll, "process": process, "proposals": proposals, "census": census}


def _expected_poll_counts(population: dict[str, Any]) -> dict[str, Counter[tuple[str, str]]]:
    poll = population["poll"]
    proposals = list(poll.proposals.all())
    proposing = {p.author for p in proposals if p.status != "draft"}
    supports = Support.objects.filter(proposal__in=proposals).select_related("census_record")
    supporting = {s.census_record for s in supports}
    debating = {c.author for c in Comment.objects.filter(proposal__in=proposals).select_related("author")}
    voting = list(Participation.objects.filter(poll=poll).select_related("census_record"))
    return {
        "proposing": Counter(_cell_of(u) for u in proposing),
        "supporting": Counter((r.gender, r.area) for r in supporting),
        "debating": Counter(_cell_of(u) for u in debating),
        "voting": Counter((p.census_record.gender, p.census_record.area) for p in voting),
    }


def test_stage_counts_match_an_independent_count(population: dict[str, Any]) -> None:
    expected = _expected_poll_counts(population)
    counts = stats.poll_stage_counts(population["poll"])
    for stage in stats.STAGES:
        got = {cell: n for cell, n in counts[stage].items() if n}
        assert got == dict(expected[stage]), stage
    assert sum(counts["voting"].values()) == 150


def test_eligible_census_is_the_scope_only(population: dict[str, Any]) -> None:
    eligible = stats.poll_eligible_counts(population["poll"])
    expected = Counter((r.gender, r.area) for r in population["census"])
    assert {c: n for c, n in eligible.items() if n} == dict(expected)
    assert sum(eligible.values()) == 260  # the 30 records of another province are not eligible here


def test_rates_and_representation_index_follow_the_definition(population: dict[str, Any]) -> None:
    expected = _expected_poll_counts(population)["voting"]
    census = Counter((r.gender, r.area) for r in population["census"])
    published, _results = poll_publication(population["poll"], threshold=1)
    voting = next(s for s in published if s.stage == "voting")
    total_p, total_e = sum(expected.values()), sum(census.values())
    for row in voting.cell_rows:
        cell = (row.gender, row.area)
        assert row.participants == expected[cell]
        if census[cell]:
            assert row.rate == pytest.approx(expected[cell] / census[cell])
            assert row.representation_index == pytest.approx((expected[cell] / total_p) / (census[cell] / total_e))
        else:
            assert row.rate is None and row.representation_index is None
    women = next(r for r in voting.rows if r.gender == "female" and r.area == ALL)
    assert women.participants == sum(n for (g, _a), n in expected.items() if g == "female")
    assert voting.total.participants == total_p


def test_results_by_cell_and_booth_tallies_match(population: dict[str, Any]) -> None:
    poll = population["poll"]
    breakdown = stats.poll_results_breakdown(poll)
    options = list(Option.objects.filter(question__poll=poll).order_by("position"))
    choices = Counter((c.option_id, c.gender, c.area) for c in BallotChoice.objects.filter(poll=poll))
    for option in options:
        for (gender, area), n in breakdown[option.pk]["cells"].items():
            assert n == choices[(option.pk, gender, area)]
    assert breakdown[options[0].pk]["unattributed"] == 7
    assert breakdown[options[1].pk]["unattributed"] == 3
    assert breakdown[options[2].pk]["unattributed"] == 0
    web_total = sum(choices.values())
    assert sum(b["total"] for b in breakdown.values()) == web_total + 10


def test_published_cells_below_the_threshold_are_suppressed_everywhere(population: dict[str, Any]) -> None:
    published, results = poll_publication(population["poll"], threshold=10)
    for stage in published:
        for row in stage.rows:
            public_total = (row.gender, row.area) == (ALL, ALL) and stage.stage != "supporting"
            if row.participants is None:
                assert row.rate is None and row.representation_index is None
            elif not public_total:  # turnout, proposers and commenters in all are public anyway
                assert row.participants == 0 or row.participants >= 10
    another_urban = next(r for r in published[0].rows if (r.gender, r.area) == ("another", "urban"))
    assert another_urban.eligible is None  # 4 people in the census: too few to publish
    for question in results:
        for option in question.options:
            assert all(v is None or v == 0 or v >= 10 for v in option.cells)
            # Option totals are never hidden: anyone can recount them from the bulletin.
            assert option.total == option.unattributed + BallotChoice.objects.filter(option_id=option.option_id).count()


def test_a_cell_hidden_in_the_statistics_is_hidden_in_the_results_when_they_are_the_same_figure(db: None) -> None:
    district = DistrictFactory(code="130699", area="rural")
    poll = PollFactory(allow_booth=False)
    yes = Option.objects.filter(question__poll=poll).order_by("position").first()
    assert yes is not None
    records = [
        *CensusRecordFactory.create_batch(14, district=district, gender="female"),
        *CensusRecordFactory.create_batch(40, district=district, gender="male"),
    ]
    for record in records:
        Participation.objects.create(
            poll=poll, census_record=record, channel="web", day=date.today(), gender=record.gender, area=record.area
        )
        ballot = Ballot.objects.create(poll=poll, gender=record.gender, area=record.area, receipt_hash=uuid.uuid4().hex)
        BallotChoice.objects.create(ballot=ballot, poll=poll, option=yes, gender=record.gender, area=record.area)
    statistics, results = poll_publication(poll, threshold=15)
    voting = next(s for s in statistics if s.stage == "voting")
    hidden_in_stats = {(r.gender, r.area) for r in voting.cell_rows if r.participants is None}
    assert ("female", "rural") in hidden_in_stats
    position = stats.cells().index(("female", "rural"))
    assert results[0].cell_totals[position] is None
    assert results[0].options[0].cells[position] is None
