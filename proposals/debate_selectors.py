"""Reads for the debate: the thread as a tree, the viewer's reactions, the moderators' queue."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch

from .debate_permissions import comment_is_visible
from .models import Comment, CommentReaction, Flag, Proposal


def debate_thread(proposal: Proposal) -> list[Comment]:
    """Top-level comments (pinned first, then oldest first), each with `thread_replies` filled in.

    One query for the whole debate. A comment that is hidden, or whose author is
    blocked, leaves the thread unless others answered it: then a placeholder keeps
    the replies readable. A deleted comment always leaves its "deleted" mark.
    """
    comments = list(Comment.objects.filter(proposal=proposal).select_related("author").order_by("created_at", "id"))
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        comment.proposal = proposal  # the predicates read it: no query per comment
        comment.thread_replies = []  # type: ignore[attr-defined]
        children.setdefault(comment.parent_id, []).append(comment)

    def keep(comment: Comment) -> bool:
        replies = [reply for reply in children.get(comment.pk, []) if keep(reply)]
        comment.thread_replies = replies  # type: ignore[attr-defined]
        return comment.deleted_at is not None or comment_is_visible(comment) or bool(replies)

    top = [comment for comment in children.get(None, []) if keep(comment)]
    top.sort(key=lambda c: (not (c.is_pinned and comment_is_visible(c)), c.created_at, c.pk))
    return top


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
        return str(process.url or "/") + process.reverse_subpage("proposal_detail", args=[proposal.pk])
    except NoReverseMatch:  # pragma: no cover - the route belongs to ProcessPage
        return f"{str(process.url or '/').rstrip('/')}/{proposal.pk}/"


def comment_page_url(comment: Comment) -> str:
    return f"{proposal_page_url(comment.proposal)}#comment-{comment.pk}"
