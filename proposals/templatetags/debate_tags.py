"""The debate section of a proposal page, and the per-comment questions its templates ask."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser
from django.db.models import Max

from accounts.permissions import Actor
from proposals.debate import permissions as perms
from proposals.debate.forms import CommentForm, LockForm
from proposals.debate.selectors import debate_thread_page, viewer_reactions
from proposals.models import Comment, Proposal, ProposalEvent

register = template.Library()


def _page_number(request: Any) -> int:
    raw = request.GET.get("comments_page", "") if request is not None else ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1  # nonsense reads as the newest page


def _reply_to(request: Any, proposal: Proposal) -> Comment | None:
    raw = request.GET.get("reply_to", "") if request is not None else ""
    if not raw.isdigit():
        return None
    comment = Comment.objects.select_related("author").filter(pk=int(raw), proposal=proposal).first()
    return comment if comment is not None and perms.comment_is_visible(comment) else None


@register.inclusion_tag("proposals/debate/_section.html", takes_context=True)
def debate_section(context: template.Context) -> dict[str, Any]:
    """Everything the debate needs from `proposal` and `request` in the including page's context."""
    proposal: Proposal = context["proposal"]
    request = context.get("request")
    viewer: Actor = getattr(request, "user", None) or AnonymousUser()
    # Read before the thread: events after this id are caught up over the socket, so none falls between.
    last_event_id = ProposalEvent.objects.filter(proposal=proposal).aggregate(last=Max("id"))["last"] or 0
    reply_to = _reply_to(request, proposal)
    post_refusal = perms.comment_post_refusal(viewer, proposal)
    thread_page = debate_thread_page(proposal, _page_number(request))
    return {
        "proposal": proposal,
        "request": request,
        "viewer": viewer if getattr(viewer, "is_authenticated", False) else None,
        "user": viewer,
        "thread": thread_page.comments,
        "thread_page": thread_page,
        "comment_count": thread_page.shown_count,  # read with the thread: no second pass over the debate
        "reactions": viewer_reactions(viewer, proposal),
        "can_post": post_refusal is None,
        "post_refusal": post_refusal,
        "is_moderator": perms.is_moderator(viewer),
        "form": CommentForm(initial={"parent": reply_to.pk if reply_to else None}),
        "reply_to": reply_to,
        "lock_form": LockForm(initial={"locked": not proposal.debate_locked}),
        "last_event_id": last_event_id,
        "live": False,
    }


@register.filter
def editable_by(comment: Comment, viewer: Any) -> bool:
    return viewer is not None and perms.comment_can_edit(viewer, comment)


@register.filter
def deletable_by(comment: Comment, viewer: Any) -> bool:
    return viewer is not None and perms.comment_can_delete(viewer, comment)


@register.filter
def flaggable_by(comment: Comment, viewer: Any) -> bool:
    return viewer is not None and perms.comment_can_flag(viewer, comment)


@register.filter
def shown(comment: Comment) -> bool:
    return perms.comment_is_visible(comment)


@register.filter
def reaction_of(reactions: dict[int, int] | None, comment: Comment) -> int:
    return (reactions or {}).get(comment.pk, 0)
