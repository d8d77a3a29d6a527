"""Reads for the debate: the thread as a tree, the viewer's reactions, the moderators' queue."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch

from proposals.models import Comment, CommentReaction, Flag, Proposal

# Top-level comments per page of the debate (with all their replies), as many as proposals per list
# page: rendering is most of a proposal page's cost, so a long debate stays a light page for a cheap phone.
COMMENTS_PER_PAGE = 20


@dataclass(frozen=True)
class _Outline:
    """The shape of a debate without its words: which comments stay, and in what order."""

    pinned: list[int]  # shown top-level comments pinned by a moderator: first on the newest page
    others: list[int]  # the other top-level comments that stay, oldest first
    children: dict[int, list[int]]  # comment id -> ids of its replies that stay, oldest first
    parents: dict[int, int | None]  # every comment id -> its parent id
    shown: int  # comments whose words are shown (what the debate's count says)


@dataclass(frozen=True)
class ThreadPage:
    """One page of the debate: `comments` are top-level, each with `thread_replies` filled in.

    Page 1 holds the newest top-level comments (pinned ones first); higher numbers go
    back in time. Within a page the conversation reads oldest first.
    """

    comments: list[Comment]
    number: int
    num_pages: int
    shown_count: int = 0  # the whole debate's shown comments, as `debate_comment_count` counts them

    @property
    def has_older(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_newer(self) -> bool:
        return self.number > 1

    @property
    def older_number(self) -> int:
        return self.number + 1

    @property
    def newer_number(self) -> int:
        return self.number - 1


def _outline(proposal: Proposal) -> _Outline:
    """One light query (ids, dates and flags, no bodies) for the whole debate.

    A comment that is hidden, or whose author is blocked, leaves the thread unless
    others answered it: then a placeholder keeps the replies readable. A deleted
    comment always leaves its "deleted" mark.
    """
    rows = list(
        Comment.objects.filter(proposal=proposal)
        .order_by("created_at", "id")
        .values_list("id", "parent_id", "is_pinned", "deleted_at", "hidden_at", "author__blocked_at")
    )
    parents: dict[int, int | None] = {row[0]: row[1] for row in rows}
    kept: set[int] = set()
    shown = 0
    for pk, _parent_id, _pinned, deleted_at, hidden_at, blocked_at in rows:
        shown += deleted_at is None and hidden_at is None and blocked_at is None
        if deleted_at is None and (hidden_at is not None or blocked_at is not None):
            continue  # stays only as the placeholder of kept replies (marked from below)
        # A kept comment keeps the chain it answers; stop where an ancestor is already kept.
        node: int | None = pk
        while node is not None and node not in kept:
            kept.add(node)
            node = parents.get(node)
    pinned: list[int] = []
    others: list[int] = []
    children: dict[int, list[int]] = {}
    for pk, parent_id, is_pinned, deleted_at, hidden_at, blocked_at in rows:
        if pk not in kept:
            continue
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
        elif is_pinned and deleted_at is None and hidden_at is None and blocked_at is None:
            pinned.append(pk)
        else:
            others.append(pk)
    return _Outline(pinned=pinned, others=others, children=children, parents=parents, shown=shown)


def _num_pages(outline: _Outline) -> int:
    return max(1, ceil(len(outline.others) / COMMENTS_PER_PAGE))


def debate_thread_page(proposal: Proposal, number: int = 1) -> ThreadPage:
    """Page `number` (1 = newest; out of range = the nearest page) of the debate: two queries whatever its size."""
    outline = _outline(proposal)
    num_pages = _num_pages(outline)
    number = min(max(1, number), num_pages)
    end = len(outline.others) - (number - 1) * COMMENTS_PER_PAGE
    top_ids = outline.others[max(0, end - COMMENTS_PER_PAGE) : end]
    if number == 1:
        top_ids = outline.pinned + top_ids
    wanted: list[int] = []
    pending = list(top_ids)
    while pending:
        pk = pending.pop()
        wanted.append(pk)
        pending.extend(outline.children.get(pk, ()))
    by_id = {c.pk: c for c in Comment.objects.filter(pk__in=wanted).select_related("author")}
    for comment in by_id.values():
        comment.proposal = proposal  # the predicates read it: no query per comment
        comment.thread_replies = [by_id[r] for r in outline.children.get(comment.pk, ()) if r in by_id]  # type: ignore[attr-defined]
    return ThreadPage(
        comments=[by_id[pk] for pk in top_ids if pk in by_id],
        number=number,
        num_pages=num_pages,
        shown_count=outline.shown,
    )


def debate_thread(proposal: Proposal) -> list[Comment]:
    """The newest page of the debate's top-level comments (pinned first), replies filled in."""
    return debate_thread_page(proposal).comments


def comment_page_number(comment: Comment) -> int:
    """The page of the debate on which `comment` (or the top-level comment it answers) is shown."""
    outline = _outline(comment.proposal)
    top: int | None = comment.pk
    seen: set[int] = set()
    while top is not None and outline.parents.get(top) is not None and top not in seen:
        seen.add(top)
        top = outline.parents[top]
    if top is None or top not in outline.others:
        return 1
    newer = len(outline.others) - 1 - outline.others.index(top)
    return newer // COMMENTS_PER_PAGE + 1


def debate_comment_count(proposal: Proposal) -> int:
    return Comment.objects.filter(
        proposal=proposal, deleted_at__isnull=True, hidden_at__isnull=True, author__blocked_at__isnull=True
    ).count()


def viewer_reactions(viewer: Any, proposal: Proposal) -> dict[int, int]:
    """comment id → 1 (agree) or -1 (disagree) for the viewer, so the page marks their choice."""
    if not getattr(viewer, "is_authenticated", False):
        return {}
    return dict(
        CommentReaction.objects.filter(user=viewer, comment__proposal=proposal).values_list("comment_id", "value")
    )


def open_comment_flags() -> QuerySet[Flag]:
    """The moderators' queue: unresolved reports of comments, oldest first (first come, first served)."""
    return (
        Flag.objects.filter(comment__isnull=False, resolved_at__isnull=True)
        .select_related("comment__author", "comment__proposal", "reporter")
        .order_by("created_at", "id")
    )


def proposal_page_url(proposal: Proposal) -> str:
    """Where the proposal (and its debate) is read: a route of its process page."""
    process = proposal.process
    try:
        return str(process.url or "/") + str(process.reverse_subpage("proposal_detail", args=[proposal.pk]))
    except NoReverseMatch:  # pragma: no cover - the route belongs to ProcessPage
        return f"{str(process.url or '/').rstrip('/')}/{proposal.pk}/"


def comment_page_url(comment: Comment) -> str:
    """The proposal page at the debate page showing `comment`, scrolled to it."""
    number = comment_page_number(comment)
    query = f"?comments_page={number}" if number > 1 else ""
    return f"{proposal_page_url(comment.proposal)}{query}#comment-{comment.pk}"
