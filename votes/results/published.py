"""What the public may read of the statistics and results: the raw figures, less what the disclosure decision hides.

Pages, exports, the API and the turnout all build on these structures, and every
one of them reads the same decision (`votes.results.figures`: computed once per
poll or process and cached), so a figure hidden in one is hidden in all. A hidden
figure is `None`; derived figures (rates, shares, representation index) are `None`
whenever a figure they come from is. A table the decision dropped whole is marked
`dropped`, and the pages say why in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import pgettext_lazy

from proposals.models import Channel as ParticipationChannel
from proposals.models import ProcessPage
from votes.models import Channel as VotingChannel
from votes.models import Option, Poll, Question
from votes.results.breakdowns import AGE_BANDS, AGE_LABELS
from votes.results.disclosure import Decision
from votes.results.figures import (
    ANY,
    ELIGIBLE_AGES,
    PollFigures,
    age_key,
    age_table,
    cell_name,
    channel_key,
    channel_table,
    eligible_key,
    poll_decision,
    process_decision,
    results_key,
    results_table,
    stage_key,
    stage_table,
)
from votes.results.outcome import PollOutcome, poll_outcome_of
from votes.results.stats import (
    AREA_LABELS,
    AREAS,
    GENDER_LABELS,
    GENDERS,
    PROCESS_STAGES,
    STAGE_LABELS,
    STAGES,
    VOTING,
    Counts,
    cells,
)

ALL = "all"
ALL_LABEL = pgettext_lazy("every group", "All")


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
    dropped: bool = False  # too few people to show any group without giving someone away: the total only

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

    @property
    def by_group_shown(self) -> bool:
        """False when every group figure of this option is hidden: its breakdown goes under "not shown"."""
        return any(value is not None for value in self.cells)


@dataclass(frozen=True)
class QuestionResults:
    question_id: int
    text: str
    options: list[OptionRow]
    cell_totals: list[int | None]
    unattributed_total: int
    total: int
    cell_labels: list[str] = field(default_factory=list)
    dropped: bool = False  # the by-group table is not shown at all (too few votes)


def _key_part(value: str) -> str:
    return ANY if value == ALL else value


def _value(counts: Counts, gender: str, area: str) -> int:
    return sum(n for (g, a), n in counts.items() if gender in (ALL, g) and area in (ALL, a))


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _stage_stats(stage: str, counts: Counts, eligible: Counts, decision: Decision) -> StageStats:
    keys = [*cells(), *((g, ALL) for g in GENDERS), *((ALL, a) for a in AREAS), (ALL, ALL)]
    people: dict[tuple[str, str], int | None] = {}
    census: dict[tuple[str, str], int | None] = {}
    for gender, area in keys:
        g, a = _key_part(gender), _key_part(area)
        people[(gender, area)] = _value(counts, gender, area) if decision.shows(stage_key(stage, g, a)) else None
        census[(gender, area)] = _value(eligible, gender, area) if decision.shows(eligible_key(g, a)) else None
    total_people, total_census = people[(ALL, ALL)], census[(ALL, ALL)]
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
    return StageStats(stage=stage, rows=rows, dropped=stage_table(stage) in decision.dropped_tables)


def poll_statistics(poll: Poll, threshold: int) -> list[StageStats]:
    """The four stages of a poll, as published."""
    stats, _results = poll_publication(poll, threshold)
    return stats


def poll_results(poll: Poll, threshold: int) -> list[QuestionResults]:
    _stats, results = poll_publication(poll, threshold)
    return results


def poll_publication(poll: Poll, threshold: int) -> tuple[list[StageStats], list[QuestionResults]]:
    """Statistics and results together: one decision over every figure the poll publishes anywhere."""
    figures, decision = poll_decision(poll, threshold)
    texts = dict(Question.objects.filter(poll=poll).values_list("id", "text"))
    labels = dict(Option.objects.filter(question__poll=poll).values_list("id", "label"))
    return publication_of(figures, decision, texts=texts, labels=labels)


def publication_of(
    figures: PollFigures, decision: Decision, *, texts: dict[int, str], labels: dict[int, str]
) -> tuple[list[StageStats], list[QuestionResults]]:
    """The published tables of a poll from its raw figures and the decision on them (pure: no queries)."""
    stats = [_stage_stats(stage, figures.stages[stage], figures.eligible, decision) for stage in STAGES]
    web: dict[int, Counts] = {}
    for combo, counts in figures.combinations.items():
        for option in combo:
            into = web.setdefault(option, dict.fromkeys(cells(), 0))
            for cell, n in counts.items():
                into[cell] += n
    results = []
    for question_id, _max_choices, option_ids in figures.questions:
        rows = []
        for option in option_ids:
            by_cell = web.get(option, dict.fromkeys(cells(), 0))
            paper = figures.booth_options.get(option, 0)
            rows.append(
                OptionRow(
                    option_id=option,
                    label=labels[option],
                    cells=[
                        by_cell[cell] if decision.shows(results_key(question_id, option, cell_name(cell))) else None
                        for cell in cells()
                    ],
                    unattributed=paper,
                    total=sum(by_cell.values()) + paper,
                )
            )
        cell_totals: list[int | None] = [
            sum(web.get(o, {}).get(cell, 0) for o in option_ids)
            if decision.shows(results_key(question_id, ANY, cell_name(cell)))
            else None
            for cell in cells()
        ]
        results.append(
            QuestionResults(
                question_id=question_id,
                text=texts[question_id],
                options=rows,
                cell_totals=cell_totals,
                unattributed_total=sum(row.unattributed for row in rows),
                total=sum(row.total for row in rows),
                cell_labels=[f"{GENDER_LABELS[g]} · {AREA_LABELS[a]}" for g, a in cells()],
                dropped=results_table(question_id) in decision.dropped_tables,
            )
        )
    return stats, results


def process_statistics(process: ProcessPage, threshold: int) -> list[StageStats]:
    """A process's stages as published (voting: published polls only; annotating and amending: its bills)."""
    figures, decision = process_decision(process, threshold)
    return [_stage_stats(stage, figures.stages[stage], figures.eligible, decision) for stage in PROCESS_STAGES]


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    label: str
    values: list[int | None]  # per cell of `cells()`, None when suppressed
    total: int | None


@dataclass(frozen=True)
class ChannelStats:
    """People of one stage by the channel they used (online, desk, paper, SMS) x gender and area, as published."""

    stage: str
    label: str
    rows: list[ChannelRow]
    totals: list[int | None]
    grand_total: int | None
    cell_labels: list[str]
    dropped: bool = False


def process_channel_statistics(process: ProcessPage, threshold: int) -> list[ChannelStats]:
    """The by-channel tables of a process, under the same disclosure decision as its other figures."""
    figures, decision = process_decision(process, threshold)
    labels = {**dict(ParticipationChannel.choices), **dict(VotingChannel.choices)}
    tables = []
    for stage, by_channel in figures.channels.items():
        rows = []
        for channel, counts in by_channel.items():
            values = [
                counts.get(cell, 0) if decision.shows(channel_key(stage, channel, cell_name(cell))) else None
                for cell in cells()
            ]
            shown_total = decision.shows(channel_key(stage, channel, ANY))
            rows.append(
                ChannelRow(
                    channel, str(labels.get(channel, channel)), values, sum(counts.values()) if shown_total else None
                )
            )
        totals = [
            sum(c.get(cell, 0) for c in by_channel.values())
            if decision.shows(channel_key(stage, ANY, cell_name(cell)))
            else None
            for cell in cells()
        ]
        grand = sum(sum(c.values()) for c in by_channel.values())
        tables.append(
            ChannelStats(
                stage=stage,
                label=str(STAGE_LABELS[stage]),
                rows=rows,
                totals=totals,
                grand_total=grand if decision.shows(channel_key(stage, ANY, ANY)) else None,
                cell_labels=[f"{GENDER_LABELS[g]} · {AREA_LABELS[a]}" for g, a in cells()],
                dropped=channel_table(stage) in decision.dropped_tables,
            )
        )
    return tables


def outcome_of(figures: PollFigures, *, rule: str, quorum_percent: int, blank_options: set[int]) -> PollOutcome:
    """The outcome under the poll's rule and quorum, from the raw totals (all of them public: the result itself)."""
    totals: dict[int, int] = dict(figures.booth_options)
    for combo, counts in figures.combinations.items():
        for option in combo:
            totals[option] = totals.get(option, 0) + sum(counts.values())
    return poll_outcome_of(
        rule=rule,
        quorum_percent=quorum_percent,
        participants=sum(figures.stages[VOTING].values()),
        eligible=sum(figures.eligible.values()),
        questions=[
            (qid, max_choices, {o: totals.get(o, 0) for o in option_ids}, [o for o in option_ids if o in blank_options])
            for qid, max_choices, option_ids in figures.questions
        ],
    )


def poll_outcome(poll: Poll, threshold: int) -> PollOutcome:
    """Who won each question under the poll's rule, and whether turnout met its quorum (the result binds)."""
    figures, _decision = poll_decision(poll, threshold)
    blank = set(Option.objects.filter(question__poll=poll, blank=True).values_list("id", flat=True))
    return outcome_of(figures, rule=poll.outcome_rule, quorum_percent=poll.quorum_percent, blank_options=blank)


@dataclass(frozen=True)
class AgeRow:
    """One age band of one stage (None = suppressed or undefined)."""

    band: str
    participants: int | None
    eligible: int | None
    rate: float | None
    share: float | None
    eligible_share: float | None
    representation_index: float | None

    @property
    def label(self) -> str:
        return str(ALL_LABEL) if self.band == ALL else str(AGE_LABELS[self.band])

    @property
    def suppressed(self) -> bool:
        return self.participants is None


@dataclass(frozen=True)
class AgeStats:
    stage: str
    rows: list[AgeRow]  # the bands, then all

    @property
    def label(self) -> str:
        return str(STAGE_LABELS[self.stage])

    @property
    def shown_rows(self) -> list[AgeRow]:
        return [row for row in self.rows if row.participants != 0 or row.eligible != 0]


def process_age_statistics(process: ProcessPage, threshold: int) -> list[AgeStats]:
    """A process's people by age band, stage by stage, against the census's bands, as published."""
    figures, decision = process_decision(process, threshold)

    def shown(stage: str, band: str, value: int) -> int | None:
        return value if decision.shows(age_key(stage, band)) else None

    census = {b: shown(ELIGIBLE_AGES, b, figures.eligible_ages.get(b, 0)) for b in AGE_BANDS}
    census[ALL] = shown(ELIGIBLE_AGES, ANY, sum(figures.eligible_ages.values()))
    tables = []
    for stage, counts in figures.ages.items():
        if age_table(stage) in decision.dropped_tables:
            people: dict[str, int | None] = dict.fromkeys([*AGE_BANDS, ALL])
            people[ALL] = shown(stage, ANY, sum(counts.values()))
        else:
            people = {b: shown(stage, b, counts.get(b, 0)) for b in AGE_BANDS}
            people[ALL] = shown(stage, ANY, sum(counts.values()))
        rows = []
        for band in [*AGE_BANDS, ALL]:
            share = _ratio(people[band], people[ALL])
            eligible_share = _ratio(census[band], census[ALL])
            rows.append(
                AgeRow(
                    band=band,
                    participants=people[band],
                    eligible=census[band],
                    rate=_ratio(people[band], census[band]),
                    share=share,
                    eligible_share=eligible_share,
                    representation_index=_ratio(share, eligible_share),
                )
            )
        tables.append(AgeStats(stage=stage, rows=rows))
    return tables
