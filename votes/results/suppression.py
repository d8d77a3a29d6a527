"""Small-cell suppression for published tables (pure: numbers in, a mask out).

A table is published with its cells, its row totals, its column totals and its
grand total. Primary suppression hides every entry below the threshold (zero, which
describes nobody, is shown).
Complementary suppression then hides more entries until no published figure lets
a reader recover a hidden one by subtraction (a total minus the other cells).

Why bridges: with the totals in place, the entries of a table obey "each row and
each column sums to its total". Seen as a bipartite graph (one node per row line
and per column line, one edge per hidden entry), a hidden entry can be solved for
exactly when its edge is a bridge — on no cycle of hidden entries. The classic
rule "a line with exactly one hidden entry gets a second one" removes the
commonest bridges; the bridge check removes the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SuppressionMask:
    """True where the entry must be shown as suppressed."""

    cells: tuple[tuple[bool, ...], ...]
    row_totals: tuple[bool, ...]
    column_totals: tuple[bool, ...]
    grand_total: bool


Entry = tuple[int, int]


def suppress(
    matrix: Sequence[Sequence[int]],
    threshold: int,
    *,
    public: Iterable[Entry] = (),
    force: Iterable[Entry] = (),
) -> SuppressionMask:
    """The suppression mask of `matrix` published with its row, column and grand totals.

    Entries are addressed in the extended table: `(i, cols)` is row i's total,
    `(rows, j)` column j's total, `(rows, cols)` the grand total. `public` entries
    are known to readers anyway (say, option totals anyone can recount from the
    bulletin): never hidden, and counted as known. `force` entries are hidden
    whatever their size (say, because another published table hides them).
    """
    rows = len(matrix)
    cols = len(matrix[0]) if rows else 0
    if any(len(row) != cols for row in matrix):
        raise ValueError("every row of the table must have the same number of cells")
    # The extended table: row `rows` holds the column totals, column `cols` the row totals.
    values = [[*row, sum(row)] for row in matrix]
    values.append([sum(matrix[i][j] for i in range(rows)) for j in range(cols)] + [sum(map(sum, matrix))])
    known = set(public)
    # Zero is published: it describes nobody, and hiding structural zeros would only hide real cells beside them.
    hidden = {(i, j) for i in range(rows + 1) for j in range(cols + 1) if 0 < values[i][j] < threshold} | set(force)
    hidden -= known
    if rows and cols:
        _complete(values, hidden, known, rows, cols)
    return SuppressionMask(
        cells=tuple(tuple((i, j) in hidden for j in range(cols)) for i in range(rows)),
        row_totals=tuple((i, cols) in hidden for i in range(rows)),
        column_totals=tuple((rows, j) in hidden for j in range(cols)),
        grand_total=(rows, cols) in hidden,
    )


def _line(entry: Entry, axis: str, rows: int, cols: int) -> list[Entry]:
    i, j = entry
    return [(i, c) for c in range(cols + 1)] if axis == "row" else [(r, j) for r in range(rows + 1)]


def _cheapest(
    values: list[list[int]], hidden: set[Entry], known: set[Entry], line: list[Entry], rows: int, cols: int
) -> Entry | None:
    """The smallest visible entry of a line, preferring cells to totals (totals are what readers need most)."""
    # A hidden zero protects nothing (a reader knows counts are never negative): never pick one.
    visible = [e for e in line if e not in hidden and e not in known and values[e[0]][e[1]] > 0]
    if not visible:
        return None
    return min(visible, key=lambda e: (e[0] == rows or e[1] == cols, values[e[0]][e[1]], e))


def _complete(values: list[list[int]], hidden: set[Entry], known: set[Entry], rows: int, cols: int) -> None:
    everything = [(i, j) for i in range(rows + 1) for j in range(cols + 1)]
    while True:
        lines = _lone_hidden_lines(hidden, rows, cols) or _bridge_lines(hidden, rows, cols)
        if not lines:
            return
        # The lines of the exposed entry first; then the whole table (all hidden has no bridge).
        for line in [*lines, everything]:
            extra = _cheapest(values, hidden, known, line, rows, cols)
            if extra is not None:
                hidden.add(extra)
                break
        else:
            return


def _lone_hidden_lines(hidden: set[Entry], rows: int, cols: int) -> list[list[Entry]]:
    """The first row or column (totals included) holding exactly one hidden entry."""
    for i in range(rows + 1):
        line = _line((i, 0), "row", rows, cols)
        if sum(e in hidden for e in line) == 1:
            return [line]
    for j in range(cols + 1):
        line = _line((0, j), "column", rows, cols)
        if sum(e in hidden for e in line) == 1:
            return [line]
    return []


def _bridge_lines(hidden: set[Entry], rows: int, cols: int) -> list[list[Entry]]:
    """The row and column of the first hidden entry that could be solved for (a bridge), if any."""
    for entry in sorted(hidden):
        if _is_bridge(entry, hidden):
            return [_line(entry, "row", rows, cols), _line(entry, "column", rows, cols)]
    return []


def _is_bridge(entry: Entry, hidden: set[Entry]) -> bool:
    """Is `entry` on no cycle of hidden entries? (Remove it; are its row and column still linked?)"""
    start, goal = ("r", entry[0]), ("c", entry[1])
    adjacency: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for i, j in hidden:
        if (i, j) == entry:
            continue
        adjacency.setdefault(("r", i), []).append(("c", j))
        adjacency.setdefault(("c", j), []).append(("r", i))
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        if node == goal:
            return False
        for neighbour in adjacency.get(node, ()):
            if neighbour not in seen:
                seen.add(neighbour)
                frontier.append(neighbour)
    return True
