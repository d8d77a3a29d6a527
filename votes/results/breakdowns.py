"""People by age band and voters by voting channel, for a process's inclusion statistics (grouped SQL, raw counts).

The band comes from the census birth date of the person's census record, on the
day the figures are read (16-29, 30-44, 45-64, 65 and over); a person without a
census record (an unverified proposer or commenter) is "age unknown". No birth
date leaves this module: only counts per band. What the public reads of these
counts goes through the same disclosure decision as every other figure
(`votes.results.figures`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Case, CharField, Count, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CensusRecord
from proposals.models import Comment, ProcessPage, Proposal, ProposalStatus, Support
from votes.models import Channel, Participation, Poll
from votes.results.stats import AREAS, DEBATING, GENDERS, PROPOSING, SUPPORTING, UNKNOWN, VOTING, Counts, cells

YOUNG, ADULT, MIDDLE, OLDER = "16-29", "30-44", "45-64", "65+"
UNKNOWN_AGE = "unknown"
AGE_BANDS: tuple[str, ...] = (YOUNG, ADULT, MIDDLE, OLDER, UNKNOWN_AGE)
AGE_LABELS = {
    YOUNG: _("16 to 29 years"),
    ADULT: _("30 to 44 years"),
    MIDDLE: _("45 to 64 years"),
    OLDER: _("65 years and over"),
    UNKNOWN_AGE: _("Age unknown"),
}
# The stages broken down by age: every one of them names people (annotating and amending are not, yet).
AGE_STAGES: tuple[str, ...] = (PROPOSING, SUPPORTING, DEBATING, VOTING)
BandCounts = dict[str, int]
# Counting a million census records by band takes seconds: kept a day per census stamp and day.
ELIGIBLE_AGES_CACHE_SECONDS = 24 * 60 * 60


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def age_band(birth_date: date, on: date) -> str:
    """The band of someone born on `birth_date`, on the day `on` (the same cut-offs as the SQL below)."""
    for band, years in ((YOUNG, 30), (ADULT, 45), (MIDDLE, 65)):
        if birth_date > _years_before(on, years):
            return band
    return OLDER


def _band_sql(field: str, on: date) -> Case:
    """SQL for the band of the birth date at `field` (NULL: no census record, so unknown)."""
    return Case(
        When(**{f"{field}__isnull": True}, then=Value(UNKNOWN_AGE)),
        When(**{f"{field}__gt": _years_before(on, 30)}, then=Value(YOUNG)),
        When(**{f"{field}__gt": _years_before(on, 45)}, then=Value(ADULT)),
        When(**{f"{field}__gt": _years_before(on, 65)}, then=Value(MIDDLE)),
        default=Value(OLDER),
        output_field=CharField(),
    )


def _by_band(queryset: QuerySet[Any], birth_field: str, person: str | None, on: date) -> BandCounts:
    rows = (
        queryset.order_by()
        .annotate(age_band=_band_sql(birth_field, on))
        .values("age_band")
        .annotate(n=Count(person, distinct=True) if person else Count("*"))
        .values_list("age_band", "n")
    )
    counts = dict.fromkeys(AGE_BANDS, 0)
    for band, n in rows:
        counts[band if band in counts else UNKNOWN_AGE] += n
    return counts


def _published_participations(process: ProcessPage) -> QuerySet[Participation]:
    """Voters count only for polls whose results are out (turnout is not public before)."""
    polls = Poll.objects.filter(process=process, results_published_at__isnull=False)
    return Participation.objects.filter(poll__in=polls)


def process_age_counts(process: ProcessPage, on: date | None = None) -> dict[str, BandCounts]:
    """Per stage, the distinct people of the process by age band (one GROUP BY each)."""
    on = on or timezone.localdate()
    proposals = Proposal.objects.filter(process=process)
    submitted = proposals.exclude(status=ProposalStatus.DRAFT)
    return {
        PROPOSING: _by_band(submitted, "author__census_record__birth_date", "author_id", on),
        SUPPORTING: _by_band(
            Support.objects.filter(proposal__in=proposals), "census_record__birth_date", "census_record_id", on
        ),
        DEBATING: _by_band(
            Comment.objects.filter(proposal__in=proposals), "author__census_record__birth_date", "author_id", on
        ),
        VOTING: _by_band(_published_participations(process), "census_record__birth_date", "census_record_id", on),
    }


def eligible_age_counts(records: QuerySet[CensusRecord], key: str, on: date | None = None) -> BandCounts:
    """The eligible census by band, cached per census stamp and day under `key` (the scope)."""
    from accounts.selectors import census_stamp

    on = on or timezone.localdate()
    cache_key = f"votes:eligible-ages:{key}:{census_stamp()}:{on.isoformat()}"
    counts: BandCounts | None = cache.get(cache_key)
    if counts is None:
        counts = _by_band(records, "birth_date", None, on)
        cache.set(cache_key, counts, ELIGIBLE_AGES_CACHE_SECONDS)
    return dict(counts)


def process_eligible_age_counts(process: ProcessPage, on: date | None = None) -> BandCounts:
    from accounts.selectors import eligible_census

    records = eligible_census(process.scope_province, process.scope_district)
    key = f"{process.scope_province_id or '-'}:{process.scope_district_id or '-'}"
    return eligible_age_counts(records, key, on)


def process_vote_channel_counts(process: ProcessPage) -> dict[str, Counts]:
    """Voters of the process's published polls by how they voted (online, at a booth) and gender x area.

    A person who voted online in one poll and at a booth in another counts once in each channel.
    """
    result: dict[str, Counts] = {}
    participations = _published_participations(process)
    for channel in Channel.values:
        counts = dict.fromkeys(cells(), 0)
        rows = (
            participations.filter(channel=channel)
            .order_by()
            .values("gender", "area")
            .annotate(n=Count("census_record_id", distinct=True))
            .values_list("gender", "area", "n")
        )
        for gender, area, n in rows:
            counts[(gender if gender in GENDERS else UNKNOWN, area if area in AREAS else UNKNOWN)] += n
        result[channel] = counts
    return result
