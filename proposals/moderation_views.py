"""The moderators' desk in the Wagtail admin: the queue, one proposal with its reports, and the actions.

Views are thin: each POST runs one service, which checks the permission and writes the audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from decide.refusals import NotAllowed, Refused

from . import permissions, selectors, services
from .forms import InstitutionalBillForm, ReasonForm
from .models import Flag, Proposal, ProposalStatus


def _moderator(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not permissions.can_moderate(user):
        raise NotAllowed(_("Only moderators and administrators can moderate."))
    return user


def queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    return TemplateResponse(
        request,
        "proposals/moderation/queue.html",
        {"proposals": selectors.moderation_queue(), "flags": selectors.open_flags()[:100]},
    )


def all_proposals(request: HttpRequest) -> HttpResponse:
    """Every proposal, whatever its state, to find one to act on (search by title, filter by status)."""
    _moderator(request)
    query = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    proposals = Proposal.objects.select_related("author", "process").order_by("-created_at")
    if query:
        proposals = proposals.filter(title__icontains=query)
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "proposals/moderation/all.html",
        {"page_obj": page, "query": query, "status": status, "statuses": ProposalStatus.choices},
    )


def _proposal(pk: int) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("author", "process", "category", "district"), pk=pk)


def detail(request: HttpRequest, pk: int, *, form: ReasonForm | None = None, action: str = "") -> HttpResponse:
    _moderator(request)
    proposal = _proposal(pk)
    flags = Flag.objects.filter(proposal=proposal).select_related("reporter", "resolved_by")
    return TemplateResponse(
        request,
        "proposals/moderation/detail.html",
        {
            "proposal": proposal,
            "flags": flags,
            "hide_form": form if action == "hide" else ReasonForm(auto_id="hide_%s"),
            "block_form": form if action == "block" else ReasonForm(auto_id="block_%s"),
            "public_url": proposal.process.specific.proposal_url(proposal) if proposal.process.live else "",
        },
        status=400 if form is not None else 200,
    )


def _act(request: HttpRequest, pk: int, run: Callable[[User, Proposal], Any], done: str) -> HttpResponse:
    moderator = _moderator(request)
    proposal = _proposal(pk)
    try:
        run(moderator, proposal)
    except Refused as refusal:
        messages.error(request, refusal.message)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("proposals_moderation:detail", args=[pk]))


def _with_reason(
    request: HttpRequest, pk: int, action: str, run: Callable[[User, Proposal, str], Any], done: str
) -> HttpResponse:
    moderator = _moderator(request)
    form = ReasonForm(request.POST, auto_id=f"{action}_%s")
    if not form.is_valid():
        return detail(request, pk, form=form, action=action)
    proposal = _proposal(pk)
    try:
        run(moderator, proposal, form.cleaned_data["reason"])
    except (Refused, ValidationError) as error:
        form.add_error(None, error.message if isinstance(error, Refused) else error)
        return detail(request, pk, form=form, action=action)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("proposals_moderation:detail", args=[pk]))


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda m, p: services.proposal_approve(proposal=p, actor=m), _("Proposal published."))


@require_POST
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda m, p: services.proposal_restore(proposal=p, actor=m), _("Proposal restored."))


@require_POST
def dismiss_flags(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda m, p: services.flags_dismiss(proposal=p, actor=m), _("Reports dismissed."))


@require_POST
def unblock(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda m, p: services.user_unblock(user=p.author, actor=m), _("Author unblocked."))


@require_POST
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request,
        pk,
        "hide",
        lambda m, p, r: services.proposal_hide(proposal=p, actor=m, reason=r),
        _("Proposal hidden."),
    )


@require_POST
def block(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request,
        pk,
        "block",
        lambda m, p, r: services.user_block(user=p.author, actor=m, reason=r),
        _("Author blocked: their proposals and comments are hidden."),
    )


@require_http_methods(["GET", "POST"])
def institutional_bill_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not permissions.can_create_institutional_bill(user):
        raise NotAllowed(_("Only administrators create institutional bills."))
    form = InstitutionalBillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        process = data.pop("process").specific
        try:
            proposal = services.institutional_bill_create(process=process, actor=user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Institutional bill published."))
            return HttpResponseRedirect(reverse("proposals_moderation:detail", args=[proposal.pk]))
    return TemplateResponse(
        request, "proposals/moderation/bill_form.html", {"form": form}, status=400 if form.is_bound else 200
    )
