"""Disclosure control over everything published about one poll or process (pure: figures in, a decision out).

Every figure published anywhere for the same poll or process — the pages, the CSV
and JSON downloads, the API, the public turnout, the bulletin, the process
statistics — is declared here as a sum of unknown non-negative integers (the
*atoms*: people or ballots in the finest cells nobody publishes). Rules the data
always obey (one ballot per web voter, voters are eligible, …) are declared as
relations. A reader who knows every published figure and every relation knows
exactly the set of non-negative integer tables consistent with them, so what a
reader can learn about a figure is its *feasible interval* over that set.

The rule, after the protection intervals of τ-ARGUS and sdcTable (Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, §4.2-4.3 "sensitivity rules" and
"protection levels"; de Wolf, "τ-ARGUS user's manual" 4.2, "sliding protection";
Meindl, sdcTable ``protectTable``), for frequency tables:

* A figure is *sensitive* when it counts somebody but fewer than the threshold
  (0 < n < threshold, the site setting, default 10).
* Some figures are *fixed*: published whatever happens, because they are the result
  itself (option totals, booth tallies, the bulletin) or public elsewhere (turnout).
* Sliding protection: the feasible interval of every sensitive figure, over all
  non-negative integer tables consistent with everything published, must be at
  least ``protection`` wide (the threshold). Where the fixed figures alone already
  leave it narrower — five voters, one of them abstaining: the abstention total 1
  bounds every abstention cell to [0, 1] — the rest may not narrow it at all, so the
  breakdown reveals nothing beyond what the result itself does.

Zeros are not sensitive (they describe nobody), but they are constraints: a zero
that, together with the fixed totals, pins down a small cell makes that cell fail
the rule, and is then hidden like any other figure.

How the decision is made (`disclosure_decide`), greedy and deterministic:
primary suppression hides every sensitive figure. For each sensitive figure whose
interval is too narrow, two *attacker tables* are sought (the protection-interval
heuristic of Fischetti and Salazar behind τ-ARGUS's suppression methods): tables
consistent with every fixed figure in which the figure is lower, and higher, by
what the rule asks, moving the cheapest set of published figures (a linear
programme over deviations; a figure costs one, a margin more, the census much more,
an "unknown" group less); the figures they move are hidden. Where that is not
enough, single figures and rectangles of figures (the classic pattern in a two-way
table) are tried, then the figure's whole table is dropped (published coarser),
then the tables linked to it. Hiding only widens intervals, so a figure that passed
keeps passing, and hiding every non-fixed figure always passes: the loop ends with a
valid answer. Finally a hidden figure that readers can compute anyway is shown, so
no figure is shown in one place and hidden in another.

Intervals come from HiGHS (`scipy.optimize.linprog`, and `milp` where the relaxation's
optimum is fractional), per connected part of the system, each solve bounded in time;
a solve that does not finish counts as a failure, which only hides more. The tests
check every decision against an independent oracle (tests/votes/stats_oracle.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

Terms = Mapping[str, int]

# One solve is a few milliseconds on these tables; these bounds turn a pathological one into "hide more", not a hang.
SOLVE_SECONDS = 2.0
DECIDE_SECONDS = 20.0
# Trials per complementary step before publishing coarser: keeps a poll's decision to a few hundred solves.
CANDIDATES_PER_STEP = 24


@dataclass(frozen=True)
class Figure:
    """One published number: the sum of `terms` (atom -> coefficient) equals `value`."""

    key: str
    table: str
    terms: Terms
    value: int
    fixed: bool = False
    total: bool = False  # a margin: complementary suppression prefers hiding inner cells
    row: str | None = None  # where it sits in its table, when the table is a grid (totals: "*")
    column: str | None = None
    weight: float = 1.0  # what hiding it costs readers, against other figures (the census: more)


@dataclass(frozen=True)
class Relation:
    """A rule every table obeys and every reader knows: sum(coefficient * atom) == 0 (or <= 0)."""

    terms: Terms
    equal: bool = True


@dataclass
class DisclosureModel:
    """The atoms, their true values, the published figures and the relations of one poll or process."""

    truth: dict[str, int] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def atom(self, name: str, value: int) -> str:
        if value < 0:
            raise ValueError(f"atom {name} is negative")
        self.truth[name] = value
        return name

    def figure(
        self,
        key: str,
        table: str,
        terms: Terms,
        *,
        fixed: bool = False,
        total: bool = False,
        row: str | None = None,
        column: str | None = None,
        weight: float = 1.0,
    ) -> Figure:
        value = sum(coefficient * self.truth[atom] for atom, coefficient in terms.items())
        figure = Figure(
            key=key,
            table=table,
            terms=dict(terms),
            value=value,
            fixed=fixed,
            total=total,
            row=row,
            column=column,
            weight=weight,
        )
        self.figures[key] = figure
        return figure

    def relate(self, terms: Terms, *, equal: bool = True) -> bool:
        """Declare a rule; declared only when the true values obey it (a wrong rule would mislead the audit)."""
        value = sum(coefficient * self.truth[atom] for atom, coefficient in terms.items())
        if (equal and value != 0) or (not equal and value > 0):
            return False
        self.relations.append(Relation(terms=dict(terms), equal=equal))
        return True

    def grid(
        self,
        table: str,
        rows: Sequence[str],
        columns: Sequence[str],
        cells: Mapping[tuple[str, str], Terms],
        *,
        fixed_rows: Iterable[str] = (),
        fixed_columns: Iterable[str] = (),
        fixed_grand: bool = False,
        fixed_cells: Iterable[tuple[str, str]] = (),
        weight: float = 1.0,
    ) -> None:
        """Declare a two-way breakdown: its cells (sums of atoms) and the totals they add up to.

        Keys: ``table:row:column``, ``table:row:*``, ``table:*:column``, ``table:*:*``.
        Adding a breakdown (by channel, by age band) is one call of this.
        """
        fixed_r, fixed_c, fixed_rc = set(fixed_rows), set(fixed_columns), set(fixed_cells)

        def add(into: dict[str, int], terms: Terms) -> None:
            for atom, coefficient in terms.items():
                into[atom] = into.get(atom, 0) + coefficient

        grand: dict[str, int] = {}
        by_column: dict[str, dict[str, int]] = {c: {} for c in columns}
        for r in rows:
            row_total: dict[str, int] = {}
            for c in columns:
                terms = cells[(r, c)]
                self.figure(f"{table}:{r}:{c}", table, terms, fixed=(r, c) in fixed_rc, row=r, column=c, weight=weight)
                add(row_total, terms)
                add(by_column[c], terms)
            self.figure(
                f"{table}:{r}:*", table, row_total, fixed=r in fixed_r, total=True, row=r, column="*", weight=weight
            )
            add(grand, row_total)
        for c in columns:
            self.figure(
                f"{table}:*:{c}", table, by_column[c], fixed=c in fixed_c, total=True, row="*", column=c, weight=weight
            )
        self.figure(f"{table}:*:*", table, grand, fixed=fixed_grand, total=True, row="*", column="*", weight=weight)


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class Decision:
    """Which figures are hidden, and which tables were dropped whole (published coarser)."""

    hidden: frozenset[str]
    dropped_tables: frozenset[str]
    threshold: int
    protection: int

    def shows(self, key: str) -> bool:
        return key not in self.hidden


class _Component:
    """The atoms, figures and relations that share unknowns: one small system instead of one large one."""

    def __init__(self, model: DisclosureModel, atoms: list[str]) -> None:
        self.model = model
        members = set(atoms)
        self.atoms = sorted(atoms)
        self.index = {atom: k for k, atom in enumerate(self.atoms)}
        self.keys = {key for key, f in model.figures.items() if f.terms and next(iter(f.terms)) in members}
        self.rows = {key: self._vector(model.figures[key].terms) for key in self.keys}
        relations = [r for r in model.relations if r.terms and next(iter(r.terms)) in members]
        n = len(self.atoms)
        eq = [self._vector(r.terms) for r in relations if r.equal]
        ub = [self._vector(r.terms) for r in relations if not r.equal]
        self.relations_eq = np.array(eq) if eq else np.zeros((0, n))
        self.relations_ub = np.array(ub) if ub else np.zeros((0, n))

    def _vector(self, terms: Terms) -> np.ndarray:
        vector = np.zeros(len(self.atoms))
        for atom, coefficient in terms.items():
            vector[self.index[atom]] += coefficient
        return vector

    def system(self, published: Iterable[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        keys = sorted(k for k in published if k in self.keys)
        figures = np.array([self.rows[k] for k in keys]) if keys else np.zeros((0, len(self.atoms)))
        values = np.array([float(self.model.figures[k].value) for k in keys])
        a_eq = np.vstack([figures, self.relations_eq])
        b_eq = np.concatenate([values, np.zeros(len(self.relations_eq))])
        return keys, a_eq, b_eq

    def upper(self) -> dict[str, np.ndarray | None]:
        if not len(self.relations_ub):
            return {"A_ub": None, "b_ub": None}
        return {"A_ub": self.relations_ub, "b_ub": np.zeros(len(self.relations_ub))}


class _Solver:
    """Feasible intervals of figures given the published ones: the relaxation (fast) or integers (exact)."""

    def __init__(self, model: DisclosureModel) -> None:
        self.model = model
        parent = {atom: atom for atom in model.truth}

        def find(atom: str) -> str:
            while parent[atom] != atom:
                parent[atom] = parent[parent[atom]]
                atom = parent[atom]
            return atom

        for terms in [*(f.terms for f in model.figures.values()), *(r.terms for r in model.relations)]:
            atoms = list(terms)
            for other in atoms[1:]:
                parent[find(other)] = find(atoms[0])
        groups: dict[str, list[str]] = {}
        for atom in model.truth:
            groups.setdefault(find(atom), []).append(atom)
        components = {root: _Component(model, atoms) for root, atoms in groups.items()}
        self.component_of = {atom: components[find(atom)] for atom in model.truth}
        self.memo: dict[tuple[str, frozenset[str], bool], Interval | None] = {}
        self.solves = 0

    def _component(self, key: str) -> _Component | None:
        terms = self.model.figures[key].terms
        return self.component_of[next(iter(terms))] if terms else None

    def _relaxed(self, part: _Component, objective: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray) -> Any:
        self.solves += 1
        return linprog(
            objective, A_eq=a_eq, b_eq=b_eq, **part.upper(), method="highs", options={"time_limit": SOLVE_SECONDS}
        )

    def _integer(self, part: _Component, objective: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray) -> float | None:
        """min objective·x over non-negative integers; None when unbounded or not solved in time."""
        self.solves += 1
        constraints = [LinearConstraint(a_eq, b_eq, b_eq)]
        if len(part.relations_ub):
            constraints.append(LinearConstraint(part.relations_ub, -np.inf, 0))
        result = milp(
            objective,
            integrality=np.ones(len(part.atoms)),
            bounds=Bounds(0, np.inf),
            constraints=constraints,
            # HiGHS's MIP presolve (scipy 1.17) calls some feasible systems of this shape infeasible.
            options={"time_limit": SOLVE_SECONDS, "presolve": False},
        )
        if result.status == 0 and result.x is not None:
            return float(objective @ np.round(result.x))
        return None

    def interval(self, key: str, published: frozenset[str], *, exact: bool = False) -> Interval | None:
        """`key`'s feasible interval; None when a solve did not finish (counted as not protected).

        The relaxation's interval contains the integer one. Where the relaxation's optimum
        is already an integer point (always, for plain tables with margins) the two agree;
        only a fractional end is solved again over the integers (`exact`).
        """
        part = self._component(key)
        if part is None:
            return Interval(0, 0)
        published = frozenset(k for k in published if k in part.keys)
        memo = (key, published, exact)
        if memo not in self.memo:
            self.memo[memo] = self._interval(part, key, published, exact)
        return self.memo[memo]

    def _interval(self, part: _Component, key: str, published: frozenset[str], exact: bool) -> Interval | None:
        _keys, a_eq, b_eq = part.system(published)
        objective = part.rows[key]
        ends: list[float] = []
        for sign in (1.0, -1.0):
            result = self._relaxed(part, sign * objective, a_eq, b_eq)
            if sign < 0 and result.status == 3:  # unbounded above: so are the integers (rational data)
                ends.append(math.inf)
                continue
            if result.status != 0 or result.x is None:
                return None
            value = sign * float(result.fun)
            if exact and np.abs(result.x - np.round(result.x)).max() > 1e-6:
                integer = self._integer(part, sign * objective, a_eq, b_eq)
                if integer is None:
                    return None
                value = sign * integer
            ends.append(value)
        return Interval(ends[0], ends[1])

    def derivable(self, hidden: Iterable[str], published: frozenset[str]) -> set[str]:
        """Hidden figures readers compute exactly: sums of published ones, once the published zeros are used.

        Linear algebra, not a solve per figure: a published zero with non-negative terms makes its
        atoms zero; a figure whose remaining row lies in the span of the published rows is a
        combination of them. (It can miss a figure pinned otherwise: that one stays hidden, harmlessly.)
        """
        found: set[str] = set()
        by_part: dict[int, tuple[_Component, list[str]]] = {}
        for key in hidden:
            part = self._component(key)
            if part is None:
                found.add(key)
                continue
            by_part.setdefault(id(part), (part, []))[1].append(key)
        for part, keys in by_part.values():
            known, a_eq, _b = part.system(published)
            rows = a_eq[: len(known)]
            zero = np.zeros(len(part.atoms), dtype=bool)
            for k, row in zip(known, rows, strict=True):
                if self.model.figures[k].value == 0 and (row >= 0).all():
                    zero |= row > 0
            live = ~zero
            span = np.vstack([rows, part.relations_eq])[:, live]
            if span.size:
                _u, singular, vt = np.linalg.svd(span, full_matrices=False)
                basis = vt[singular > 1e-9 * max(1.0, float(singular.max(initial=0.0)))]
            else:
                basis = np.zeros((0, int(live.sum())))
            for key in keys:
                vector = part.rows[key][live]
                residual = vector - basis.T @ (basis @ vector)
                if not vector.any() or np.abs(residual).max() < 1e-7:
                    found.add(key)
        return found

    def attack(self, key: str, target: float, fixed: frozenset[str], soft: frozenset[str]) -> set[str] | None:
        """The cheapest set of `soft` figures whose hiding lets `key` take the value `target`, or None.

        The "attacker table" of the protection-interval methods (Fischetti and Salazar; τ-ARGUS's
        modular and optimal suppression): find a table consistent with every fixed figure in which
        `key` equals `target`, moving as few published figures as possible (an LP over deviations);
        the figures it moved are the ones to hide.
        """
        part = self._component(key)
        if part is None:
            return None
        n = len(part.atoms)
        hard = sorted(k for k in fixed if k in part.keys)
        loose = sorted(k for k in soft if k in part.keys and k not in fixed)
        m = len(loose)
        figures = self.model.figures

        def padded(rows: list[np.ndarray]) -> np.ndarray:
            return np.hstack([np.array(rows).reshape(len(rows), n), np.zeros((len(rows), m))])

        eq_rows = [part.rows[k] for k in hard] + list(part.relations_eq) + [part.rows[key]]
        b_eq = [float(figures[k].value) for k in hard] + [0.0] * len(part.relations_eq) + [float(target)]
        ub_blocks = [padded(list(part.relations_ub))] if len(part.relations_ub) else []
        b_ub: list[float] = [0.0] * len(part.relations_ub)
        if m:
            rows = np.array([part.rows[k] for k in loose])
            slack = -np.eye(m)
            ub_blocks += [np.hstack([rows, slack]), np.hstack([-rows, slack])]
            values = [float(figures[k].value) for k in loose]
            b_ub += values + [-v for v in values]
        cost = np.concatenate([np.zeros(n), [_cost(figures[k]) for k in loose]])
        self.solves += 1
        result = linprog(
            cost,
            A_eq=padded(eq_rows),
            b_eq=np.array(b_eq),
            A_ub=np.vstack(ub_blocks) if ub_blocks else None,
            b_ub=np.array(b_ub) if ub_blocks else None,
            method="highs",
            options={"time_limit": SOLVE_SECONDS},
        )
        if result.status != 0 or result.x is None:
            return None
        return {k for k, deviation in zip(loose, result.x[n:], strict=True) if deviation > 1e-7}

    def binding(self, key: str, published: frozenset[str]) -> list[str]:
        """Published figures with a non-zero dual at the relaxed min or max of `key`: hiding them may widen it."""
        part = self._component(key)
        if part is None:
            return []
        keys, a_eq, b_eq = part.system(published)
        found: dict[str, float] = {}
        for sign in (1.0, -1.0):
            result = self._relaxed(part, sign * part.rows[key], a_eq, b_eq)
            if result.status != 0:
                continue
            for k, marginal in zip(keys, result.eqlin.marginals[: len(keys)], strict=True):
                if abs(marginal) > 1e-9:
                    found[k] = max(found.get(k, 0.0), abs(marginal))
        return sorted(found, key=lambda k: (-found[k], k))


class _Decider:
    """The greedy of the module docstring, over one model."""

    def __init__(self, model: DisclosureModel, threshold: int, protection: int) -> None:
        self.model = model
        self.figures = model.figures
        self.solver = _Solver(model)
        self.fixed = frozenset(k for k, f in self.figures.items() if f.fixed)
        self.sensitive = sorted(k for k, f in self.figures.items() if not f.fixed and 0 < f.value < threshold)
        self.hidden: set[str] = set(self.sensitive)
        self.dropped: set[str] = set()
        self.deadline = time.monotonic() + DECIDE_SECONDS
        self.required: dict[str, float] = {}
        for key in self.sensitive:
            # The relaxation's width under the fixed figures is at least the integers': at least as strict.
            alone = self.solver.interval(key, self.fixed)
            self.required[key] = protection if alone is None else min(float(protection), alone.width)
        self.grids: dict[str, dict[tuple[str, str], str]] = {}
        for key, figure in self.figures.items():
            if figure.row is not None and figure.column is not None:
                self.grids.setdefault(figure.table, {})[(figure.row, figure.column)] = key

    def published(self, without: Iterable[str] = ()) -> frozenset[str]:
        return frozenset(self.figures.keys() - self.hidden - set(without))

    def width(self, key: str, without: Iterable[str] = (), *, exact: bool = False) -> float:
        interval = self.solver.interval(key, self.published(without), exact=exact)
        return -1.0 if interval is None else interval.width

    def protected(self, key: str, *, exact: bool) -> bool:
        return time.monotonic() < self.deadline and self.width(key, exact=exact) >= self.required[key]

    def decide(self) -> tuple[set[str], set[str]]:
        for exact in (False, True):  # the fast pass does most of the work; the exact one confirms or adds
            for key in self.sensitive:
                if not self.protected(key, exact=exact):
                    self.protect(key, exact=exact)
        # A figure readers can compute anyway is shown: it protects nothing, and hiding it here while
        # another table shows it would be the inconsistency this module exists to prevent.
        derivable = self.solver.derivable(self.hidden, self.published())
        self.hidden -= derivable
        return self.hidden, self.dropped

    def protect(self, key: str, *, exact: bool) -> None:
        table = self.figures[key].table
        linked = _linked_tables(self.model, table)
        # Hiding figure by figure is worth trying only if hiding all of its table and its nearest
        # neighbours would do: otherwise (a very small poll) publish coarser at once.
        nearest = {table, *linked[:3]}
        everything_near = {k for k, f in self.figures.items() if f.table in nearest}
        if self.width(key, without=everything_near, exact=exact) >= self.required[key]:
            self.attack(key)
            while not self.protected(key, exact=exact):
                step = self.next_step(key)
                if step is None:
                    break
                self.hidden |= step
            if self.protected(key, exact=exact):
                return
        for other in [table, *linked]:  # publish coarser, nearest tables first
            self.drop(other)
            if self.protected(key, exact=exact):
                return
        for other in {f.table for f in self.figures.values()}:  # out of time or ideas: only what must be published
            self.drop(other)

    def attack(self, key: str) -> None:
        """Hide what two attacker tables moved: one with `key` lowered, one raised, together `required` apart."""
        value = float(self.figures[key].value)
        alone = self.solver.interval(key, self.fixed)
        low, high = (alone.low, alone.high) if alone is not None else (0.0, math.inf)
        down = min(value - low, self.required[key])
        up = min(self.required[key] - down, high - value)
        for target in (value - down, value + up):
            if target == value:
                continue
            moved = self.solver.attack(key, target, self.fixed, self.published())
            if moved:
                self.hidden |= moved

    def drop(self, table: str) -> None:
        hideable = {k for k, f in self.figures.items() if f.table == table and not f.fixed}
        if hideable - self.hidden:
            self.dropped.add(table)
            self.hidden |= hideable

    def next_step(self, key: str) -> set[str] | None:
        """The first figure, or rectangle of figures, whose hiding widens `key`'s interval (relaxation)."""
        before = self.width(key)
        visible = self.published() - self.fixed
        binding = [k for k in self.solver.binding(key, self.published()) if k in visible]
        table = self.figures[key].table
        own = sorted(
            (k for k in visible if self.figures[k].table == table),
            key=lambda k: (self.figures[k].total, self.figures[k].value, k),
        )
        candidates: list[set[str]] = [*self.rectangles(key), *({k} for k in binding)]
        candidates += [{k} for k in own if k not in binding]
        for k in binding:
            candidates += [{k, *r} for r in self.rectangles(k)]
        tried: set[frozenset[str]] = set()
        for candidate in candidates:
            if time.monotonic() > self.deadline or len(tried) >= CANDIDATES_PER_STEP:
                return None
            frozen = frozenset(candidate)
            if not candidate or frozen in tried:
                continue
            tried.add(frozen)
            if self.width(key, without=candidate) > before:
                return candidate
        return None

    def rectangles(self, key: str) -> list[set[str]]:
        """In `key`'s grid, the three figures completing a rectangle with it: the classic complementary pattern.

        Cheapest first (fewest totals, smallest counts), skipping any that would hide a fixed figure.
        """
        figure = self.figures[key]
        grid = self.grids.get(figure.table)
        if grid is None or figure.row is None or figure.column is None:
            return []
        rows = sorted({r for r, _c in grid} - {figure.row})
        columns = sorted({c for _r, c in grid} - {figure.column})
        found: list[tuple[tuple[int, int], set[str]]] = []
        for r in rows:
            for c in columns:
                corners = [grid.get((figure.row, c)), grid.get((r, figure.column)), grid.get((r, c))]
                if any(k is None or k in self.fixed for k in corners):
                    continue
                new = {k for k in corners if k is not None and k not in self.hidden}
                cost = (
                    sum(self.figures[k].total for k in new),
                    sum(self.figures[k].value for k in new),
                )
                found.append((cost, new))
        found.sort(key=lambda item: (item[0], sorted(item[1])))
        return [new for _cost, new in found]


def disclosure_decide(model: DisclosureModel, threshold: int, *, protection: int | None = None) -> Decision:
    """Which figures of `model` to hide so that every sensitive one keeps its protection interval (see the module)."""
    threshold = max(int(threshold), 1)
    protection = threshold if protection is None else protection
    hidden, dropped = _Decider(model, threshold, protection).decide()
    return Decision(
        hidden=frozenset(hidden), dropped_tables=frozenset(dropped), threshold=threshold, protection=protection
    )


def _cost(figure: Figure) -> float:
    """What hiding a figure costs readers: one figure, a margin more, a group nobody can name (unknown) less."""
    weight = figure.weight * (1.5 if figure.total else 1.0)
    if "unknown" in (figure.row or "") or "unknown" in (figure.column or ""):
        weight *= 0.5
    return weight + figure.value / 1000


def _linked_tables(model: DisclosureModel, table: str) -> list[str]:
    """Tables linked to `table`, nearest first: sharing an atom with it, then through a relation, and so on."""
    atoms_of: dict[str, set[str]] = {}
    for figure in model.figures.values():
        atoms_of.setdefault(figure.table, set()).update(figure.terms)
    related: dict[str, set[str]] = {}
    for relation in model.relations:
        for atom in relation.terms:
            related.setdefault(atom, set()).update(relation.terms)
    order: list[str] = []
    seen = {table}
    reach = set(atoms_of.get(table, set()))
    while True:
        direct = sorted(t for t, atoms in atoms_of.items() if t not in seen and atoms & reach)
        if not direct:
            widened = set().union(*(related.get(atom, set()) for atom in reach)) - reach
            if not widened:
                return order
            reach |= widened
            continue
        seen.update(direct)
        order += direct
        for t in direct:
            reach |= atoms_of[t]
