"""Shared steps of the voting tests: a citizen walking through the ballot pages like a person would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from votes.models import Option, Poll


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    """Pages in the source language, whatever translations are compiled: tests read English words.

    Autouse in every module that imports it.
    """
    settings.LANGUAGE_CODE = "en"
    yield


RECEIPT = re.compile(r'id="receipt-code">([A-Z2-7]{4}(?:-[A-Z2-7]{4}){4})<')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def options(poll: Poll) -> list[Option]:
    return list(Option.objects.filter(question__poll=poll).order_by("question__position", "position"))


def ballot_token(client: Client, poll: Poll) -> str:
    response = client.get(reverse("votes:ballot", args=[poll.pk]))
    assert response.status_code == 200, response.content
    match = TOKEN.search(response.content.decode())
    assert match
    return match.group(1)


def review(client: Client, poll: Poll, choice: Option, token: str) -> Any:
    return client.post(
        reverse("votes:ballot", args=[poll.pk]), {"token": token, f"q{choice.question_id}": str(choice.pk)}
    )


def confirm(client: Client, poll: Poll, data: dict[str, Any]) -> Any:
    return client.post(reverse("votes:ballot_confirm", args=[poll.pk]), data)


def vote(client: Client, poll: Poll, choice: Option) -> tuple[Any, str | None]:
    """Open the ballot, review, confirm. Returns the confirming response and the receipt code shown."""
    token = ballot_token(client, poll)
    reviewed = review(client, poll, choice, token)
    assert reviewed.status_code == 200, reviewed.content
    response = confirm(client, poll, {"token": token, f"q{choice.question_id}": str(choice.pk)})
    match = RECEIPT.search(response.content.decode())
    return response, match.group(1) if match else None


def close(poll: Poll) -> None:
    """Move the poll's calendar so that it has closed (the check constraint wants closes > opens)."""
    now = timezone.now()
    Poll.objects.filter(pk=poll.pk).update(opens_at=now - timedelta(days=2), closes_at=now - timedelta(minutes=1))
    poll.refresh_from_db()
