"""What is pushed live to the readers of a bill (group `legislation.<draft id>`).

Each event is a typed payload (a frozen dataclass: a changed field fails a test, not a
browser), logged as a `DraftEvent` whose id a reconnecting reader sends back to catch
up, and sent to the group only after commit. Called from legislation.services only,
inside their transaction. HTML comes rendered once per site language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from decide.live.publish import encode_event, send_after_commit

from .models import Draft, DraftEvent


@dataclass(frozen=True)
class AnnotationCreated:
    section: str  # the section's stable key
    annotation: int
    count: int
    heat: int
    html: dict[str, str]
    kind = "annotation.created"


@dataclass(frozen=True)
class AmendmentSupports:
    amendment: int
    section: str
    count: int
    kind = "amendment.supports"


@dataclass(frozen=True)
class AmendmentDecided:
    amendment: int
    section: str
    status: str
    labels: dict[str, str]
    kind = "amendment.decided"


@dataclass(frozen=True)
class VersionCreated:
    number: int
    url: str
    message: dict[str, str]
    kind = "version.created"


LegislationEvent = AnnotationCreated | AmendmentSupports | AmendmentDecided | VersionCreated


def publish(draft: Draft, event: LegislationEvent) -> DraftEvent:
    """Log the event and queue it for the bill's readers once the transaction commits."""
    row = DraftEvent.objects.create(draft=draft, kind=event.kind, text="")
    row.text = encode_event(event_id=row.pk, kind=event.kind, data=asdict(event))
    row.save(update_fields=["text"])
    send_after_commit(draft.live_group, row.text, event_id=row.pk)
    return row
