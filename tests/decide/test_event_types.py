"""Every live event kind is a typed payload; changing one must fail here, not in a viewer's browser.

The table below is the contract with the pages' scripts (static/js/): kind → field → type.
A field added, removed, renamed or retyped in proposals.events or votes.events fails the
first test until the table (and the scripts that read it) are changed on purpose.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

import pytest

from decide.live.publish import LiveEnvelope, encode_live_event
from proposals import events as proposal_events
from votes import events as vote_events

CONTRACT: dict[str, dict[str, str]] = {
    "proposal.supports": {"proposal": "int", "count": "int"},
    "proposal.status": {"proposal": "int", "status": "str", "label": "str", "labels": "dict[str, str]"},
    "poll.results": {"poll": "int", "title": "str", "url": "str"},
    "comment.created": {"comment": "int", "parent": "int | None", "pinned": "bool", "html": "dict[str, str]"},
    "comment.edited": {"comment": "int", "parent": "int | None", "pinned": "bool", "html": "dict[str, str]"},
    "comment.removed": {"comment": "int", "reason": "str", "html": "dict[str, str]"},
    "comment.restored": {"comment": "int", "parent": "int | None", "pinned": "bool", "html": "dict[str, str]"},
    "comment.reactions": {"comment": "int", "agree": "int", "disagree": "int"},
    "debate.locked": {"proposal": "int", "locked": "bool", "message": "dict[str, str]"},
    "poll.turnout": {"poll": "int", "rows": "list[dict[str, Any]]"},
}

EVENT_TYPES: set[Any] = {*proposal_events.EVENT_TYPES, *vote_events.EVENT_TYPES}


def _shape(event_type: Any) -> dict[str, str]:
    return {field.name: str(field.type) for field in dataclasses.fields(event_type)}


def test_every_event_kind_matches_the_contract() -> None:
    assert {event_type.kind: _shape(event_type) for event_type in EVENT_TYPES} == CONTRACT


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES, key=lambda t: t.kind), ids=lambda t: t.kind)
def test_each_payload_is_a_frozen_dataclass_with_a_literal_kind(event_type: Any) -> None:
    assert dataclasses.is_dataclass(event_type) and event_type.__dataclass_params__.frozen
    hints = typing.get_type_hints(event_type, include_extras=True)
    assert typing.get_origin(hints["kind"]) is typing.ClassVar
    (literal,) = typing.get_args(hints["kind"])
    assert typing.get_args(literal) == (event_type.kind,)


def test_encoded_event_has_the_documented_shape_and_the_envelope_documents_the_id() -> None:
    text = encode_live_event(proposal_events.SupportsChanged(proposal=7, count=3), event_id=41)
    assert json.loads(text) == {"id": 41, "kind": "proposal.supports", "data": {"proposal": 7, "count": 3}}
    assert set(typing.get_type_hints(LiveEnvelope)) == {"type", "id", "text"}
    assert "`id`" in (LiveEnvelope.__doc__ or "")
