"""Debate actions as plain forms: POST, then a redirect back to the comment on the proposal page.

Views parse, look up, call one service and answer; the rules live in
`permissions` and `services` of this package. A refusal or bad input gets a page
that says why (403 / 400) with the form kept, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from accounts.second_factor import staff_page
from decide.middleware import refusal_response
from decide.refusals import NotAllowed, Refused
from decide.rich_text import editable_text
from proposals.debate import services as services
from proposals.debate.forms import CommentEditForm, CommentForm, FlagForm, LockForm, ModerationForm, ReactionForm
from proposals.debate.permissions import (
    comment_can_delete,
    comment_can_moderate,
    comment_edit_refusal,
    debate_can_lock,
    debate_can_view,
)
from proposals.debate.selectors import comment_page_url, proposal_page_url
from proposals.models import Comment, Proposal

ACTION_TEMPLATE = "proposals/debate/comment_action.html"
# Per person, and per address (generous: a whole village may share one connection).
POST_RATE_USER = "6/m"
POST_RATE_IP = "30/m"
REACT_RATE_USER = "60/m"


def _account(request: HttpRequest) -> User:
    """The signed-in account (every action view is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("process"), pk=proposal_id)
    if not debate_can_view(request.user, proposal):
        raise Http404
    return proposal


def _comment(request: HttpRequest, comment_id: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("author", "proposal__process"), pk=comment_id)
    if not debate_can_view(request.user, comment.proposal):
        raise Http404
    return comment


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    if getattr(request, "limited", False):
        return render(
            request,
            "rate_limited.html",
            {"message": _("You are posting faster than the debate allows. Wait a minute, then send it again.")},
            status=429,
        )
    return None


def _action_page(
    request: HttpRequest,
    *,
    title: str,
    form: Any,
    comment: Comment | None,
    proposal: Proposal,
    submit: str,
    status: int = 200,
    refusal: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "title": title,
        "form": form,
        "comment": comment,
        "proposal": proposal,
        "submit": submit,
        "refusal": refusal,
        "back_url": comment_page_url(comment) if comment else proposal_page_url(proposal),
        "action_url": request.path,
        **(extra or {}),
    }
    return render(request, ACTION_TEMPLATE, context, status=status)


def _refusal_page(request: HttpRequest, refusal: Refused, comment: Comment) -> HttpResponse:
    back = comment_page_url(comment)
    return refusal_response(request, refusal, back_url=back, back_label=_("Back to the debate"))


def _redirect_to(comment: Comment) -> HttpResponse:
    return HttpResponseRedirect(comment_page_url(comment))


def _comment_form_submitted(
    request: HttpRequest,
    *,
    comment: Comment,
    form: Any,
    title: str,
    submit: str,
    done: str,
    act: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """Run a comment action from a posted form: back to the comment, or the form again with why (4xx)."""
    page = {"title": title, "form": form, "comment": comment, "proposal": comment.proposal, "submit": submit}
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except Refused as exc:
            return _action_page(request, **page, status=exc.status, refusal=exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return _redirect_to(comment)
    return _action_page(request, **page, status=400)


def _reply_target(proposal: Proposal, parent_id: int | None) -> Comment | None:
    if not parent_id:
        return None
    parent = Comment.objects.filter(pk=parent_id, proposal=proposal).first()
    if parent is None:
        raise ValidationError(_("The comment you answered is no longer in this debate."), code="parent")
    return parent


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit(key="user_or_ip", rate=POST_RATE_USER, method="POST", block=False)
@ratelimit(key="ip", rate=POST_RATE_IP, method="POST", block=False)
def comment_create(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    if request.method != "POST":
        return HttpResponseRedirect(f"{proposal_page_url(proposal)}#debate")
    if limited := _rate_limited(request):
        return limited
    form = CommentForm(request.POST)
    title = _("Your comment")
    if form.is_valid():
        try:
            comment = services.comment_create(
                author=_account(request),
                proposal=proposal,
                body=form.cleaned_data["body"],
                stance=form.cleaned_data["stance"],
                parent=_reply_target(proposal, form.cleaned_data.get("parent")),
            )
        except Refused as exc:
            return _action_page(
                request,
                title=title,
                form=form,
                comment=None,
                proposal=proposal,
                submit=_("Publish comment"),
                status=exc.status,
                refusal=exc.message,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your comment is published."))
            return _redirect_to(comment)
    return _action_page(
        request, title=title, form=form, comment=None, proposal=proposal, submit=_("Publish comment"), status=400
    )


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit(key="user_or_ip", rate=POST_RATE_USER, method="POST", block=False)
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    title, submit = _("Edit your comment"), _("Save changes")
    # The same rule on GET as on POST, and before the form is read: whoever may not edit the comment is
    # told so (403), not shown what was wrong with a text they may not send (400). The service checks
    # again under the row lock.
    if refusal := comment_edit_refusal(request.user, comment):
        return _refusal_page(request, NotAllowed(refusal), comment)
    if request.method == "POST":
        if limited := _rate_limited(request):
            return limited
        form = CommentEditForm(request.POST)
        return _comment_form_submitted(
            request,
            comment=comment,
            form=form,
            title=title,
            submit=submit,
            done=_("Your comment is updated."),
            act=lambda data: services.comment_edit(
                author=_account(request), comment=comment, body=data["body"], stance=data["stance"]
            ),
        )
    form = CommentEditForm(initial={"body": editable_text(comment.body), "stance": comment.stance})
    return _action_page(request, title=title, form=form, comment=comment, proposal=comment.proposal, submit=submit)


@require_http_methods(["GET", "POST"])
@login_required
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    title, submit = _("Delete your comment?"), _("Delete")
    if request.method == "POST":
        try:
            services.comment_delete(author=_account(request), comment=comment)
        except Refused as exc:
            return _action_page(
                request,
                title=title,
                form=None,
                comment=comment,
                proposal=comment.proposal,
                submit=submit,
                status=exc.status,
                refusal=exc.message,
            )
        messages.success(request, _("Your comment is deleted. The debate shows that a comment was deleted."))
        return _redirect_to(comment)
    if not comment_can_delete(request.user, comment):
        return _refusal_page(request, NotAllowed(_("Only its author may delete a comment.")), comment)
    return _action_page(
        request,
        title=title,
        form=None,
        comment=comment,
        proposal=comment.proposal,
        submit=submit,
        extra={"explanation": _("Its words will be removed from the debate; replies stay.")},
    )


@require_POST
@login_required
@ratelimit(key="user_or_ip", rate=REACT_RATE_USER, method="POST", block=False)
def comment_react(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if limited := _rate_limited(request):
        return limited
    form = ReactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose agree or disagree."))
        return _redirect_to(comment)
    try:
        services.comment_react(user=_account(request), comment=comment, value=form.cleaned_data["value"])
    except (Refused, ValidationError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else exc.message)
    return _redirect_to(comment)


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit(key="user_or_ip", rate=POST_RATE_USER, method="POST", block=False)
def comment_flag(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    title, submit = _("Report this comment to the moderators"), _("Send report")
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        if limited := _rate_limited(request):
            return limited
        return _comment_form_submitted(
            request,
            comment=comment,
            form=form,
            title=title,
            submit=submit,
            done=_("Thank you. The moderators will look at this comment."),
            act=lambda data: services.comment_flag(reporter=_account(request), comment=comment, reason=data["reason"]),
        )
    return _action_page(request, title=title, form=form, comment=comment, proposal=comment.proposal, submit=submit)


@staff_page
@require_http_methods(["GET", "POST"])
@login_required
def comment_moderate(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if not comment_can_moderate(request.user, comment):
        raise Http404
    title, submit = _("Moderate this comment"), _("Apply")
    form = ModerationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
            moderator = _account(request)
            try:
                if action == "hide":
                    services.comment_hide(moderator=moderator, comment=comment, reason=reason)
                elif action == "restore":
                    services.comment_restore(moderator=moderator, comment=comment, reason=reason)
                elif action in {"official", "unofficial"}:
                    services.comment_set_official(
                        moderator=moderator,
                        comment=comment,
                        official=action == "official",
                    )
                else:
                    services.comment_set_pinned(
                        moderator=moderator,
                        comment=comment,
                        pinned=action == "pin",
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Done."))
                return _redirect_to(comment)
        return _action_page(
            request, title=title, form=form, comment=comment, proposal=comment.proposal, submit=submit, status=400
        )
    return _action_page(request, title=title, form=form, comment=comment, proposal=comment.proposal, submit=submit)


@staff_page
@require_POST
@login_required
def debate_lock(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    if not debate_can_lock(request.user, proposal):
        raise Http404
    form = LockForm(request.POST)
    if not form.is_valid():
        return _action_page(
            request,
            title=_("Lock the debate"),
            form=form,
            comment=None,
            proposal=proposal,
            submit=_("Lock the debate"),
            status=400,
        )
    services.debate_set_locked(
        moderator=_account(request),
        proposal=proposal,
        locked=form.cleaned_data["locked"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("The debate is locked.") if form.cleaned_data["locked"] else _("The debate is open."))
    return HttpResponseRedirect(f"{proposal_page_url(proposal)}#debate")
