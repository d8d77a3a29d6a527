"""Reads of polls, turnout, ballots, the bulletin and booth tallies.

Per-option counts go through `poll_totals` and `poll_bulletin` only, and both
refuse while the poll is open (`ResultsHidden`): before the close nobody,
administrators included, can learn how the vote is going — only turnout.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import CensusRecord
from decide.refusals import NotAllowed

from .models import Ballot, BallotChoice, Booth, BoothTally, Channel, Option, Participation, Poll, Question
from .permissions import results_hidden_reason


class ResultsHidden(NotAllowed):
    """Asked for per-option counts or ballots of a poll that has not closed (a refusal, should it reach a page)."""


_RECEIPT_NOISE = re.compile(r"[^0-9A-Z]")


def normalise_receipt(code: str) -> str:
    """'k7qm-2xwa …' and 'K7QM2XWA…' are the same receipt: case, spaces and dashes do not matter."""
    return _RECEIPT_NOISE.sub("", code.upper())


def receipt_hash(code: str) -> str:
    """What a ballot stores of its receipt: the SHA-256 of the normalised code, never the code."""
    return hashlib.sha256(normalise_receipt(code).encode()).hexdigest()


def poll_list() -> QuerySet[Poll]:
    return Poll.objects.select_related("process", "scope_province", "scope_district").order_by("-opens_at", "-id")


def open_polls() -> QuerySet[Poll]:
    """Polls taking ballots now, the one closing soonest first (the home page's "vote now")."""
    now = timezone.now()
    return poll_list().filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at", "id")


def poll_get(poll_id: int) -> Poll:
    return Poll.objects.select_related("process", "scope_province", "scope_district").get(pk=poll_id)


def poll_for_ballot(poll_id: int) -> Poll:
    """The poll alone, for the ballot steps: they need its dates, scope ids and title, not its process page."""
    return Poll.objects.get(pk=poll_id)


def voter_census_record(*, poll: Poll, census_record_id: int | None) -> CensusRecord | None:
    """A voter's census record (with its district) and, as `has_voted`, whether they took part. One query."""
    if census_record_id is None:
        return None
    return (
        CensusRecord.objects.select_related("district")
        .annotate(has_voted=Exists(Participation.objects.filter(poll=poll, census_record_id=OuterRef("pk"))))
        .filter(pk=census_record_id)
        .first()
    )


def poll_questions(poll: Poll) -> list[Question]:
    """The ballot paper: questions in order, each with its options in order."""
    return list(
        poll.questions.prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "id")))
    )


# Ballot papers of opened polls, per process: (poll id, opening, closing) -> questions with options.
_PAPERS: dict[tuple[int, float, float], list[Question]] = {}
_PAPERS_KEPT = 64


def ballot_paper(poll: Poll) -> list[Question]:
    """`poll_questions`, kept in memory once the poll has opened.

    From the opening on, the services refuse any change to questions and options
    (`question_save`, `poll_update`: PollLocked), so every voter of a crowd reads the
    same paper: two queries saved on each ballot step. The dates are part of the key,
    so a poll that is not the one cached (or was moved back before opening) reads afresh.
    """
    if not poll.has_opened():
        return poll_questions(poll)
    key = (poll.pk, poll.opens_at.timestamp(), poll.closes_at.timestamp())
    paper = _PAPERS.get(key)
    if paper is None:
        paper = poll_questions(poll)
        if len(_PAPERS) >= _PAPERS_KEPT:
            _PAPERS.clear()  # a handful of polls are open at once; forgetting them all is cheap
        _PAPERS[key] = paper
    return paper


def poll_options(poll: Poll) -> QuerySet[Option]:
    return (
        Option.objects.filter(question__poll=poll)
        .select_related("question")
        .order_by("question__position", "question_id", "position", "id")
    )


def poll_turnout(poll: Poll) -> dict[str, int]:
    """How many people took part, by channel and in all. Safe to show while the poll is open."""
    by_channel = dict(
        Participation.objects.filter(poll=poll)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    web = by_channel.get(Channel.WEB, 0)
    booth = by_channel.get(Channel.BOOTH, 0)
    return {"web": web, "booth": booth, "total": web + booth}


def has_participated(*, poll: Poll, census_record_id: int | None) -> bool:
    if census_record_id is None:
        return False
    return Participation.objects.filter(poll=poll, census_record_id=census_record_id).exists()


def _require_closed(poll: Poll) -> None:
    if reason := results_hidden_reason(poll):
        raise ResultsHidden(reason)


def booth_current_tallies(booth: Booth) -> dict[int, BoothTally]:
    """The tally that counts for each option at `booth`: the newest one entered."""
    current: dict[int, BoothTally] = {}
    for tally in BoothTally.objects.filter(booth=booth).order_by("-entered_at", "-id"):
        current.setdefault(tally.option_id, tally)
    return current


def booth_tally_history(booth: Booth) -> QuerySet[BoothTally]:
    """Every tally ever entered at `booth`, newest first: corrections never erase."""
    return BoothTally.objects.filter(booth=booth).select_related("option", "entered_by").order_by("-entered_at", "-id")


def poll_booth_totals(poll: Poll) -> dict[int, int]:
    """Paper ballots by option: the newest tally of each booth and option, summed over booths."""
    _require_closed(poll)
    totals: Counter[int] = Counter()
    seen: set[tuple[int, int]] = set()
    for booth_id, option_id, count in (
        BoothTally.objects.filter(booth__poll=poll)
        .order_by("-entered_at", "-id")
        .values_list("booth_id", "option_id", "count")
    ):
        if (booth_id, option_id) not in seen:
            seen.add((booth_id, option_id))
            totals[option_id] += count
    return dict(totals)


def poll_web_totals(poll: Poll) -> dict[int, int]:
    """Web ballots by option (each chosen option of each ballot counts once)."""
    _require_closed(poll)
    return dict(
        BallotChoice.objects.filter(poll=poll)
        .order_by()
        .values_list("option_id")
        .annotate(n=Count("id"))
        .values_list("option_id", "n")
    )


def poll_totals(poll: Poll) -> dict[int, int]:
    """Votes by option id: web ballots plus the newest booth tally per booth and option.

    Every option of the poll is present (zero when nobody chose it). Raises
    `ResultsHidden` while the poll is open.
    """
    _require_closed(poll)
    web = poll_web_totals(poll)
    booth = poll_booth_totals(poll)
    return {
        option_id: web.get(option_id, 0) + booth.get(option_id, 0)
        for option_id in poll_options(poll).values_list("id", flat=True)
    }


def poll_bulletin(poll: Poll) -> QuerySet[Ballot]:
    """The public bulletin: every web ballot, by receipt hash, with its choices. Only after the close."""
    _require_closed(poll)
    return (
        Ballot.objects.filter(poll=poll)
        .order_by("receipt_hash")
        .prefetch_related(
            Prefetch("choices", queryset=BallotChoice.objects.select_related("option").order_by("option__position"))
        )
    )


def bulletin_recount(poll: Poll) -> dict[int, int]:
    """Count the bulletin the way an outside observer would: ballot by ballot, choice by choice."""
    counts: Counter[int] = Counter()
    for ballot in poll_bulletin(poll).iterator(chunk_size=2000):
        for choice in ballot.choices.all():
            counts[choice.option_id] += 1
    return dict(counts)


def receipt_check(*, poll: Poll, code: str) -> Ballot | None:
    """The ballot whose receipt is `code`, with its choices, or None. Only after the close."""
    _require_closed(poll)
    if not normalise_receipt(code):
        return None
    return poll_bulletin(poll).filter(receipt_hash=receipt_hash(code)).first()


def poll_booths(poll: Poll) -> QuerySet[Booth]:
    return (
        Booth.objects.filter(poll=poll)
        .select_related("district", "opened_by")
        .annotate(participants=Count("participations"))
        .order_by("name")
    )
