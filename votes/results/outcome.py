"""Who won, under the poll's rule, and whether the result binds (pure: counts in, an outcome out).

Three named rules (`votes.models.OutcomeRule`) decide a single-choice question:

* simple majority — the option with more valid votes than any other wins (blank
  votes are not valid); a tie for first place decides nothing;
* absolute majority — an option needs more than half of *all* votes cast, blank
  votes included;
* two-thirds qualified majority — an option needs at least two thirds of the valid votes.

Arithmetic stays in integers (``2 * votes > cast``, ``3 * votes >= 2 * valid``), so
a boundary such as exactly half or exactly two thirds is decided exactly.

A question allowing several choices has no majority to speak of: its options are
ranked by votes and the rule is not applied (the page says so).

The turnout quorum is a share of the eligible census: below it the result is
consultative only, whatever the rule says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from votes.models import OutcomeRule

# Why a question has, or has not, a winner: codes the page, API and downloads share.
WON = "won"
TIE = "tie"
NO_VOTES = "no_votes"
SHORT = "short_of_majority"
SEVERAL_CHOICES = "several_choices"


@dataclass(frozen=True)
class QuestionOutcome:
    question_id: int
    rule: str
    status: str  # one of the codes above
    winner: int | None  # option id
    cast: int  # every vote, blank ones included
    blank: int
    valid: int  # cast less blank
    needed: int | None  # votes an option needed to win under the rule (None: no fixed figure, or not applicable)

    @property
    def decided(self) -> bool:
        return self.status == WON


def votes_needed(rule: str, *, cast: int, valid: int) -> int | None:
    """The fewest votes that win under `rule` (None for a simple majority: it depends on the runner-up)."""
    if rule == OutcomeRule.ABSOLUTE:
        return cast // 2 + 1
    if rule == OutcomeRule.TWO_THIRDS:
        return -(-2 * valid // 3)  # ceil(2 * valid / 3) in integers
    if rule == OutcomeRule.SIMPLE:
        return None
    raise ValueError(f"unknown outcome rule {rule!r}")


def question_outcome(
    rule: str,
    votes: Mapping[int, int],
    *,
    question_id: int = 0,
    blank_options: Sequence[int] = (),
    max_choices: int = 1,
) -> QuestionOutcome:
    """The outcome of one question from its option totals (web and booth together)."""
    if any(n < 0 for n in votes.values()):
        raise ValueError("negative vote count")
    cast = sum(votes.values())
    blank = sum(n for option, n in votes.items() if option in blank_options)
    valid = cast - blank
    needed = votes_needed(rule, cast=cast, valid=valid)

    def outcome(status: str, winner: int | None = None, needed: int | None = needed) -> QuestionOutcome:
        return QuestionOutcome(question_id, rule, status, winner, cast, blank, valid, needed)

    if max_choices > 1:
        return outcome(SEVERAL_CHOICES, needed=None)
    if valid == 0:
        return outcome(NO_VOTES)
    ranked = sorted(((n, option) for option, n in votes.items() if option not in blank_options), reverse=True)
    top, leader = ranked[0]
    if len(ranked) > 1 and ranked[1][0] == top:
        return outcome(TIE)
    if rule == OutcomeRule.SIMPLE:
        won = True
    elif rule == OutcomeRule.ABSOLUTE:
        won = 2 * top > cast
    else:
        won = 3 * top >= 2 * valid
    return outcome(WON, leader) if won else outcome(SHORT)


def quorum_met(quorum_percent: int, *, participants: int, eligible: int) -> bool:
    """True when at least `quorum_percent` % of the eligible census took part (no quorum: always)."""
    if not 0 <= quorum_percent <= 100:
        raise ValueError("a quorum is a percentage from 0 to 100")
    if quorum_percent == 0:
        return True
    return 100 * participants >= quorum_percent * eligible and eligible > 0


def quorum_needed(quorum_percent: int, *, eligible: int) -> int:
    """The fewest participants that meet the quorum."""
    return -(-quorum_percent * eligible // 100)


@dataclass(frozen=True)
class PollOutcome:
    rule: str
    quorum_percent: int
    participants: int
    eligible: int
    binding: bool  # the quorum was met (or there is none)
    questions: list[QuestionOutcome]

    @property
    def participants_needed(self) -> int:
        return quorum_needed(self.quorum_percent, eligible=self.eligible)


def poll_outcome_of(
    *,
    rule: str,
    quorum_percent: int,
    participants: int,
    eligible: int,
    questions: Sequence[tuple[int, int, Mapping[int, int], Sequence[int]]],
) -> PollOutcome:
    """Every question's outcome; `questions` as (question id, max choices, votes by option, blank option ids)."""
    return PollOutcome(
        rule=rule,
        quorum_percent=quorum_percent,
        participants=participants,
        eligible=eligible,
        binding=quorum_met(quorum_percent, participants=participants, eligible=eligible),
        questions=[
            question_outcome(rule, votes, question_id=qid, blank_options=blank, max_choices=max_choices)
            for qid, max_choices, votes, blank in questions
        ],
    )
