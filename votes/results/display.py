"""What the results, review, statistics and turnout pages show, shaped for templates (and the charts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from votes.models import OutcomeRule, Poll
from votes.results.charts import Bar, bar_chart
from votes.results.exports import DATASETS, FORMATS
from votes.results.outcome import NO_VOTES, SEVERAL_CHOICES, SHORT, TIE, WON, PollOutcome, QuestionOutcome
from votes.results.published import QuestionResults, StageStats, StatRow, poll_outcome, poll_publication
from votes.results.stats import AREA_LABELS, GENDER_LABELS, Counts, cells
from votes.templatetags.results_format import stat_count, stat_index, stat_percent

# Below this a group is marked under-represented on charts (a share of the participants
# at most four fifths of its share of the census).
LOW_INDEX = 0.8


@dataclass(frozen=True)
class GroupRow:
    """One line of the 'results by group' table: a group's votes for each option."""

    label: str
    votes: list[int | None]
    total: int | None


@dataclass(frozen=True)
class TurnoutRow:
    gender: str
    area: str
    label: str
    participants: int
    eligible: int
    rate: float | None
    representation_index: float | None

    @property
    def low(self) -> bool:
        return self.representation_index is not None and self.representation_index < LOW_INDEX


def _cell_label(gender: str, area: str) -> str:
    return f"{GENDER_LABELS[gender]} · {AREA_LABELS[area]}"


def stage_charts(stages: list[StageStats], prefix: str) -> dict[str, Any]:
    """One representation-index chart per stage (groups with nobody in the census are left out)."""
    charts = {}
    for stage in stages:
        rows = [row for row in stage.cell_rows if row.eligible != 0]
        bars = [
            Bar(
                label=row.label,
                value=row.representation_index,
                display=_index_words(row),
                low=row.representation_index is not None and row.representation_index < LOW_INDEX,
            )
            for row in rows
        ]
        if all(bar.value is None for bar in bars):
            continue  # nothing to draw: the table beside says why (suppressed)
        charts[stage.stage] = bar_chart(
            chart_id=f"{prefix}-{stage.stage}",
            title=_("Representation index by group: %(stage)s") % {"stage": stage.label},
            description=_(
                "For each group, its share among participants divided by its share of the eligible census. "
                "1 means represented in proportion; below 1, under-represented. The table beside gives the figures."
            ),
            bars=bars,
            reference=1.0,
            reference_label=_("1 = in proportion"),
        )
    return charts


def _index_words(row: StatRow) -> str:
    if row.participants is None:
        return _("suppressed")
    return stat_index(row.representation_index)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _question_chart(question: QuestionResults) -> Any:
    bars = [
        Bar(
            label=option.label,
            value=float(option.total),
            display=f"{stat_count(option.total)} ({stat_percent(_share(option.total, question.total))})",
        )
        for option in question.options
    ]
    return bar_chart(
        chart_id=f"question-{question.question_id}",
        title=_("Votes by option: %(question)s") % {"question": question.text},
        description=_("Online and booth ballots together. The table beside gives the figures."),
        bars=bars,
    )


def _group_rows(question: QuestionResults) -> list[GroupRow]:
    rows = []
    for position, (gender, area) in enumerate(cells()):
        rows.append(
            GroupRow(
                label=_cell_label(gender, area),
                votes=[option.cells[position] for option in question.options],
                total=question.cell_totals[position],
            )
        )
    rows.append(
        GroupRow(
            label=_("Unattributed (paper ballots at booths)"),
            votes=[option.unattributed for option in question.options],
            total=question.unattributed_total,
        )
    )
    rows.append(
        GroupRow(
            label=pgettext("every group", "All"),
            votes=[option.total for option in question.options],
            total=question.total,
        )
    )
    return rows


def rule_explanation(rule: str) -> str:
    explanations = {
        OutcomeRule.SIMPLE: _(
            "Simple majority: the option with more valid votes than any other wins. "
            "Blank votes are not valid votes. A tie for first place decides nothing."
        ),
        OutcomeRule.ABSOLUTE: _(
            "Absolute majority: an option wins only with more than half of all the votes cast, blank votes included."
        ),
        OutcomeRule.TWO_THIRDS: _(
            "Qualified majority of two thirds: an option wins only with at least two thirds of the valid votes "
            "(blank votes are not valid votes)."
        ),
    }
    return str(explanations[OutcomeRule(rule)])


def quorum_sentence(outcome: PollOutcome) -> str:
    if outcome.quorum_percent == 0:
        return _("This poll has no turnout quorum: its result is binding.")
    figures = {
        "quorum": outcome.quorum_percent,
        "needed": stat_count(outcome.participants_needed),
        "participants": stat_count(outcome.participants),
    }
    if outcome.binding:
        return (
            _(
                "Turnout quorum: %(quorum)s %% of the eligible census (%(needed)s people). "
                "%(participants)s people voted: the quorum was met and the result is binding."
            )
            % figures
        )
    return (
        _(
            "Turnout quorum: %(quorum)s %% of the eligible census (%(needed)s people). "
            "Only %(participants)s people voted: below the quorum, the result is consultative only."
        )
        % figures
    )


def outcome_sentence(outcome: QuestionOutcome, labels: dict[int, str]) -> str:
    if outcome.status == WON and outcome.winner is not None:
        return _("Outcome: “%(option)s” wins.") % {"option": labels[outcome.winner]}
    if outcome.status == TIE:
        return _("Outcome: no option wins — a tie for first place.")
    if outcome.status == NO_VOTES:
        return _("Outcome: no option wins — there were no valid votes.")
    if outcome.status == SHORT:
        return _("Outcome: no option wins — none reached the %(needed)s votes the rule asks for.") % {
            "needed": stat_count(outcome.needed)
        }
    if outcome.status == SEVERAL_CHOICES:
        return _("This question allows several choices: the options are ranked by votes and no majority rule applies.")
    raise ValueError(f"unknown outcome {outcome.status!r}")


def outcome_context(outcome: PollOutcome, labels: dict[int, str]) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "rule_explanation": rule_explanation(outcome.rule),
        "quorum_sentence": quorum_sentence(outcome),
        "by_question": {
            q.question_id: {
                "sentence": outcome_sentence(q, labels),
                "counts": _("Votes cast: %(cast)s · blank: %(blank)s · valid: %(valid)s")
                % {"cast": stat_count(q.cast), "blank": stat_count(q.blank), "valid": stat_count(q.valid)},
            }
            for q in outcome.questions
        },
    }


def downloads(poll: Poll) -> list[dict[str, str]]:
    labels = {
        "results": _("Results"),
        "outcome": _("Outcome under the poll's rule"),
        "statistics": _("Inclusion statistics"),
        "bulletin": _("Bulletin of ballots"),
    }
    return [
        {
            "label": f"{labels[dataset]} ({fmt.upper()})",
            "url": reverse("votes:results_export", args=[poll.pk, dataset, fmt]),
            "checksum_url": reverse("votes:results_export_checksum", args=[poll.pk, dataset, fmt]),
        }
        for dataset in DATASETS
        for fmt in FORMATS
    ]


def results_context(poll: Poll, threshold: int) -> dict[str, Any]:
    stages, questions = poll_publication(poll, threshold)
    voting = next(stage for stage in stages if stage.stage == "voting")
    labels = {option.option_id: option.label for question in questions for option in question.options}
    decided = outcome_context(poll_outcome(poll, threshold), labels)
    return {
        **decided,
        "poll": poll,
        "threshold": threshold,
        "stages": stages,
        "stage_charts": stage_charts(stages, f"poll-{poll.pk}"),
        "questions": [
            {
                "results": question,
                "outcome": decided["by_question"][question.question_id],
                "chart": _question_chart(question),
                "group_rows": _group_rows(question),
                "option_rows": [
                    {
                        "option": option,
                        "web": option.total - option.unattributed,
                        "share": option.total / question.total if question.total else None,
                    }
                    for option in question.options
                ],
                "web_total": question.total - question.unattributed_total,
                # Options whose every group figure is hidden: named once, instead of a column of "suppressed".
                "hidden_options": [o.label for o in question.options if not o.by_group_shown and o.total],
            }
            for question in questions
        ],
        "turnout": voting.total,
        "downloads": downloads(poll),
    }


def turnout_rows(counts: Counts, eligible: Counts) -> tuple[list[TurnoutRow], TurnoutRow]:
    """Raw turnout by group against the census, for administrators (not published, so not suppressed)."""
    total_p = sum(counts.values())
    total_e = sum(eligible.values())
    rows = []
    for gender, area in cells():
        p, e = counts[(gender, area)], eligible[(gender, area)]
        if not p and not e:
            continue
        index = (p / total_p) / (e / total_e) if total_p and e and total_e else None
        rows.append(TurnoutRow(gender, area, _cell_label(gender, area), p, e, p / e if e else None, index))
    total_rate = total_p / total_e if total_e else None
    total = TurnoutRow(
        "all", "all", pgettext("every group", "All"), total_p, total_e, total_rate, 1.0 if total_p else None
    )
    return rows, total


def turnout_payload(counts: Counts, eligible: Counts) -> dict[str, Any]:
    """What the dashboard socket sends: raw figures (the page formats them in the viewer's language)."""
    rows, total = turnout_rows(counts, eligible)
    return {
        "rows": [
            {
                "cell": f"{row.gender}-{row.area}",
                "label": row.label,
                "participants": row.participants,
                "eligible": row.eligible,
                "rate": row.rate,
                "index": row.representation_index,
                "low": row.low,
            }
            for row in [*rows, total]
        ]
    }
