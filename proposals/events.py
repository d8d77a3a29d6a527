"""What is pushed live to the viewers of a proposal (group `Proposal.live_group`).

Each event kind is a typed payload (a frozen dataclass whose fields are the event's
`data`, with its `kind`): a changed field fails `tests/proposals/test_event_types.py`,
not a browser. Every event is logged as a `ProposalEvent` (its id is the event id a
reconnecting viewer sends back to catch up, and travels in the envelope's `id`) and sent
to the group only after commit. Call these from services only, inside their transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self

from django.conf import settings
from django.utils import translation

from decide.cache_pages import HOME_SCOPE, touch_after_commit
from decide.live.publish import LiveEvent, encode_live_event, send_after_commit

from .models import Comment, Proposal, ProposalEvent


@dataclass(frozen=True)
class SupportsChanged:
    proposal: int
    count: int
    kind: ClassVar[Literal["proposal.supports"]] = "proposal.supports"


@dataclass(frozen=True)
class StatusChanged:
    proposal: int
    status: str
    label: str
    labels: dict[str, str]  # one per site language
    kind: ClassVar[Literal["proposal.status"]] = "proposal.status"


@dataclass(frozen=True)
class PollResultsPublished:
    """A poll this proposal was put to has published its results (sent by votes, which sits above)."""

    poll: int
    title: str
    url: str
    kind: ClassVar[Literal["poll.results"]] = "poll.results"


# --- debate (proposals.debate.services) -----------------------------------------------
# Comment HTML comes rendered by the page's own templates, once per site language,
# so the client inserts it as is and every viewer sees what a page load would show.


@dataclass(frozen=True)
class _CommentShown:
    """A comment whose words are shown, where it sits in its thread; `html` is the comment without its replies."""

    comment: int
    parent: int | None
    pinned: bool
    html: dict[str, str]

    @classmethod
    def of(cls, comment: Comment, html: dict[str, str]) -> Self:
        return cls(comment=comment.pk, parent=comment.parent_id, pinned=comment.is_pinned, html=html)


@dataclass(frozen=True)
class CommentCreated(_CommentShown):
    kind: ClassVar[Literal["comment.created"]] = "comment.created"


@dataclass(frozen=True)
class CommentEdited(_CommentShown):
    """Its words, stance, official mark or pin changed."""

    kind: ClassVar[Literal["comment.edited"]] = "comment.edited"


@dataclass(frozen=True)
class CommentRemoved:
    """Hidden by moderators, deleted by its author, or its author blocked: `html` is what stays in its place."""

    comment: int
    reason: str
    html: dict[str, str]
    kind: ClassVar[Literal["comment.removed"]] = "comment.removed"


@dataclass(frozen=True)
class CommentRestored(_CommentShown):
    kind: ClassVar[Literal["comment.restored"]] = "comment.restored"


@dataclass(frozen=True)
class CommentReactions:
    comment: int
    agree: int
    disagree: int
    kind: ClassVar[Literal["comment.reactions"]] = "comment.reactions"


@dataclass(frozen=True)
class DebateLockChanged:
    proposal: int
    locked: bool
    message: dict[str, str]  # one per site language
    kind: ClassVar[Literal["debate.locked"]] = "debate.locked"


ProposalLiveEvent = (
    SupportsChanged
    | StatusChanged
    | PollResultsPublished
    | CommentCreated
    | CommentEdited
    | CommentRemoved
    | CommentRestored
    | CommentReactions
    | DebateLockChanged
)
EVENT_TYPES: tuple[type[LiveEvent], ...] = (
    SupportsChanged,
    StatusChanged,
    PollResultsPublished,
    CommentCreated,
    CommentEdited,
    CommentRemoved,
    CommentRestored,
    CommentReactions,
    DebateLockChanged,
)


def publish(proposal: Proposal, event: ProposalLiveEvent) -> ProposalEvent:
    """Log the event and queue it for the proposal's viewers once the transaction commits."""
    row = ProposalEvent.objects.create(proposal=proposal, kind=event.kind, text="")
    row.text = encode_live_event(event, event_id=row.pk)
    row.save(update_fields=["text"])
    send_after_commit(proposal.live_group, row.text, event_id=row.pk)
    # The process's list shows the proposal too (its count, status, presence): its cached pages go stale;
    # the home page lists proposals that just qualified and links to results.
    touch_after_commit(process_cache_scope(proposal.process_id))
    if isinstance(event, StatusChanged | PollResultsPublished):
        touch_after_commit(HOME_SCOPE)
    return row


def process_cache_scope(process_id: int) -> str:
    """The page-cache scope of a process's own pages (decide.cache_pages), changed by any of its proposals' events."""
    return f"process.{process_id}"


def support_count_changed(proposal: Proposal) -> ProposalEvent:
    return publish(proposal, SupportsChanged(proposal=proposal.pk, count=proposal.support_count))


def status_changed(proposal: Proposal) -> ProposalEvent:
    return publish(
        proposal,
        StatusChanged(
            proposal=proposal.pk,
            status=proposal.status,
            label=str(proposal.get_status_display()),
            labels=_status_labels(proposal),
        ),
    )


def _status_labels(proposal: Proposal) -> dict[str, str]:
    # One label per site language: the event goes to every viewer, whatever language the actor uses.
    labels: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = str(proposal.get_status_display())
    return labels


def poll_results_published(proposal: Proposal, event: PollResultsPublished) -> ProposalEvent:
    return publish(proposal, event)


def comment_created(comment: Comment, html: dict[str, str]) -> ProposalEvent:
    return publish(comment.proposal, CommentCreated.of(comment, html))


def comment_edited(comment: Comment, html: dict[str, str]) -> ProposalEvent:
    return publish(comment.proposal, CommentEdited.of(comment, html))


def comment_removed(comment: Comment, html: dict[str, str], *, reason: str) -> ProposalEvent:
    return publish(comment.proposal, CommentRemoved(comment=comment.pk, reason=reason, html=html))


def comment_restored(comment: Comment, html: dict[str, str]) -> ProposalEvent:
    return publish(comment.proposal, CommentRestored.of(comment, html))


def comment_reactions(comment: Comment) -> ProposalEvent:
    return publish(
        comment.proposal,
        CommentReactions(comment=comment.pk, agree=comment.agree_count, disagree=comment.disagree_count),
    )


def debate_lock_changed(proposal: Proposal, message: dict[str, str]) -> ProposalEvent:
    return publish(proposal, DebateLockChanged(proposal=proposal.pk, locked=proposal.debate_locked, message=message))
