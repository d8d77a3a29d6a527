"""Fixtures for the census tests: census files written on the fly (districts: la_libertad in tests/conftest.py)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pytest
from django.utils import translation

CensusFile = Callable[..., Path]
HEADER = ("document_number", "birth_date", "district_code", "gender")


@pytest.fixture(autouse=True)
def _english(english: None) -> Iterator[None]:
    """These tests read the English source strings (the shared `english` fixture), in code outside requests too."""
    with translation.override("en"):
        yield


@pytest.fixture
def census_file(tmp_path: Path) -> CensusFile:
    """Write rows to a CSV file: census_file(rows, header=..., encoding=..., name=...)."""
    counter = iter(range(1_000_000))

    def write(
        rows: Iterable[Sequence[str]],
        *,
        header: Sequence[str] | None = HEADER,
        encoding: str = "utf-8",
        delimiter: str = ",",
        name: str | None = None,
    ) -> Path:
        path = tmp_path / (name or f"census-{next(counter)}.csv")
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            if header is not None:
                writer.writerow(header)
            writer.writerows(rows)
        return path

    return write
