"""The debate section of a proposal page, and the per-comment questions its templates ask."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.permissions import Actor
from decide.cache_pages import cut_csrf_tokens, fill_csrf_holes, fragment_get, fragment_set
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
    # Read before the thread: a comment committed after this reads as a new version, never as this one.
    thread_key = f"debate:thread:{proposal.pk}:{_page_number(request)}:{get_language()}"
    thread_version, stored = fragment_get(proposal.live_group, thread_key) if request is not None else (None, None)
    # Read before the thread: events after this id are caught up over the socket, so none falls between.
    last_event_id = ProposalEvent.objects.filter(proposal=proposal).aggregate(last=Max("id"))["last"] or 0
    reply_to = _reply_to(request, proposal)
    post_refusal = perms.comment_post_refusal(viewer, proposal)
    thread_page = debate_thread_page(proposal, _page_number(request))
    values = {
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
    values["thread_html"] = _thread_html(request, values, thread_key, thread_version, stored)
    return values


def _comments_of(thread: list[Comment]) -> list[Comment]:
    found: list[Comment] = []
    for comment in thread:
        found.append(comment)
        found.extend(_comments_of(list(getattr(comment, "thread_replies", []))))
    return found


def _shared_variant(values: dict[str, Any]) -> str | None:
    """Which viewers see this page of the thread exactly as this one does, or None when it carries their own marks.

    Moderators' links, the viewer's own reactions and their own comments' edit and delete links are
    theirs; otherwise a comment differs between viewers only by whether they may reply (one answer
    for the page) and report (one answer for every visible comment not theirs, as comment_can_flag
    asks the same questions of each).
    """
    viewer = values["viewer"]
    comments = _comments_of(list(values["thread"]))
    if values["is_moderator"] or values["reactions"]:
        return None
    if viewer is not None and any(comment.author_id == viewer.pk for comment in comments):
        return None
    visible = next((comment for comment in comments if perms.comment_is_visible(comment)), None)
    may_flag = viewer is not None and visible is not None and perms.comment_can_flag(viewer, visible)
    return f"{int(viewer is not None)}{int(values['can_post'])}{int(may_flag)}"


def _thread_html(
    request: Any, values: dict[str, Any], key: str, version: str | None, stored: dict[str, str] | None
) -> SafeString:
    """The page of comments, from the cache when a viewer of the same variant saw this version (CSRF tokens refilled).

    The thread is most of a debate page's rendering: kept per version of the proposal (any event of
    it changes the version), page, language and viewer variant, for PAGE_CACHE_SECONDS.
    """
    variant = _shared_variant(values) if version is not None else None
    if variant is not None and stored is not None and variant in stored:
        return mark_safe(fill_csrf_holes(request, stored[variant]))  # our own render, tokens cut out
    html = render_to_string("proposals/debate/_thread.html", values, request=request)
    if variant is not None and version is not None:
        cut = cut_csrf_tokens(request, html)
        if cut is not None:
            fragment_set(key, version, {**(stored or {}), variant: cut})
    return mark_safe(html)  # rendered by our templates, which escape


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
