"""What the public may read of the statistics and results: the raw figures with small cells suppressed.

Pages, exports and the API all build on these structures, so a cell hidden in one
is hidden in all. A suppressed figure is `None`; derived figures (rates, shares,
representation index) are `None` whenever a figure they come from is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from proposals.models import ProcessPage
from votes.models import Option, Poll, Question
from votes.results.stats import (
    AREA_LABELS,
    AREAS,
    GENDER_LABELS,
    GENDERS,
    STAGE_LABELS,
    STAGES,
    VOTING,
    Cell,
    Counts,
    cells,
    poll_eligible_counts,
    poll_results_breakdown,
    poll_stage_counts,
    process_eligible_counts,
    process_stage_counts,
)
from votes.results.suppression import SuppressionMask, suppress

ALL = "all"
ALL_LABEL = _("All")


@dataclass(frozen=True)
class StatRow:
    """One group of one stage: counts, rate and representation index (None = suppressed or undefined)."""

    stage: str
    gender: str
    area: str
    participants: int | None
    eligible: int | None
    rate: float | None
    share: float | None
    eligible_share: float | None
    representation_index: float | None

    @property
    def suppressed(self) -> bool:
        return self.participants is None

    @property
    def label(self) -> str:
        if self.gender == ALL and self.area == ALL:
            return str(ALL_LABEL)
        if self.area == ALL:
            return str(GENDER_LABELS[self.gender])
        if self.gender == ALL:
            return str(AREA_LABELS[self.area])
        return f"{GENDER_LABELS[self.gender]} · {AREA_LABELS[self.area]}"


@dataclass(frozen=True)
class StageStats:
    stage: str
    rows: list[StatRow]

    @property
    def label(self) -> str:
        return str(STAGE_LABELS[self.stage])

    @property
    def cell_rows(self) -> list[StatRow]:
        return [row for row in self.rows if ALL not in (row.gender, row.area)]

    @property
    def total(self) -> StatRow:
        return self.rows[-1]

    @property
    def shown_rows(self) -> list[StatRow]:
        """The rows worth a line on a page: a group with nobody eligible and nobody taking part says nothing."""
        return [row for row in self.rows if row.participants != 0 or row.eligible != 0]


@dataclass(frozen=True)
class OptionRow:
    option_id: int
    label: str
    cells: list[int | None]  # in `cells()` order
    unattributed: int
    total: int


@dataclass(frozen=True)
class QuestionResults:
    question_id: int
    text: str
    options: list[OptionRow]
    cell_totals: list[int | None]
    unattributed_total: int
    total: int
    cell_labels: list[str] = field(default_factory=list)


def _grid(counts: Counts) -> list[list[int]]:
    return [[counts[(gender, area)] for area in AREAS] for gender in GENDERS]


def _masked(counts: Counts, mask: SuppressionMask) -> dict[tuple[str, str], int | None]:
    """Every published figure of a gender by area table, margins included, keyed (gender|all, area|all)."""
    grid = _grid(counts)
    out: dict[tuple[str, str], int | None] = {}
    for i, gender in enumerate(GENDERS):
        for j, area in enumerate(AREAS):
            out[(gender, area)] = None if mask.cells[i][j] else grid[i][j]
        out[(gender, ALL)] = None if mask.row_totals[i] else sum(grid[i])
    for j, area in enumerate(AREAS):
        out[(ALL, area)] = None if mask.column_totals[j] else sum(row[j] for row in grid)
    out[(ALL, ALL)] = None if mask.grand_total else sum(map(sum, grid))
    return out


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _stage_stats(stage: str, counts: Counts, eligible: Counts, threshold: int, force: set[Cell]) -> StageStats:
    forced = {(GENDERS.index(g), AREAS.index(a)) for g, a in force}
    people = _masked(counts, suppress(_grid(counts), threshold, force=forced))
    census = _masked(eligible, suppress(_grid(eligible), threshold))
    total_people, total_census = people[(ALL, ALL)], census[(ALL, ALL)]
    keys = [*cells(), *((g, ALL) for g in GENDERS), *((ALL, a) for a in AREAS), (ALL, ALL)]
    rows = []
    for key in keys:
        share = _ratio(people[key], total_people)
        eligible_share = _ratio(census[key], total_census)
        rows.append(
            StatRow(
                stage=stage,
                gender=key[0],
                area=key[1],
                participants=people[key],
                eligible=census[key],
                rate=_ratio(people[key], census[key]),
                share=share,
                eligible_share=eligible_share,
                representation_index=_ratio(share, eligible_share),
            )
        )
    return StageStats(stage=stage, rows=rows)


def _hidden_voting_cells(stage: StageStats) -> set[Cell]:
    return {(row.gender, row.area) for row in stage.cell_rows if row.participants is None}


def poll_statistics(poll: Poll, threshold: int) -> list[StageStats]:
    """The four stages of a poll, published (suppressed). Consistent with `poll_results` on linked cells."""
    stats, _results = poll_publication(poll, threshold)
    return stats


def poll_results(poll: Poll, threshold: int) -> list[QuestionResults]:
    _stats, results = poll_publication(poll, threshold)
    return results


def poll_publication(poll: Poll, threshold: int) -> tuple[list[StageStats], list[QuestionResults]]:
    """Statistics and results together, because one figure can appear in both.

    With web voting only and one choice per ballot, a question's web votes in a
    cell equal the cell's voters: if either table hides that figure, both must,
    or one table would give away what the other protects. Iterate to agreement.
    """
    counts = poll_stage_counts(poll)
    eligible = poll_eligible_counts(poll)
    breakdown = poll_results_breakdown(poll)
    questions = list(Question.objects.filter(poll=poll).order_by("position", "id"))
    options = list(Option.objects.filter(question__poll=poll).order_by("position", "id"))
    by_question = {q.pk: [o for o in options if o.question_id == q.pk] for q in questions}
    voting_force: set[Cell] = set()
    results_force: dict[int, set[Cell]] = {q.pk: set() for q in questions}
    for _round in range(20):  # each round only adds hidden cells, so this settles quickly
        stats = [
            _stage_stats(stage, counts[stage], eligible, threshold, voting_force if stage == VOTING else set())
            for stage in STAGES
        ]
        voting = stats[STAGES.index(VOTING)]
        results = [
            _question_results(q, by_question[q.pk], breakdown, threshold, results_force[q.pk]) for q in questions
        ]
        changed = False
        hidden_voting = _hidden_voting_cells(voting)
        for question in results:
            for position, cell in enumerate(cells()):
                if counts[VOTING][cell] != _raw_cell_total(breakdown, question, cell):
                    continue  # different figures: publishing one says nothing of the other
                hidden_here = question.cell_totals[position] is None
                if cell in hidden_voting and not hidden_here:
                    results_force[question.question_id].add(cell)
                    changed = True
                if hidden_here and cell not in hidden_voting:
                    voting_force.add(cell)
                    changed = True
        if not changed:
            return stats, results
    return stats, results


def _raw_cell_total(breakdown: dict[int, dict[str, Any]], question: QuestionResults, cell: Cell) -> int:
    return sum(breakdown[row.option_id]["cells"][cell] for row in question.options)


def _question_results(
    question: Question, options: list[Option], breakdown: dict[int, dict[str, Any]], threshold: int, force: set[Cell]
) -> QuestionResults:
    """Options by (cells + unattributed). Option totals and booth tallies are public (recountable), never hidden."""
    grid = [[breakdown[o.pk]["cells"][cell] for cell in cells()] + [breakdown[o.pk]["unattributed"]] for o in options]
    n_rows, n_cols = len(grid), len(cells()) + 1
    public = {(i, n_cols - 1) for i in range(n_rows + 1)} | {(i, n_cols) for i in range(n_rows + 1)}
    forced = {(n_rows, cells().index(cell)) for cell in force}
    mask = suppress(grid, threshold, public=public, force=forced) if grid else None
    rows = []
    for i, option in enumerate(options):
        rows.append(
            OptionRow(
                option_id=option.pk,
                label=option.label,
                cells=[None if mask and mask.cells[i][j] else grid[i][j] for j in range(n_cols - 1)],
                unattributed=grid[i][-1],
                total=breakdown[option.pk]["total"],
            )
        )
    cell_totals: list[int | None] = [
        None if mask and mask.column_totals[j] else sum(grid[i][j] for i in range(n_rows)) for j in range(n_cols - 1)
    ]
    return QuestionResults(
        question_id=question.pk,
        text=question.text,
        options=rows,
        cell_totals=cell_totals,
        unattributed_total=sum(row[-1] for row in grid),
        total=sum(breakdown[o.pk]["total"] for o in options),
        cell_labels=[f"{GENDER_LABELS[g]} · {AREA_LABELS[a]}" for g, a in cells()],
    )


def process_statistics(process: ProcessPage, threshold: int) -> list[StageStats]:
    """A process's stages (voting: polls with published results only), published."""
    counts = process_stage_counts(process)
    eligible = process_eligible_counts(process)
    return [_stage_stats(stage, counts[stage], eligible, threshold, set()) for stage in STAGES]
