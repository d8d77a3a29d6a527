"""The exact oracle: what a reader can derive from every published figure of a poll, by integer programming.

Independent of `votes.results.disclosure`: it reads the published records (the same
rows the CSV, JSON and API carry), the public bulletin and turnout, and rebuilds the
reader's system of equations from the meaning of those rows. For each figure whose
true value is small (0 < n < threshold) it computes the least and greatest value
consistent with everything published (`scipy.optimize.milp`), and checks the rule
the module promises: the interval is at least `threshold` wide, or as wide as the
result alone (option totals, tallies, turnout, bulletin) already leaves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

GENDERS = ("female", "male", "another", "unknown")
AREAS = ("rural", "urban", "unknown")
CELLS = [(g, a) for g in GENDERS for a in AREAS]
MUST = ("proposing", "debating", "voting")  # stage totals public anyway (names, turnout)


@dataclass
class Truth:
    """The raw figures the oracle knows as the truth (the test made them)."""

    stages: dict[str, dict[tuple[str, str], int]]
    eligible: dict[tuple[str, str], int]
    combinations: dict[tuple[int, ...], dict[tuple[str, str], int]]
    booth_voters: dict[tuple[str, str], int]
    booth_options: dict[int, int]


@dataclass
class Reader:
    """Unknowns and equations of a reader's system."""

    names: list[str] = field(default_factory=list)
    truth: list[int] = field(default_factory=list)
    equations: list[tuple[dict[int, int], int]] = field(default_factory=list)
    inequalities: list[dict[int, int]] = field(default_factory=list)

    def unknown(self, name: str, value: int) -> int:
        self.names.append(name)
        self.truth.append(value)
        return len(self.names) - 1

    def value(self, terms: dict[int, int]) -> int:
        return sum(c * self.truth[i] for i, c in terms.items())

    def interval(self, terms: dict[int, int], equations: list[tuple[dict[int, int], int]]) -> tuple[float, float]:
        n = len(self.names)
        equations = [(eq, rhs) for eq, rhs in equations if any(eq.values())]
        a = np.zeros((len(equations), n))
        b = np.zeros(len(equations))
        for row, (eq, rhs) in enumerate(equations):
            for i, c in eq.items():
                a[row, i] += c
            b[row] = rhs
        constraints = [LinearConstraint(a, b, b)]
        if self.inequalities:
            u = np.zeros((len(self.inequalities), n))
            for row, ineq in enumerate(self.inequalities):
                for i, c in ineq.items():
                    u[row, i] += c
            constraints.append(LinearConstraint(u, -np.inf, 0))
        objective = np.zeros(n)
        for i, c in terms.items():
            objective[i] += c
        ends = []
        for sign in (1.0, -1.0):
            # HiGHS's MIP presolve (scipy 1.17) calls some of these feasible systems infeasible: solved without it.
            result = milp(
                sign * objective,
                integrality=np.ones(n),
                bounds=Bounds(0, np.inf),
                constraints=constraints,
                options={"presolve": False},
            )
            if result.status != 0:
                assert sign < 0, f"minimum not found: {result.message}"
                ends.append(np.inf)  # unbounded above
                continue
            ends.append(float(objective @ np.round(result.x)))
        return ends[0], ends[1]


def _matches(cell: tuple[str, str], gender: str, area: str) -> bool:
    return gender in ("all", cell[0]) and area in ("all", cell[1])


@dataclass
class Finding:
    figure: str
    value: int
    interval: tuple[float, float]
    required: float


def audit(
    truth: Truth,
    statistics: Iterable[dict[str, Any]],
    results: Iterable[dict[str, Any]],
    threshold: int,
    *,
    questions: dict[int, list[int]],
) -> tuple[list[Finding], list[str]]:
    """(figures that break the rule, published figures that differ from the truth)."""
    reader = Reader()
    w = {
        (combo, cell): reader.unknown(f"w{combo}{cell}", counts.get(cell, 0))
        for combo, counts in sorted(truth.combinations.items())
        for cell in CELLS
    }
    b = {cell: reader.unknown(f"b{cell}", truth.booth_voters.get(cell, 0)) for cell in CELLS}
    p = {
        (stage, cell): reader.unknown(f"p{stage}{cell}", truth.stages[stage].get(cell, 0))
        for stage in ("proposing", "supporting", "debating")
        for cell in CELLS
    }
    e = {cell: reader.unknown(f"e{cell}", truth.eligible.get(cell, 0)) for cell in CELLS}

    def voters(cell: tuple[str, str]) -> dict[int, int]:
        terms = {w[(combo, cell)]: 1 for combo in truth.combinations}
        terms[b[cell]] = 1
        return terms

    def add(into: dict[int, int], terms: dict[int, int], k: int = 1) -> None:
        for i, c in terms.items():
            into[i] = into.get(i, 0) + k * c

    must: list[tuple[dict[int, int], int]] = []
    published: list[tuple[dict[int, int], int]] = []
    figures: list[tuple[str, dict[int, int], int | None, bool]] = []  # name, terms, shown value, sensitive-able
    mismatches: list[str] = []

    # The bulletin and the turnout: public from the start.
    for combo in truth.combinations:
        terms = {w[(combo, cell)]: 1 for cell in CELLS}
        must.append((terms, reader.value(terms)))
    web = {w[key]: 1 for key in w}
    must.append((web, reader.value(web)))
    booth = {b[cell]: 1 for cell in CELLS}
    must.append((booth, reader.value(booth)))
    for cell in CELLS:  # what every reader knows of any election: voters are on the census
        ineq = dict(voters(cell))
        ineq[e[cell]] = ineq.get(e[cell], 0) - 1
        if reader.value(ineq) <= 0:
            reader.inequalities.append(ineq)
        support = {p[("supporting", cell)]: 1, e[cell]: -1}
        if reader.value(support) <= 0:
            reader.inequalities.append(support)

    seen: set[tuple[str, str, str]] = set()
    for record in statistics:
        stage, gender, area = record["stage"], record["gender"], record["area"]
        terms: dict[int, int] = {}
        for cell in CELLS:
            if _matches(cell, gender, area):
                add(terms, voters(cell) if stage == "voting" else {p[(stage, cell)]: 1})
        figures.append((f"{stage}:{gender}/{area}", terms, record["participants"], True))
        if stage in MUST and (gender, area) == ("all", "all"):
            must.append((terms, reader.value(terms)))
        if ("eligible", gender, area) not in seen:
            seen.add(("eligible", gender, area))
            census = {e[cell]: 1 for cell in CELLS if _matches(cell, gender, area)}
            figures.append((f"eligible:{gender}/{area}", census, record["eligible"], True))
            if (gender, area) == ("all", "all"):
                must.append((census, reader.value(census)))

    for record in results:
        question, option, group = record["question_id"], record["option_id"], record["group"]
        options = [option] if option is not None else questions[question]
        terms = {}
        constant = 0
        for o in options:
            if group == "unattributed":
                constant += truth.booth_options.get(o, 0)
                continue
            if group == "all":
                constant += truth.booth_options.get(o, 0)
            for combo in truth.combinations:
                if o in combo:
                    for cell in CELLS:
                        if group == "all" or group == f"{cell[0]}/{cell[1]}":
                            add(terms, {w[(combo, cell)]: 1})
        name = f"results.{question}:{option}:{group}"
        if group in ("unattributed", "all"):
            if record["votes"] != reader.value(terms) + constant:
                mismatches.append(f"{name}: {record['votes']} != {reader.value(terms) + constant}")
            must.append((terms, reader.value(terms)))  # the result itself
            continue
        figures.append((name, terms, record["votes"], True))

    for name, terms, shown, _ in figures:
        if shown is not None:
            if shown != reader.value(terms):
                mismatches.append(f"{name}: shown {shown}, truly {reader.value(terms)}")
            published.append((terms, shown))
    everything = must + published
    findings = []
    for name, terms, shown, _ in figures:
        value = reader.value(terms)
        if not 0 < value < threshold:
            continue
        low, high = reader.interval(terms, must)
        required = min(float(threshold), high - low)
        got = (float(value), float(value)) if shown is not None else reader.interval(terms, everything)
        if got[1] - got[0] < required:
            findings.append(Finding(name, value, got, required))
    return findings, mismatches
