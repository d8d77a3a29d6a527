"""Every figure published about a poll or a process, declared to the disclosure model, and the one decision on them.

A poll publishes: its four stage tables and the eligible census (statistics), one
options-by-group table per question (results), the turnout (web, booth, all: on the
poll page from the start), and the bulletin (how many ballots chose each
combination of options). A process publishes its own stage tables and census, and
readers also know every figure its published polls show. All of these are declared
here, over the same atoms, so `votes.results.disclosure` sees them as one system.

Keys, used by `votes.results.published` to read the decision back:
``stage.<stage>:<gender|*>:<area|*>``, ``eligible:<gender|*>:<area|*>``,
``results.<question>:<option|*>:<gender/area|booth|*>``.

The decision is computed once per set of raw figures and cached under a digest of
them (new ballots, a new tally, a new comment or census import make a new key), so
every page, download, API route and the turnout read the same one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.core.cache import cache

from proposals.models import ProcessPage
from votes.models import Option, Poll, Question
from votes.results.breakdowns import (
    AGE_BANDS,
    UNKNOWN_AGE,
    BandCounts,
    process_age_counts,
    process_eligible_age_counts,
    process_vote_channel_counts,
)
from votes.results.disclosure import Decision, DisclosureModel, disclosure_decide
from votes.results.stats import (
    AREAS,
    DEBATING,
    GENDERS,
    PROCESS_STAGES,
    PROPOSING,
    SUPPORTING,
    VOTING,
    Cell,
    Combination,
    Counts,
    cells,
    poll_booth_option_totals,
    poll_booth_voter_counts,
    poll_eligible_counts,
    poll_scope,
    poll_stage_counts,
    poll_web_combinations,
    process_channel_counts,
    process_eligible_counts,
    process_stage_counts,
)

ANY = "*"  # a margin in a key: every gender, or every area
BOOTH = "booth"
DECISION_CACHE_SECONDS = 24 * 60 * 60
# Who proposed and who commented is public (names on every proposal and comment): those totals are known anyway.
PUBLIC_STAGE_TOTALS = frozenset({PROPOSING, DEBATING, VOTING})


def cell_name(cell: Cell) -> str:
    return f"{cell[0]}/{cell[1]}"


def stage_key(stage: str, gender: str, area: str) -> str:
    return f"stage.{stage}:{gender}:{area}"


def eligible_key(gender: str, area: str) -> str:
    return f"eligible:{gender}:{area}"


def results_key(question_id: int, option: int | str, column: str) -> str:
    return f"results.{question_id}:{option}:{column}"


def stage_table(stage: str) -> str:
    return f"stage.{stage}"


def results_table(question_id: int) -> str:
    return f"results.{question_id}"


@dataclass(frozen=True)
class PollFigures:
    """The raw figures of a poll that anything published is computed from (not suppressed)."""

    stages: dict[str, Counts]
    eligible: Counts
    combinations: dict[Combination, Counts]
    booth_voters: Counts
    booth_options: dict[int, int]
    questions: list[tuple[int, int, list[int]]]  # (question id, max choices, option ids in order)

    def digest(self) -> str:
        def flat(counts: Counts) -> list[int]:
            return [counts.get(cell, 0) for cell in cells()]

        document = {
            "stages": {s: flat(c) for s, c in sorted(self.stages.items())},
            "eligible": flat(self.eligible),
            "combinations": sorted([list(k), flat(v)] for k, v in self.combinations.items()),
            "booth_voters": flat(self.booth_voters),
            "booth_options": sorted(self.booth_options.items()),
            "questions": self.questions,
        }
        return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def poll_figures(poll: Poll) -> PollFigures:
    questions = list(Question.objects.filter(poll=poll).order_by("position", "id").values_list("id", "max_choices"))
    options = list(Option.objects.filter(question__poll=poll).order_by("position", "id").values_list("id", "question"))
    return PollFigures(
        stages=poll_stage_counts(poll),
        eligible=poll_eligible_counts(poll),
        combinations=poll_web_combinations(poll),
        booth_voters=poll_booth_voter_counts(poll),
        booth_options=poll_booth_option_totals(poll),
        questions=[(q, m, [o for o, oq in options if oq == q]) for q, m in questions],
    )


def _grid_of(
    model: DisclosureModel, table: str, terms: Mapping[Cell, dict[str, int]], *, fixed_grand: bool, weight: float = 1.0
) -> None:
    cells_terms = {cell: terms[cell] for cell in cells()}
    model.grid(table, GENDERS, AREAS, cells_terms, fixed_grand=fixed_grand, weight=weight)


def _counted_grid(
    model: DisclosureModel, prefix: str, table: str, counts: Counts, *, fixed_grand: bool, known_zeros: bool = False
) -> None:
    terms = {cell: {model.atom(f"{prefix}:{cell_name(cell)}", counts.get(cell, 0)): 1} for cell in cells()}
    # The census is every rate's denominator: hide it only where nothing cheaper will do.
    _grid_of(model, table, terms, fixed_grand=fixed_grand, weight=5.0 if known_zeros else 1.0)
    if known_zeros:
        for figure in list(model.figures.values()):
            if figure.table == table and figure.value == 0:
                model.figures[figure.key] = replace(figure, fixed=True)


def poll_model(figures: PollFigures, *, prefix: str = "") -> DisclosureModel:
    """Everything a poll publishes, as one disclosure model (atoms and keys under `prefix`, for a process)."""
    model = DisclosureModel()
    _add_poll(model, figures, prefix)
    return model


def _add_poll(model: DisclosureModel, figures: PollFigures, prefix: str) -> None:
    # Atoms: web ballots by combination and cell, booth voters by cell, paper ballots by option,
    # people by stage and cell, eligible people by cell.
    web: dict[Cell, dict[str, int]] = {cell: {} for cell in cells()}
    by_option: dict[int, dict[Cell, dict[str, int]]] = {}
    for combo, counts in sorted(figures.combinations.items()):
        name = "-".join(map(str, combo))
        for cell in cells():
            atom = model.atom(f"{prefix}x:{name}:{cell_name(cell)}", counts.get(cell, 0))
            web[cell][atom] = 1
            for option in combo:
                by_option.setdefault(option, {c: {} for c in cells()})[cell][atom] = 1
        model.figure(  # the bulletin: every ballot's whole choice, so each combination's count is public
            f"{prefix}bulletin:{name}",
            f"{prefix}bulletin",
            {f"{prefix}x:{name}:{cell_name(c)}": 1 for c in cells()},
            fixed=True,
        )
    booth = {cell: model.atom(f"{prefix}b:{cell_name(cell)}", figures.booth_voters.get(cell, 0)) for cell in cells()}
    paper = {o: model.atom(f"{prefix}u:{o}", n) for o, n in sorted(figures.booth_options.items())}
    voting = {cell: {**web[cell], booth[cell]: 1} for cell in cells()}
    _grid_of(model, f"{prefix}{stage_table(VOTING)}", voting, fixed_grand=True)
    # The poll page shows turnout online and at booths from the opening: both fixed.
    model.figure(f"{prefix}turnout:web", f"{prefix}turnout", {a: 1 for t in web.values() for a in t}, fixed=True)
    model.figure(f"{prefix}turnout:booth", f"{prefix}turnout", dict.fromkeys(booth.values(), 1), fixed=True)
    for stage in (PROPOSING, SUPPORTING, DEBATING):
        _counted_grid(
            model,
            f"{prefix}p:{stage}",
            f"{prefix}{stage_table(stage)}",
            figures.stages[stage],
            fixed_grand=stage in PUBLIC_STAGE_TOTALS,
        )
    # A group nobody in the census belongs to is no secret (and says nothing of anyone): its zero is known.
    _counted_grid(model, f"{prefix}e", f"{prefix}eligible", figures.eligible, fixed_grand=True, known_zeros=True)
    for cell in cells():
        eligible = f"{prefix}e:{cell_name(cell)}"
        model.relate({**voting[cell], eligible: -1}, equal=False)  # voters are on the census (when true)
        model.relate({f"{prefix}p:{SUPPORTING}:{cell_name(cell)}": 1, eligible: -1}, equal=False)
    for question_id, _max_choices, option_ids in figures.questions:
        _add_question(model, prefix, question_id, option_ids, by_option, paper)


def _add_question(
    model: DisclosureModel,
    prefix: str,
    question_id: int,
    option_ids: Sequence[int],
    by_option: Mapping[int, Mapping[Cell, dict[str, int]]],
    paper: Mapping[int, str],
) -> None:
    """Options by group and booth: option totals, booth tallies and the question total are the result (fixed)."""
    table = f"{prefix}{results_table(question_id)}"
    columns = [*map(cell_name, cells()), BOOTH]
    grid: dict[tuple[str, str], dict[str, int]] = {}
    for option in option_ids:
        for cell in cells():
            grid[(str(option), cell_name(cell))] = dict(by_option.get(option, {}).get(cell, {}))
        grid[(str(option), BOOTH)] = {paper[option]: 1} if option in paper else {}
    model.grid(
        table,
        [str(o) for o in option_ids],
        columns,
        grid,
        fixed_rows=[str(o) for o in option_ids],
        fixed_columns=[BOOTH],
        fixed_grand=True,
        fixed_cells=[(str(o), BOOTH) for o in option_ids],
    )


def _cached_decision(kind: str, pk: int, digest: str, threshold: int, model_of: object) -> Decision:
    key = f"votes:disclosure:{kind}:{pk}:{threshold}:{digest}"
    decision: Decision | None = cache.get(key)
    if decision is None:
        assert callable(model_of)
        decision = disclosure_decide(model_of(), threshold)
        cache.set(key, decision, DECISION_CACHE_SECONDS)
    return decision


def poll_decision(poll: Poll, threshold: int, figures: PollFigures | None = None) -> tuple[PollFigures, Decision]:
    """The one decision on every figure of `poll`, cached under the digest of its raw figures."""
    figures = figures if figures is not None else poll_figures(poll)
    decision = _cached_decision("poll", poll.pk, figures.digest(), threshold, lambda: poll_model(figures))
    return figures, decision


@dataclass(frozen=True)
class ProcessFigures:
    stages: dict[str, Counts]
    eligible: Counts
    polls: list[tuple[int, bool, PollFigures, Decision]]  # (poll id, same census scope, figures, decision)
    # stage -> channel -> people who took part that way (CHANNEL_STAGES, and voting: online or at a booth)
    channels: dict[str, dict[str, Counts]] = field(default_factory=dict)
    # stage -> age band -> people (AGE_STAGES), and the eligible census by age band
    ages: dict[str, BandCounts] = field(default_factory=dict)
    eligible_ages: BandCounts = field(default_factory=dict)

    def digest(self, threshold: int) -> str:
        document = {
            "stages": {s: [c.get(cell, 0) for cell in cells()] for s, c in sorted(self.stages.items())},
            "channels": {
                s: {ch: [c.get(cell, 0) for cell in cells()] for ch, c in sorted(by.items())}
                for s, by in sorted(self.channels.items())
            },
            "eligible": [self.eligible.get(cell, 0) for cell in cells()],
            "ages": {s: [c.get(b, 0) for b in AGE_BANDS] for s, c in sorted(self.ages.items())},
            "eligible_ages": [self.eligible_ages.get(b, 0) for b in AGE_BANDS],
            "polls": [[pk, same, f.digest(), sorted(d.hidden)] for pk, same, f, d in self.polls],
            "threshold": threshold,
        }
        return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def process_model(figures: ProcessFigures) -> DisclosureModel:
    """The process's own tables, plus everything its published polls show (fixed: already out), linked."""
    model = DisclosureModel()
    for stage in PROCESS_STAGES:  # a process also publishes who annotated and amended its bills' texts
        _counted_grid(
            model,
            f"p:{stage}",
            stage_table(stage),
            figures.stages[stage],
            fixed_grand=stage in PUBLIC_STAGE_TOTALS - {VOTING},
        )
    _counted_grid(model, "e", "eligible", figures.eligible, fixed_grand=True, known_zeros=True)
    poll_voters: dict[Cell, dict[str, int]] = {cell: {} for cell in cells()}
    for pk, same_scope, poll_figs, decision in figures.polls:
        prefix = f"poll{pk}."
        inner = poll_model(poll_figs, prefix=prefix)
        model.truth.update(inner.truth)
        model.relations += inner.relations
        for key, figure in inner.figures.items():
            if decision.shows(key.removeprefix(prefix)):  # already out: readers know it
                model.figures[key] = replace(figure, fixed=True)
        for cell in cells():
            name = cell_name(cell)
            voters = inner.figures[f"{prefix}{stage_key(VOTING, *cell)}"].terms
            for atom, coefficient in voters.items():
                poll_voters[cell][atom] = poll_voters[cell].get(atom, 0) + coefficient
            # A poll's voters are among the process's voters; its proposers, supporters and commenters too.
            model.relate({**voters, f"p:{VOTING}:{name}": -1}, equal=False)
            for stage in (PROPOSING, SUPPORTING, DEBATING):
                model.relate({f"{prefix}p:{stage}:{name}": 1, f"p:{stage}:{name}": -1}, equal=False)
            # The same census scope is the same census table; a narrower scope counts no more people.
            model.relate({f"{prefix}e:{name}": 1, f"e:{name}": -1}, equal=same_scope)
    _add_channels(model, figures.channels)
    _add_ages(model, figures.ages, figures.eligible_ages)
    if figures.polls:
        for cell in cells():  # and the process's voters are at most all its polls' voters together
            terms = {f"p:{VOTING}:{cell_name(cell)}": 1, **{a: -c for a, c in poll_voters[cell].items()}}
            model.relate(terms, equal=False)
    return model


def channel_key(stage: str, channel: str, column: str) -> str:
    """A figure of the by-channel table of a stage: ``channel.<stage>:<channel|*>:<gender/area|*>``."""
    return f"{channel_table(stage)}:{channel}:{column}"


def channel_table(stage: str) -> str:
    return f"channel.{stage}"


def _add_channels(model: DisclosureModel, channels: Mapping[str, Mapping[str, Counts]]) -> None:
    """Each channel stage's people by channel x (gender, area): one more grid, linked to the stage table.

    People who used a channel are among the stage's people of their cell, and every one of them used
    at least one channel: channel_cell <= stage_cell <= sum of the channel cells.
    """
    for stage, by_channel in channels.items():
        names = list(by_channel)
        columns = [cell_name(cell) for cell in cells()]
        terms: dict[tuple[str, str], dict[str, int]] = {}
        for channel in names:
            for cell in cells():
                atom = model.atom(f"ch:{stage}:{channel}:{cell_name(cell)}", by_channel[channel].get(cell, 0))
                terms[(channel, cell_name(cell))] = {atom: 1}
        model.grid(channel_table(stage), names, columns, terms)
        for cell in cells():
            name = cell_name(cell)
            stage_atom = f"p:{stage}:{name}"
            if stage_atom not in model.truth:
                continue
            for channel in names:
                model.relate({f"ch:{stage}:{channel}:{name}": 1, stage_atom: -1}, equal=False)
            model.relate({stage_atom: 1, **{f"ch:{stage}:{channel}:{name}": -1 for channel in names}}, equal=False)


def age_table(stage: str) -> str:
    """The age table of a stage (``age.<stage>``, one row named after it), or of the census (``age.eligible``)."""
    return f"age.{stage}"


def age_key(stage: str, band: str) -> str:
    """A figure of an age table: ``age.<stage>:<stage>:<band|*>``."""
    return f"{age_table(stage)}:{stage}:{band}"


ELIGIBLE_AGES = "eligible"


def _add_ages(model: DisclosureModel, ages: Mapping[str, BandCounts], eligible: BandCounts) -> None:
    """Each stage's people by age band, and the census by age band: one-row tables tied to the cell tables.

    Everyone has exactly one band ("unknown" included), so a stage's bands add up to its people,
    and the census's bands to the census; supporters and voters are on the census, band by band.
    """
    if not ages:
        return
    for stage, counts in {**ages, ELIGIBLE_AGES: eligible}.items():
        census = stage == ELIGIBLE_AGES
        prefix = "ea" if census else f"a:{stage}"
        table = age_table(stage)
        atoms = {band: model.atom(f"{prefix}:{band}", counts.get(band, 0)) for band in AGE_BANDS}
        for band, atom in atoms.items():
            # As for the census by cell: a band nobody in the census belongs to is no secret.
            known_zero = census and counts.get(band, 0) == 0
            weight = 5.0 if census else 1.0
            model.figure(
                age_key(stage, band), table, {atom: 1}, fixed=known_zero, row=stage, column=band, weight=weight
            )
        model.figure(age_key(stage, "*"), table, dict.fromkeys(atoms.values(), 1), total=True, row=stage, column="*")
        whole = "e" if census else f"p:{stage}"
        cell_atoms = [f"{whole}:{cell_name(cell)}" for cell in cells()]
        if all(atom in model.truth for atom in cell_atoms):
            model.relate({**dict.fromkeys(atoms.values(), 1), **dict.fromkeys(cell_atoms, -1)})
    for stage in (SUPPORTING, VOTING):
        if stage in ages:
            for band in AGE_BANDS:
                if band != UNKNOWN_AGE:
                    model.relate({f"a:{stage}:{band}": 1, f"ea:{band}": -1}, equal=False)


def process_decision(process: ProcessPage, threshold: int) -> tuple[ProcessFigures, Decision]:
    polls = list(Poll.objects.filter(process=process, results_published_at__isnull=False).order_by("pk"))
    scope = (process.scope_province_id, process.scope_district_id)
    entries = []
    for poll in polls:
        poll_figs, decision = poll_decision(poll, threshold)
        province, district = poll_scope(poll)
        same = (province.pk if province else None, district.pk if district else None) == scope
        entries.append((poll.pk, same, poll_figs, decision))
    figures = ProcessFigures(
        stages=process_stage_counts(process),
        eligible=process_eligible_counts(process),
        polls=entries,
        channels={**process_channel_counts(process), VOTING: process_vote_channel_counts(process)},
        ages=process_age_counts(process),
        eligible_ages=process_eligible_age_counts(process),
    )
    decision = _cached_decision(
        "process", process.pk, figures.digest(threshold), threshold, lambda: process_model(figures)
    )
    return figures, decision
