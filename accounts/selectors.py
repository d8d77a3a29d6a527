"""Reads of districts, the census and verification state, shared by views, services and other apps."""

from __future__ import annotations

from datetime import date

from .census import document_hash
from .models import CensusRecord


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
