"""Inclusion statistics and results by group, computed in the database.

Every figure here comes from one grouped query (`values(...).annotate(Count)`):
nothing loads participants or ballots into Python, so a poll with a million
ballots costs about the grouped SQL itself. Raw counts (`*_counts`) are for
administrators and for the publication step; what the public sees goes through
`votes.results.published` (small cells suppressed).

A person's cell (gender by area) comes from their census record when verified,
from what they declared on their profile otherwise, and is "unknown" when neither
says anything ("prefer not to say" is unknown too).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CensusRecord, District, Province, User
from accounts.selectors import census_stamp_columns, census_stamp_of
from legislation.models import Annotation
from proposals.models import Channel as ParticipationChannel
from proposals.models import Comment, ProcessPage, Proposal, ProposalStatus, Support
from votes.models import BallotChoice, BoothTally, Channel, Option, Participation, Poll

GENDERS: tuple[str, ...] = ("female", "male", "another", "unknown")
AREAS: tuple[str, ...] = ("rural", "urban", "unknown")
UNKNOWN = "unknown"
Cell = tuple[str, str]
Counts = dict[Cell, int]
T = TypeVar("T")

GENDER_LABELS = {"female": _("Women"), "male": _("Men"), "another": _("Another gender"), "unknown": _("Gender unknown")}
AREA_LABELS = {"rural": _("Rural"), "urban": _("Urban"), "unknown": _("Area unknown")}

PROPOSING, SUPPORTING, DEBATING, VOTING = "proposing", "supporting", "debating", "voting"
ANNOTATING, AMENDING = "annotating", "amending"
STAGES: tuple[str, ...] = (PROPOSING, SUPPORTING, DEBATING, VOTING)
# A process also drafts its bills' texts article by article (legislation): two more stages.
PROCESS_STAGES: tuple[str, ...] = (PROPOSING, SUPPORTING, DEBATING, ANNOTATING, AMENDING, VOTING)
STAGE_LABELS = {
    PROPOSING: _("Proposing"),
    SUPPORTING: _("Supporting"),
    DEBATING: _("Debating"),
    ANNOTATING: _("Annotating the text"),
    AMENDING: _("Amending the text"),
    VOTING: _("Voting"),
}


def cells() -> list[Cell]:
    return [(gender, area) for gender in GENDERS for area in AREAS]


def suppression_threshold(request: HttpRequest | None = None) -> int:
    """The site's threshold (Wagtail settings), or STATS_SUPPRESSION_THRESHOLD when no site answers."""
    from cms.models import DecideSettings  # cms sits below votes; imported late to keep app loading simple

    try:
        if request is not None:
            value = DecideSettings.for_request(request).suppression_threshold
        else:
            from wagtail.models import Site

            site = Site.objects.filter(is_default_site=True).first()
            if site is None:
                return int(settings.STATS_SUPPRESSION_THRESHOLD)
            value = DecideSettings.for_site(site).suppression_threshold
    except Exception:  # no site for this host (tests, scripts): the project default still protects
        return int(settings.STATS_SUPPRESSION_THRESHOLD)
    return max(int(value), 1)


# --- cells of people ---------------------------------------------------------------


def _person_gender(prefix: str) -> Case:
    """SQL for the gender cell of the account at `prefix` (e.g. "author__")."""
    return Case(
        When(**{f"{prefix}census_record__isnull": False}, then=F(f"{prefix}census_record__gender")),
        When(**{f"{prefix}declared_gender__in": ["female", "male", "another"]}, then=F(f"{prefix}declared_gender")),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _person_area(prefix: str) -> Case:
    return Case(
        When(**{f"{prefix}census_record__isnull": False}, then=F(f"{prefix}census_record__area")),
        When(**{f"{prefix}declared_district__isnull": False}, then=F(f"{prefix}declared_district__area")),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _grouped(queryset: QuerySet[Any], person: str | None, gender: Any, area: Any) -> Counts:
    """Distinct persons per cell: one GROUP BY over the stage's rows.

    `person=None` when the rows are already one per person (census records, one
    poll's participations): count(*) then reads the cell index alone, where
    COUNT(DISTINCT) sorts every group (456 ms against 72 ms over 200,000 records).
    """
    rows = (
        queryset.order_by()
        .annotate(cell_gender=gender, cell_area=area)
        .values("cell_gender", "cell_area")
        .annotate(n=Count(person, distinct=True) if person else Count("*"))
        .values_list("cell_gender", "cell_area", "n")
    )
    counts: Counts = dict.fromkeys(cells(), 0)
    for gender_value, area_value, n in rows:
        key = (gender_value if gender_value in GENDERS else UNKNOWN, area_value if area_value in AREAS else UNKNOWN)
        counts[key] += n
    return counts


def _stage_counts(stage: str, proposals: QuerySet[Proposal], participations: QuerySet[Participation]) -> Counts:
    if stage == PROPOSING:
        # Anyone who put a proposal forward, whatever moderation did with it later; drafts are not yet proposals.
        submitted = proposals.exclude(status=ProposalStatus.DRAFT)
        return _grouped(submitted, "author_id", _person_gender("author__"), _person_area("author__"))
    if stage == SUPPORTING:
        supports = Support.objects.filter(proposal__in=proposals)
        return _grouped(supports, "census_record_id", F("census_record__gender"), F("census_record__area"))
    if stage == DEBATING:
        comments = Comment.objects.filter(proposal__in=proposals)
        return _grouped(comments, "author_id", _person_gender("author__"), _person_area("author__"))
    if stage == ANNOTATING:
        annotations = Annotation.objects.filter(draft__proposal__in=proposals)
        return _grouped(
            annotations, "comment__author_id", _person_gender("comment__author__"), _person_area("comment__author__")
        )
    if stage == AMENDING:
        # Whoever proposed or supported an amendment, once each (both need a census record: verified citizens).
        amenders = User.objects.filter(
            Q(amendments__draft__proposal__in=proposals)
            | Q(amendment_supports__amendment__draft__proposal__in=proposals)
        )
        return _grouped(amenders, "id", _person_gender(""), _person_area(""))
    if stage == VOTING:
        # Gender and area are copied onto the participation: no join over the census.
        return _grouped(participations, "census_record_id", F("gender"), F("area"))
    raise ValueError(f"unknown stage {stage!r}")


# Stages whose people are also broken down by the channel they used (online, desk, paper, SMS).
CHANNEL_STAGES = (PROPOSING, SUPPORTING)


def process_channel_counts(process: ProcessPage) -> dict[str, dict[str, Counts]]:
    """Per channel stage, per channel: the distinct people who took part that way, by gender x area.

    A person may use two channels (supporting one proposal by SMS, another on paper): each
    channel counts them once, so channel rows add up to at least the stage's people, never less.
    """
    proposals = Proposal.objects.filter(process=process)
    submitted = proposals.exclude(status=ProposalStatus.DRAFT)
    supports = Support.objects.filter(proposal__in=proposals)
    result: dict[str, dict[str, Counts]] = {PROPOSING: {}, SUPPORTING: {}}
    for channel in ParticipationChannel.values:
        result[PROPOSING][channel] = _grouped(
            submitted.filter(channel=channel), "author_id", _person_gender("author__"), _person_area("author__")
        )
        result[SUPPORTING][channel] = _grouped(
            supports.filter(channel=channel),
            "census_record_id",
            F("census_record__gender"),
            F("census_record__area"),
        )
    return result


# The census changes only on import, and counting a million records takes seconds: kept a day per census stamp.
ELIGIBLE_CACHE_SECONDS = 24 * 60 * 60


def _eligible_key(scope_province: Province | None, scope_district: District | None) -> str:
    from accounts.selectors import census_stamp

    province = scope_province.pk if scope_province is not None else None
    district = scope_district.pk if scope_district is not None else None
    return _eligible_stamped_key(province, district, census_stamp())


def eligible_counts_cached(
    *, scope_province: Province | None = None, scope_district: District | None = None
) -> Counts | None:
    """The eligible counts of a scope if some earlier read cached them for the current census, else None."""
    counts: Counts | None = cache.get(_eligible_key(scope_province, scope_district))
    return counts


def eligible_counts(*, scope_province: Province | None = None, scope_district: District | None = None) -> Counts:
    """The eligible census of a scope, by cell: cached per census stamp (a new record or import recounts)."""
    key = _eligible_key(scope_province, scope_district)
    counts: Counts | None = cache.get(key)
    if counts is None:
        counts = _eligible_counts_uncached(scope_province=scope_province, scope_district=scope_district)
        cache.set(key, counts, ELIGIBLE_CACHE_SECONDS)
    return dict(counts)


def _eligible_records(scope_province: Province | None, scope_district: District | None) -> QuerySet[CensusRecord]:
    try:
        from accounts.selectors import eligible_census

        return eligible_census(scope_province, scope_district)
    except ImportError:  # pragma: no cover - older accounts app
        records = CensusRecord.objects.all()
        if scope_district is not None:
            records = records.filter(district=scope_district)
        elif scope_province is not None:
            records = records.filter(district__province=scope_province)
        return records


def _eligible_counts_uncached(*, scope_province: Province | None, scope_district: District | None) -> Counts:
    """One GROUP BY over the scope's census (census_cell_idx serves it)."""
    return _grouped(_eligible_records(scope_province, scope_district), None, F("gender"), F("area"))


def poll_scope(poll: Poll) -> tuple[Province | None, District | None]:
    """A poll without a scope of its own takes its process's."""
    if poll.scope_district_id or poll.scope_province_id:
        return poll.scope_province, poll.scope_district
    process = poll.process
    return process.scope_province, process.scope_district


def poll_stage_counts(poll: Poll) -> dict[str, Counts]:
    proposals = Proposal.objects.filter(polls=poll)
    participations = Participation.objects.filter(poll=poll)
    # One participation per person and poll (a unique constraint): voters are rows, counted without DISTINCT.
    return {
        stage: poll_turnout_counts(poll) if stage == VOTING else _stage_counts(stage, proposals, participations)
        for stage in STAGES
    }


def process_stage_counts(process: ProcessPage, *, published_votes_only: bool = True) -> dict[str, Counts]:
    """Every stage over the whole process; voting counts polls whose results are out (turnout is not public before)."""
    proposals = Proposal.objects.filter(process=process)
    polls = Poll.objects.filter(process=process)
    if published_votes_only:
        polls = polls.filter(results_published_at__isnull=False)
    participations = Participation.objects.filter(poll__in=polls)
    return {stage: _stage_counts(stage, proposals, participations) for stage in PROCESS_STAGES}


def poll_eligible_counts(poll: Poll) -> Counts:
    province, district = poll_scope(poll)
    return eligible_counts(scope_province=province, scope_district=district)


def poll_eligible_counts_cached(poll: Poll) -> Counts | None:
    province, district = poll_scope(poll)
    return eligible_counts_cached(scope_province=province, scope_district=district)


def process_eligible_counts(process: ProcessPage) -> Counts:
    return eligible_counts(scope_province=process.scope_province, scope_district=process.scope_district)


# --- turnout (live, for administrators) -----------------------------------------------


def poll_turnout_counts(poll: Poll) -> Counts:
    """Participants by cell, web and booth together; kept once the poll has settled (see `_final_figures`)."""
    return dict(_final_figures(poll, "turnout", _turnout_counts_uncached))


def _turnout_counts_uncached(poll: Poll) -> Counts:
    """Participants by cell, web and booth together. Turnout only: never what anyone chose.

    One participation per person and poll (a unique constraint), so rows are people:
    count(*) lets participation_cell_idx answer alone, where COUNT(DISTINCT) would sort.
    """
    counts: Counts = dict.fromkeys(cells(), 0)
    rows = (
        Participation.objects.filter(poll=poll)
        .order_by()
        .values("gender", "area")
        .annotate(n=Count("*"))
        .values_list("gender", "area", "n")
    )
    for gender_value, area_value, n in rows:
        counts[
            (gender_value if gender_value in GENDERS else UNKNOWN, area_value if area_value in AREAS else UNKNOWN)
        ] += n
    return counts


def _eligible_stamped_key(province_id: int | None, district_id: int | None, stamp: str) -> str:
    return f"votes:eligible:{province_id or '-'}:{district_id or '-'}:{stamp}"


def _poll_scope_ids(poll: Poll) -> tuple[int | None, int | None]:
    """`poll_scope` as ids: no query for the province or district rows."""
    if poll.scope_district_id or poll.scope_province_id:
        return poll.scope_province_id, poll.scope_district_id
    process = poll.process
    return process.scope_province_id, process.scope_district_id


def _eligible_records_of(province_id: int | None, district_id: int | None) -> QuerySet[CensusRecord]:
    """`accounts.selectors.eligible_census` by ids (the live figures' tests hold the two equal)."""
    if district_id is not None:
        return CensusRecord.objects.filter(district_id=district_id)
    if province_id is not None:
        return CensusRecord.objects.filter(district__province_id=province_id)
    return CensusRecord.objects.all()


def _cell_key(gender: Any, area: Any) -> Cell:
    return (gender if gender in GENDERS else UNKNOWN, area if area in AREAS else UNKNOWN)


def poll_live_turnout(poll: Poll) -> tuple[Counts, Counts]:
    """Turnout and the eligible census, by cell: the live dashboard's figures (its page and its socket).

    While the poll is open nothing is kept but the census denominators, under the
    census stamp. Cold (no denominators known for the scope) the turnout GROUP BY,
    the census GROUP BY and the census stamp go to the database as ONE statement
    (UNION ALL): the same index scans as counting each by hand, one round trip
    instead of two. Warm, the statement carries the turnout and the stamp only, and
    the census is counted again only when the stamp moved (an import, a new record).
    Turnout only: never what anyone chose. A settled poll takes the figures kept for it.
    """
    if _settled(poll):
        return poll_turnout_counts(poll), poll_eligible_counts(poll)
    province, district = _poll_scope_ids(poll)
    latest_key = _eligible_stamped_key(province, district, "latest")
    known: tuple[str, Counts] | None = cache.get(latest_key)
    label, number, moment = CharField(), IntegerField(), DateTimeField()
    columns = ("part", "cell_gender", "cell_area", "n", "stamp_import", "stamp_finish")
    no_stamp = {"stamp_import": Value(None, output_field=number), "stamp_finish": Value(None, output_field=moment)}
    turnout_rows = (
        Participation.objects.filter(poll=poll)
        .order_by()
        .values("gender", "area")
        .annotate(n=Count("*"), part=Value("turnout", output_field=label), **no_stamp)
        .annotate(cell_gender=F("gender"), cell_area=F("area"))
        .values_list(*columns)
    )
    stamp = census_stamp_columns()
    stamp_row = (
        Poll.objects.filter(pk=poll.pk)
        .order_by()
        .annotate(
            part=Value("stamp", output_field=label),
            cell_gender=Value(None, output_field=label),
            cell_area=Value(None, output_field=label),
            n=stamp["newest_record"],
            stamp_import=stamp["newest_import"],
            stamp_finish=stamp["newest_finish"],
        )
        .values_list(*columns)
    )
    parts: list[QuerySet[Any, Any]] = [stamp_row]
    if known is None:
        parts.append(
            _eligible_records_of(province, district)
            .order_by()
            .values("gender", "area")
            .annotate(n=Count("*"), part=Value("eligible", output_field=label), **no_stamp)
            .annotate(cell_gender=F("gender"), cell_area=F("area"))
            .values_list(*columns)
        )
    turnout: Counts = dict.fromkeys(cells(), 0)
    counted: Counts = dict.fromkeys(cells(), 0)
    stamp_of = ""
    for part, gender_value, area_value, n, newest_import, newest_finish in turnout_rows.union(*parts, all=True):
        if part == "stamp":
            stamp_of = census_stamp_of(
                {"newest_record": n, "newest_import": newest_import, "newest_finish": newest_finish}
            )
        else:
            (turnout if part == "turnout" else counted)[_cell_key(gender_value, area_value)] += n
    if known is None:
        eligible = counted
    elif known[0] == stamp_of:
        eligible = dict(known[1])
    else:
        stamped: Counts | None = cache.get(_eligible_stamped_key(province, district, stamp_of))
        eligible = (
            dict(stamped)
            if stamped is not None
            else _grouped(_eligible_records_of(province, district), None, F("gender"), F("area"))
        )
    cache.set_many(
        {_eligible_stamped_key(province, district, stamp_of): eligible, latest_key: (stamp_of, eligible)},
        ELIGIBLE_CACHE_SECONDS,
    )
    return turnout, dict(eligible)


# --- results by cell ------------------------------------------------------------------


# Casts that passed the open check just before the close get this long to commit (as for the shuffle).
CLOSED_GRACE = timedelta(minutes=2)
CLOSED_CACHE_SECONDS = 24 * 60 * 60


def _settled(poll: Poll) -> bool:
    """Closed long enough that no web ballot or participation can still arrive: its figures are final."""
    return bool(poll.closes_at <= timezone.now() - CLOSED_GRACE)


def _final_figures(poll: Poll, name: str, compute: Callable[[Poll], T]) -> T:
    """`compute(poll)`, kept once the poll has settled: a million-ballot GROUP BY is read once, not per viewer.

    The key carries the close time, so a poll whose close is moved starts afresh.
    """
    if not _settled(poll):
        return compute(poll)
    key = f"votes:final:{name}:{poll.pk}:{poll.closes_at.timestamp()}"
    value: T | None = cache.get(key)
    if value is None:
        value = compute(poll)
        cache.set(key, value, CLOSED_CACHE_SECONDS)
    return value


def poll_web_breakdown(poll: Poll) -> dict[int, Counts]:
    """Web choices by option and cell: one GROUP BY on ballot_choice_cell_idx, kept once the poll has settled."""
    return {option: dict(counts) for option, counts in _final_figures(poll, "web", _web_breakdown_uncached).items()}


def _web_breakdown_uncached(poll: Poll) -> dict[int, Counts]:
    breakdown: dict[int, Counts] = {}
    rows = (
        BallotChoice.objects.filter(poll=poll)
        .order_by()
        .values_list("option_id", "gender", "area")
        .annotate(n=Count("*"))  # count(id) would make PostgreSQL read the heap: count(*) stays index-only
    )
    for option_id, gender, area, n in rows:
        counts = breakdown.setdefault(option_id, dict.fromkeys(cells(), 0))
        key = (gender if gender in GENDERS else UNKNOWN, area if area in AREAS else UNKNOWN)
        counts[key] += n
    return breakdown


def poll_booth_option_totals(poll: Poll) -> dict[int, int]:
    """Paper ballots by option: the newest tally of each booth and option, summed, in one query."""
    newest = (
        BoothTally.objects.filter(booth=OuterRef("booth"), option=OuterRef("option"))
        .order_by("-entered_at", "-id")
        .values("id")[:1]
    )
    rows = (
        BoothTally.objects.filter(booth__poll=poll)
        .filter(id=Subquery(newest))
        .order_by()
        .values("option_id")
        .annotate(total=Sum("count"))
        .values_list("option_id", "total")
    )
    return {option_id: int(total or 0) for option_id, total in rows}


def poll_results_breakdown(poll: Poll) -> dict[int, dict[str, Any]]:
    """Per option: web counts by cell, the booth (unattributed) count and the total. Raw: not suppressed.

    Two grouped queries whatever the number of ballots; the benchmark times this
    against the bare GROUP BY.
    """
    web = poll_web_breakdown(poll)
    booth = poll_booth_option_totals(poll)
    result: dict[int, dict[str, Any]] = {}
    for option_id in Option.objects.filter(question__poll=poll).values_list("id", flat=True):
        by_cell = web.get(option_id, dict.fromkeys(cells(), 0))
        web_total = sum(by_cell.values())
        unattributed = booth.get(option_id, 0)
        result[option_id] = {
            "cells": by_cell,
            "web": web_total,
            "unattributed": unattributed,
            "total": web_total + unattributed,
        }
    return result


def poll_booth_voter_counts(poll: Poll) -> Counts:
    """Booth voters by cell (recorded by officers): never published, but the disclosure model needs them."""
    return dict(_final_figures(poll, "booth_voters", _booth_voter_counts_uncached))


def _booth_voter_counts_uncached(poll: Poll) -> Counts:
    counts: Counts = dict.fromkeys(cells(), 0)
    rows = (
        Participation.objects.filter(poll=poll, channel=Channel.BOOTH)
        .order_by()
        .values_list("gender", "area")
        .annotate(n=Count("*"))
    )
    for gender_value, area_value, n in rows:
        counts[
            (gender_value if gender_value in GENDERS else UNKNOWN, area_value if area_value in AREAS else UNKNOWN)
        ] += n
    return counts


Combination = tuple[int, ...]


def poll_web_combinations(poll: Poll) -> dict[Combination, Counts]:
    """Web ballots by the set of options they chose (sorted ids) and cell, kept once the poll has settled.

    The bulletin publishes every ballot's whole choice, so a reader knows how many
    ballots chose each combination: the disclosure model needs the same figures by cell.
    With one single-choice question a combination is an option (no extra query).
    """
    return {combo: dict(counts) for combo, counts in _final_figures(poll, "combinations", _combinations).items()}


def _combinations(poll: Poll) -> dict[Combination, Counts]:
    questions = list(poll.questions.values_list("max_choices", flat=True))
    if len(questions) == 1 and questions[0] == 1:
        return {(option_id,): counts for option_id, counts in poll_web_breakdown(poll).items()}
    result: dict[Combination, Counts] = {}
    rows = (
        BallotChoice.objects.filter(poll=poll)
        .order_by("ballot_id", "option_id")
        .values_list("ballot_id", "option_id", "gender", "area")
        .iterator(chunk_size=5000)
    )
    current: Any = None
    chosen: list[int] = []
    cell: Cell = (UNKNOWN, UNKNOWN)

    def flush() -> None:
        if chosen:
            counts = result.setdefault(tuple(chosen), dict.fromkeys(cells(), 0))
            counts[cell] += 1

    for ballot_id, option_id, gender, area in rows:
        if ballot_id != current:
            flush()
            current, chosen = ballot_id, []
            cell = (gender if gender in GENDERS else UNKNOWN, area if area in AREAS else UNKNOWN)
        chosen.append(option_id)
    flush()
    return result
