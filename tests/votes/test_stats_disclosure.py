"""The disclosure decision against an exact oracle: no small figure derivable from everything a poll publishes.

The decision (`votes.results.figures` + `votes.results.disclosure`) and the oracle
(`tests.votes.stats_oracle`) share nothing but the meaning of the published rows:
the oracle reads the records the CSV, JSON and API carry, rebuilds the reader's
equations, and computes every small figure's interval by integer programming.
"""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from tests.votes.stats_oracle import CELLS, Truth, audit
from votes.results.disclosure import Decision, disclosure_decide
from votes.results.exports import results_records, statistics_records
from votes.results.figures import PollFigures, poll_model
from votes.results.published import publication_of

THRESHOLD = 10


def _zeros() -> dict[tuple[str, str], int]:
    return dict.fromkeys(CELLS, 0)


def _counts(**by_cell: int) -> dict[tuple[str, str], int]:
    counts = _zeros()
    for name, n in by_cell.items():
        gender, area = name.split("_")
        counts[(gender, area)] = n
    return counts


def _publish_and_audit(figures: PollFigures, threshold: int = THRESHOLD) -> tuple[Any, Any, list[Any], list[str]]:
    decision = disclosure_decide(poll_model(figures), threshold)
    texts = {q: f"Question {q}" for q, _m, _o in figures.questions}
    labels = {o: f"Option {o}" for _q, _m, options in figures.questions for o in options}
    stages, questions = publication_of(figures, decision, texts=texts, labels=labels)
    truth = Truth(
        stages=figures.stages,
        eligible=figures.eligible,
        combinations=figures.combinations,
        booth_voters=figures.booth_voters,
        booth_options=figures.booth_options,
    )
    findings, mismatches = audit(
        truth,
        statistics_records(stages),
        results_records(questions),
        threshold,
        questions={q: options for q, _m, options in figures.questions},
    )
    return stages, questions, findings, mismatches


def five_voters() -> PollFigures:
    """The issue's example: five voters, one urban woman abstains (Yes, No, Abstain are options 1, 2, 3)."""
    voting = _counts(male_rural=2, male_urban=2, female_urban=1)
    return PollFigures(
        stages={"proposing": _counts(male_urban=1), "supporting": _zeros(), "debating": _zeros(), "voting": voting},
        eligible=_counts(female_urban=40, male_urban=40, female_rural=40, male_rural=40),
        combinations={
            (1,): _counts(male_rural=2),
            (2,): _counts(male_urban=2),
            (3,): _counts(female_urban=1),
        },
        booth_voters=_zeros(),
        booth_options={},
        questions=[(9, 1, [1, 2, 3])],
    )


def test_the_five_voter_example_reveals_nothing_about_the_lone_voter() -> None:
    stages, questions, findings, mismatches = _publish_and_audit(five_voters())
    assert findings == [] and mismatches == []
    voting = next(s for s in stages if s.stage == "voting")
    assert voting.total.participants == 5  # the turnout: public on the poll page from the start
    urban_women = next(r for r in voting.rows if (r.gender, r.area) == ("female", "urban"))
    assert urban_women.participants is None and urban_women.representation_index is None
    (question,) = questions
    assert [o.total for o in question.options] == [2, 2, 1]  # the result itself is never hidden
    position = CELLS.index(("female", "urban"))
    # Her row of "votes by group": nothing, not even the zeros that left only "Abstain" for her.
    assert [option.cells[position] for option in question.options] == [None, None, None]
    assert question.cell_totals[position] is None


def _random_poll(rng: random.Random) -> PollFigures:
    """Small polls of every awkward shape: one group, one voter, mostly zeros, two options, booths, two questions."""
    shape = rng.choice(["one_group", "single_voter", "zero_heavy", "two_options", "mixed", "two_questions"])
    groups = rng.sample(CELLS, {"one_group": 1, "single_voter": 1, "zero_heavy": 2}.get(shape, rng.randint(2, 6)))
    n_options = 2 if shape == "two_options" else rng.randint(2, 4)
    questions = [(1, 1, list(range(10, 10 + n_options)))]
    if shape == "two_questions":
        questions.append((2, rng.choice([1, 2]), [20, 21, 22]))
    voters = _zeros()
    booth_voters = _zeros()
    for cell in groups:
        voters[cell] = 1 if shape == "single_voter" else rng.choice([0, 1, 1, 2, 3, 5, 8, 12, 20, 35])
        if rng.random() < 0.3:
            booth_voters[cell] = rng.randint(0, voters[cell])
    combinations: dict[tuple[int, ...], dict[tuple[str, str], int]] = {}
    for cell in CELLS:
        for _ in range(voters[cell] - booth_voters[cell]):
            combo: list[int] = []
            for _q, max_choices, options in questions:
                combo += sorted(rng.sample(options, rng.randint(1, max_choices)))
            counts = combinations.setdefault(tuple(sorted(combo)), _zeros())
            counts[cell] += 1
    booth_options: dict[int, int] = {}
    for _ in range(sum(booth_voters.values())):
        option = rng.choice(questions[0][2])
        booth_options[option] = booth_options.get(option, 0) + 1
    eligible = {cell: voters[cell] + rng.choice([0, 0, 1, 4, 9, 30, 200]) for cell in CELLS}

    def stage() -> dict[tuple[str, str], int]:
        return {cell: (rng.choice([0, 0, 0, 1, 2, 6, 15]) if cell in groups else 0) for cell in CELLS}

    supporting = {cell: min(n, eligible[cell]) for cell, n in stage().items()}
    return PollFigures(
        stages={"proposing": stage(), "supporting": supporting, "debating": stage(), "voting": voters},
        eligible=eligible,
        combinations=combinations,
        booth_voters=booth_voters,
        booth_options=booth_options,
        questions=questions,
    )


RANDOM_POLLS = 200
RANDOM_SECONDS = 300  # bounded: the seed is fixed, so a slower machine only runs fewer of the same cases


def test_no_small_figure_is_derivable_on_hundreds_of_random_small_polls() -> None:
    rng = random.Random(20261130)
    started = time.monotonic()
    checked = 0
    for case in range(RANDOM_POLLS):
        figures = _random_poll(rng)
        _stages, _questions, findings, mismatches = _publish_and_audit(figures)
        assert mismatches == [], (case, mismatches)
        assert findings == [], (case, figures, findings)
        checked += 1
        if time.monotonic() - started > RANDOM_SECONDS:
            break
    assert checked >= 60, f"only {checked} random polls checked in {RANDOM_SECONDS} s"


@pytest.mark.parametrize("threshold", [1, 3, 10])
def test_thresholds_hide_exactly_what_they_must(threshold: int) -> None:
    """Threshold 1 publishes everything; higher ones still pass the oracle on the same poll."""
    rng = random.Random(threshold)
    figures = _random_poll(rng)
    stages, _questions, findings, mismatches = _publish_and_audit(figures, threshold)
    assert findings == [] and mismatches == []
    if threshold == 1:
        assert all(row.participants is not None for stage in stages for row in stage.rows)


def test_the_oracle_catches_what_the_old_suppression_gave_away() -> None:
    """Not a test that cannot fail: hiding only the small figures of the five-voter example is caught."""
    figures = five_voters()
    model = poll_model(figures)
    naive = Decision(
        hidden=frozenset(k for k, f in model.figures.items() if not f.fixed and 0 < f.value < THRESHOLD),
        dropped_tables=frozenset(),
        threshold=THRESHOLD,
        protection=THRESHOLD,
    )
    texts = {9: "Question"}
    labels = {1: "Yes", 2: "No", 3: "Abstain"}
    stages, questions = publication_of(figures, naive, texts=texts, labels=labels)
    truth = Truth(figures.stages, figures.eligible, figures.combinations, figures.booth_voters, figures.booth_options)
    findings, _mismatches = audit(
        truth, statistics_records(stages), results_records(questions), THRESHOLD, questions={9: [1, 2, 3]}
    )
    found = {finding.figure for finding in findings}
    assert "results.9:3:female/urban" in found  # her abstention: the zeros beside it and the total 1 give it away
    assert "voting:female/urban" in found  # and that she voted at all


@pytest.mark.django_db
def test_the_demo_poll_reveals_no_small_figure() -> None:
    from django.core.management import call_command

    from votes import demo_results
    from votes.models import Poll
    from votes.results.figures import poll_figures
    from votes.results.published import poll_publication

    call_command("seed_demo")
    poll = Poll.objects.get(title=demo_results.POLL_TITLE)
    figures = poll_figures(poll)
    stages, questions = poll_publication(poll, THRESHOLD)
    truth = Truth(figures.stages, figures.eligible, figures.combinations, figures.booth_voters, figures.booth_options)
    findings, mismatches = audit(
        truth,
        statistics_records(stages),
        results_records(questions),
        THRESHOLD,
        questions={q: options for q, _m, options in figures.questions},
    )
    assert mismatches == [] and findings == [], figures
