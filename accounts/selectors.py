"""Reads of districts, the census and verification state, shared by views, services and other apps."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet, Subquery

from .census import document_hash
from .models import CensusImport, CensusRecord, District, Province, User


def census_record_lookup(*, document_number: str, birth_date: date) -> CensusRecord | None:
    """The census record matching this document and birth date, or None.

    Both must match: a document number alone never identifies a person here, so a
    wrong birth date looks exactly like an unknown document.
    """
    return (
        CensusRecord.objects.select_related("district__province")
        .filter(document_hash=document_hash(document_number), birth_date=birth_date)
        .first()
    )


def census_record_for(document_number: str, birth_date: date) -> CensusRecord | None:
    """Positional alias of `census_record_lookup`."""
    return census_record_lookup(document_number=document_number, birth_date=birth_date)


def eligible_census(
    scope_province: Province | None = None, scope_district: District | None = None
) -> QuerySet[CensusRecord]:
    """The eligible residents of a scope (the whole census when no scope is given).

    Support thresholds and poll eligibility count these rows, not accounts: a person
    counts once whether or not, and however often, they signed up.
    """
    records = CensusRecord.objects.all()
    if scope_district is not None:
        records = records.filter(district=scope_district)
    elif scope_province is not None:
        records = records.filter(district__province=scope_province)
    return records


def census_stamp_columns() -> dict[str, Subquery[Any]]:
    """Subqueries for the census stamp, for callers that fold it into a query of their own."""
    finished = CensusImport.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id")
    return {
        "newest_record": Subquery(CensusRecord.objects.order_by("-id").values("id")[:1]),
        "newest_import": Subquery(finished.values("id")[:1]),
        "newest_finish": Subquery(finished.values("finished_at")[:1]),
    }


def census_stamp_of(row: dict[str, Any]) -> str:
    """The stamp from the values of `census_stamp_columns`."""
    finish = row["newest_finish"]
    return f"{row['newest_record'] or 0}.{row['newest_import'] or 0}@{finish.timestamp() if finish else '-'}"


def census_stamp() -> str:
    """A string that changes whenever the census may have: its newest record and its newest finished import.

    Two index lookups, cheap enough for any request: caches of census aggregates
    (eligible counts) key on it, so an import or a new record invalidates them
    without anyone having to remember to.
    """
    newest_import = (
        CensusImport.objects.filter(finished_at__isnull=False)
        .order_by("-finished_at", "-id")
        .values("id", "finished_at")
        .first()
    )
    return census_stamp_of(
        {
            "newest_record": CensusRecord.objects.order_by("-id").values_list("id", flat=True).first(),
            "newest_import": newest_import["id"] if newest_import else None,
            "newest_finish": newest_import["finished_at"] if newest_import else None,
        }
    )


def account_for_census_record(record: CensusRecord) -> User | None:
    return User.objects.filter(census_record=record).first()


def districts_for_choice() -> QuerySet[District]:
    return District.objects.select_related("province").order_by("province__name", "name")


def census_imports_recent(*, limit: int = 50) -> QuerySet[CensusImport]:
    return CensusImport.objects.select_related("started_by").order_by("-created_at")[:limit]
