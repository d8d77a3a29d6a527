"""The moderators' queue of reported comments, in the Wagtail admin (loaded from proposals.wagtail_hooks).

One row per reported comment with every open report on it; each action is a POST
that runs one debate service, which checks the role, audits and goes live.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.models import User
from decide.refusals import NotAllowed
from proposals.debate import services as debate_services
from proposals.debate.forms import ReasonForm
from proposals.debate.permissions import is_moderator
from proposals.debate.selectors import comment_page_url, open_comment_flags
from proposals.models import Comment, Flag
from proposals.services import user_block  # the proposals work owns blocking; it takes comments off live pages


def _moderator(request: HttpRequest) -> User:
    if not isinstance(request.user, User) or not is_moderator(request.user):
        raise NotAllowed(_("Only moderators and administrators can moderate."))
    return request.user


def comment_queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    rows: dict[int, dict[str, Any]] = {}
    for flag in open_comment_flags()[:300]:
        assert flag.comment is not None
        row = rows.setdefault(flag.comment.pk, {"comment": flag.comment, "flags": []})
        row["flags"].append(flag)
    hidden = (
        Comment.objects.filter(hidden_at__isnull=False).select_related("author", "proposal").order_by("-hidden_at")[:30]
    )
    return TemplateResponse(
        request,
        "proposals/debate/admin_queue.html",
        {"rows": [{**row, "url": comment_page_url(row["comment"])} for row in rows.values()], "hidden": hidden},
    )


def _reason(request: HttpRequest) -> str | None:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: it is kept in the audit log."))
        return None
    reason: str = form.cleaned_data["reason"]
    return reason


def _done(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(reverse("debate_moderation:queue"))


@require_POST
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    moderator = _moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    reason = _reason(request)
    if reason is None:
        return HttpResponseRedirect(reverse("debate_moderation:queue"))
    debate_services.comment_hide(moderator=moderator, comment=comment, reason=reason)
    return _done(request, _("The comment is hidden from every open page."))


@require_POST
def comment_restore(request: HttpRequest, pk: int) -> HttpResponse:
    moderator = _moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    reason = _reason(request)
    if reason is None:
        return HttpResponseRedirect(reverse("debate_moderation:queue"))
    debate_services.comment_restore(moderator=moderator, comment=comment, reason=reason)
    return _done(request, _("The comment is shown again."))


@require_POST
def flags_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    moderator = _moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    for flag in Flag.objects.filter(comment=comment, resolved_at__isnull=True):
        debate_services.flag_dismiss(moderator=moderator, flag=flag, reason=request.POST.get("reason", ""))
    return _done(request, _("The reports are dismissed; the comment stays."))


@require_POST
def author_block(request: HttpRequest, pk: int) -> HttpResponse:
    moderator = _moderator(request)
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    reason = _reason(request)
    if reason is None:
        return HttpResponseRedirect(reverse("debate_moderation:queue"))
    try:
        user_block(user=comment.author, actor=moderator, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("debate_moderation:queue"))
    return _done(request, _("The author is blocked; their comments left every open page."))


debate_moderation_urls = (
    [
        path("", comment_queue, name="queue"),
        path("<int:pk>/hide/", comment_hide, name="hide"),
        path("<int:pk>/restore/", comment_restore, name="restore"),
        path("<int:pk>/dismiss/", flags_dismiss, name="dismiss"),
        path("<int:pk>/block-author/", author_block, name="block"),
    ],
    "debate_moderation",
)


@hooks.register("register_admin_urls")
def register_debate_moderation_urls() -> list[Any]:
    return [path("debate-moderation/", include(debate_moderation_urls))]


class _ModeratorMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def debate_moderation_menu_item() -> MenuItem:
    return _ModeratorMenuItem(
        gettext_lazy("Reported comments"), reverse("debate_moderation:queue"), icon_name="comment", order=205
    )
