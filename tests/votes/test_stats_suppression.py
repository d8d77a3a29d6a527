"""Small-cell suppression: every small entry hidden, and no hidden entry recoverable from what is published."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from votes.results.suppression import SuppressionMask, suppress


def _extended(matrix: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in matrix]
    rows.append([sum(col) for col in zip(*matrix, strict=True)] + [sum(map(sum, matrix))])
    return rows


def _hidden(mask: SuppressionMask) -> set[tuple[int, int]]:
    rows, cols = len(mask.cells), len(mask.cells[0])
    hidden = {(i, j) for i in range(rows) for j in range(cols) if mask.cells[i][j]}
    hidden |= {(i, cols) for i in range(rows) if mask.row_totals[i]}
    hidden |= {(rows, j) for j in range(cols) if mask.column_totals[j]}
    if mask.grand_total:
        hidden.add((rows, cols))
    return hidden


def _recoverable(matrix: list[list[int]], hidden: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Hidden entries a reader can solve for from the published ones (exact linear algebra, independent of the code).

    The reader knows: every row of cells sums to its row total, every column to its
    column total, the totals to the grand total. Unknowns are the hidden entries. An
    unknown is determined iff its unit vector lies in the row space of the system.
    """
    rows, cols = len(matrix), len(matrix[0])
    unknowns = sorted(hidden)
    index = {entry: k for k, entry in enumerate(unknowns)}
    equations: list[list[Fraction]] = []

    def equation(members: list[tuple[int, int]], total: tuple[int, int]) -> None:
        coefficients = [Fraction(0)] * len(unknowns)
        for entry in members:
            if entry in index:
                coefficients[index[entry]] += 1
        if total in index:
            coefficients[index[total]] -= 1
        equations.append(coefficients)

    for i in range(rows + 1):
        equation([(i, j) for j in range(cols)], (i, cols))
    for j in range(cols + 1):
        equation([(i, j) for i in range(rows)], (rows, j))
    # Row-reduce, then test each unit vector for membership of the row space.
    basis: list[list[Fraction]] = []
    pivots: list[int] = []
    for eq in equations:
        vector = eq[:]
        for pivot, row in zip(pivots, basis, strict=True):
            if vector[pivot]:
                factor = vector[pivot]
                vector = [a - factor * b for a, b in zip(vector, row, strict=True)]
        lead = next((k for k, v in enumerate(vector) if v), None)
        if lead is None:
            continue
        vector = [v / vector[lead] for v in vector]
        for n, row in enumerate(basis):
            if row[lead]:
                factor = row[lead]
                basis[n] = [a - factor * b for a, b in zip(row, vector, strict=True)]
        basis.append(vector)
        pivots.append(lead)
    recovered = set()
    for entry, k in index.items():
        # In reduced row-echelon form, e_k is in the row space iff some basis row is exactly e_k.
        if any(row[k] == 1 and sum(1 for v in row if v) == 1 for row in basis):
            recovered.add(entry)
    return recovered


def test_every_entry_below_the_threshold_is_suppressed() -> None:
    matrix = [[120, 3, 45], [80, 60, 1], [9, 200, 150]]
    mask = suppress(matrix, 10)
    assert mask.cells[0][1] and mask.cells[1][2] and mask.cells[2][0]
    assert not mask.cells[2][1]
    assert not mask.grand_total


def test_totals_minus_cells_attack_on_a_row_is_defeated() -> None:
    # Rural women: 4 voters. Without complementary suppression, 64 - 60 = 4 gives them away.
    matrix = [[4, 60], [300, 280]]
    mask = suppress(matrix, 10)
    assert mask.cells[0][0]
    assert mask.cells[0][1] or mask.row_totals[0], "the row needs a second hidden entry"
    extended = _extended(matrix)
    hidden = _hidden(mask)
    # The naive attack: a visible total minus the visible cells of its row or column.
    for i, row in enumerate(extended):
        hidden_in_row = [j for j in range(len(row)) if (i, j) in hidden]
        assert len(hidden_in_row) != 1
    for j in range(len(extended[0])):
        hidden_in_col = [i for i in range(len(extended)) if (i, j) in hidden]
        assert len(hidden_in_col) != 1
    assert _recoverable(matrix, hidden) == set()


def test_the_attack_through_several_lines_is_defeated_too() -> None:
    # Two blocks of hidden cells joined by one hidden cell: that one is a bridge and solvable.
    matrix = [
        [3, 4, 50, 60],
        [5, 6, 7, 70],
        [80, 90, 2, 8],
        [85, 95, 9, 1],
    ]
    hidden = _hidden(suppress(matrix, 10))
    assert _recoverable(matrix, hidden) == set()


def test_a_single_cell_row_hides_its_total_with_it() -> None:
    mask = suppress([[3], [40]], 10)
    assert mask.cells[0][0] and mask.row_totals[0]
    assert _recoverable([[3], [40]], _hidden(mask)) == set()


def test_zero_describes_nobody_and_is_shown() -> None:
    assert _hidden(suppress([[0, 40], [30, 11]], 10)) == set()


def test_nothing_is_hidden_when_every_entry_is_large() -> None:
    mask = suppress([[12, 40], [30, 11]], 10)
    assert _hidden(mask) == set()


def test_the_threshold_is_respected_exactly() -> None:
    assert _hidden(suppress([[10, 10], [10, 10]], 10)) == set()
    assert suppress([[10, 9], [10, 10]], 10).cells[0][1]


def test_rows_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="same number"):
        suppress([[1, 2], [3]], 10)


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_never_leak_a_suppressed_entry(seed: int) -> None:
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 5), rng.randint(1, 13)
    matrix = [[rng.choice([0, 1, 2, 5, 9, 10, 14, 30, 120, 800]) for _ in range(cols)] for _ in range(rows)]
    threshold = rng.choice([3, 5, 10])
    mask = suppress(matrix, threshold)
    hidden = _hidden(mask)
    for i, row in enumerate(_extended(matrix)):
        for j, value in enumerate(row):
            if 0 < value < threshold:
                assert (i, j) in hidden
    assert _recoverable(matrix, hidden) == set(), f"recoverable from {matrix} at threshold {threshold}"


def test_the_oracle_catches_primary_suppression_alone() -> None:
    # Guard on the checker itself: hiding only the small cell leaks it, and the oracle must say so.
    assert _recoverable([[4, 60], [300, 280]], {(0, 0)}) == {(0, 0)}
    blocks = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
    matrix = [[3, 4, 50, 60], [5, 6, 7, 70], [80, 90, 2, 8], [85, 95, 9, 1]]
    assert _recoverable(matrix, blocks) == set()
    assert _recoverable(matrix, blocks | {(1, 2)}) == {(1, 2)}, "a hidden cell joining two blocks is solvable"


def test_public_totals_stay_visible_and_the_cells_cover_for_them() -> None:
    # Option totals are public (anyone recounts them from the bulletin): the cells must protect themselves.
    matrix = [[4, 60, 30], [300, 280, 50]]
    mask = suppress(matrix, 10, public=[(0, 3), (1, 3)])
    assert not mask.row_totals[0] and not mask.row_totals[1]
    assert mask.cells[0][0] and sum(mask.cells[0]) >= 2
    assert _recoverable(matrix, _hidden(mask)) == set()


def test_forced_entries_are_hidden_and_protected() -> None:
    matrix = [[40, 60], [300, 280]]
    mask = suppress(matrix, 10, force=[(0, 0)])
    assert mask.cells[0][0]
    assert _recoverable(matrix, _hidden(mask)) == set()
