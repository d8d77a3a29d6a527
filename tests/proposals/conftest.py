"""Fixtures for the proposals tests (opt-in: nothing here is autouse)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def pages_in_english(settings: Any) -> None:
    """Pages in the source language, so tests read the English strings they assert."""
    settings.LANGUAGE_CODE = "en"
