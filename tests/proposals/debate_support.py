"""Shared helpers for the debate and live-socket tests."""

from __future__ import annotations

import json
from typing import Any

from accounts.roles import MODERATOR
from tests.factories import CommentFactory, ProposalFactory, UserFactory


def moderator() -> Any:
    return UserFactory(roles=[MODERATOR])


def proposal(**fields: Any) -> Any:
    return ProposalFactory(**fields)


def comment(**fields: Any) -> Any:
    return CommentFactory(**fields)


def decode(text: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(text)
    return event
