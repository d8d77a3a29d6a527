"""Pages a process serves under its own URL (routed by ProcessPage): thin, one service call per POST."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from decide.cache_pages import depends_on
from decide.forms import bind_errors
from decide.middleware import refusal_response
from decide.refusals import Invalid, NotAllowed, Refused
from decide.rich_text import editable_text

from . import permissions, selectors, services
from .events import process_cache_scope
from .followup.selectors import overdue_among
from .forms import ProposalFilterForm, ProposalForm, ReasonForm
from .models import Phase, ProcessPage, Proposal

PAGE_SIZE = 20


def _account(request: HttpRequest) -> User:
    """The signed-in account (views check sign-in before calling services)."""
    assert isinstance(request.user, User)
    return request.user


def _detail_url(page: ProcessPage, proposal: Proposal) -> str:
    return page.proposal_url(proposal)


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _refuse(request: HttpRequest, page: ProcessPage, refusal: Refused) -> HttpResponse:
    """The one refusal page, with the way back to the process."""
    return refusal_response(request, refusal, back_url=page.url or "/")


def _page_response(page: ProcessPage, request: HttpRequest, context: dict[str, Any], template: str) -> HttpResponse:
    """The process page renders its own routes (Wagtail's Page.render, which carries no types)."""
    response: HttpResponse = page.render(request, context_overrides=context, template=template)
    return response


def process_index(request: HttpRequest, page: ProcessPage) -> HttpResponse:
    """The process: intro, calendar, and its proposals (search, filters, sort, pages)."""
    depends_on(request, process_cache_scope(page.pk))  # anonymous visitors may get it from the cache
    form = ProposalFilterForm(request.GET or None)
    filters = selectors.ProposalFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ProposalFilters(
            query=data["q"] or "",
            category=data["category"].pk if data["category"] else None,
            district=data["district"].pk if data["district"] else None,
            status=data["status"] or "",
            sort=data["sort"] or "newest",
        )
    results = selectors.proposal_list(process=page, filters=filters)
    paginator = Paginator(results, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    now_phases = page.current_phases()
    proposals = list(page_obj.object_list)
    comment_counts = selectors.public_comment_counts([proposal.pk for proposal in proposals])
    overdue = overdue_among(page, [proposal.pk for proposal in proposals])
    context = {
        "filter_form": form,
        "filters": filters,
        "page_obj": page_obj,
        "proposals": proposals,
        # Each card: the proposal, its public comment count and whether its answer is overdue; progress is drawn
        # against the process threshold.
        "proposal_cards": [
            (proposal, comment_counts.get(proposal.pk, 0), proposal.pk in overdue) for proposal in proposals
        ],
        "threshold": selectors.process_support_threshold(page),
        "supports_open": Phase.SUPPORTS in now_phases,
        "query_string": query_string.urlencode(),
        "current_phases": now_phases,
        "phase_rows": _phase_rows(page, now_phases),
        # While proposals or supports are open, the list is what people come for: it goes above the calendar.
        "proposals_first": Phase.PROPOSALS in now_phases or Phase.SUPPORTS in now_phases,
        "can_submit": permissions.can_submit_proposal(request.user, page),
        "my_proposals": list(selectors.proposals_of_author(process=page, user=request.user)[:10]),
        "submit_url": page.url + page.reverse_subpage("proposal_submit"),
    }
    return _page_response(page, request, context, "proposals/process_page.html")


def _phase_rows(page: ProcessPage, now_phases: list[Phase]) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {
            "phase": phase,
            "opens": opens,
            "closes": closes,
            "open": phase in now_phases,
            "past": (closes or opens) <= now and phase not in now_phases,
        }
        for phase, opens, closes in (
            (Phase.PROPOSALS, page.proposals_opens, page.proposals_closes),
            (Phase.SUPPORTS, page.supports_opens, page.supports_closes),
            (Phase.DEBATE, page.debate_opens, page.debate_closes),
            (Phase.VOTE, page.vote_opens, page.vote_closes),
            (Phase.RESULTS, page.results_on, None),
        )
    ]


def proposal_detail(request: HttpRequest, page: ProcessPage, proposal_id: int) -> HttpResponse:
    # Anonymous visitors may get it from the cache: its events and its process's drop it.
    depends_on(request, f"proposal.{proposal_id}", process_cache_scope(page.pk))
    proposal = selectors.proposal_for_viewer(process=page, proposal_id=proposal_id, user=request.user)
    user = request.user
    support = selectors.user_support(user=user, proposal=proposal)
    context = {
        "proposal": proposal,
        "detail_url": _detail_url(page, proposal),
        "support": support,
        "can_support": support is None and permissions.can_support(user, proposal),
        "can_withdraw_support": support is not None and permissions.can_withdraw_support(user, proposal),
        "supports_open": permissions.supports_open(proposal),
        "threshold": selectors.process_support_threshold(page),
        "follows": selectors.user_follows(user=user, proposal=proposal),
        "can_follow": permissions.can_follow(user, proposal),
        "flagged": selectors.user_flagged(user=user, proposal=proposal),
        "can_flag": permissions.can_flag(user, proposal),
        "can_edit": permissions.can_edit_proposal(user, proposal),
        "can_withdraw": permissions.can_withdraw_proposal(user, proposal),
        "is_moderator": permissions.can_moderate(user),
    }
    return _page_response(page, request, context, "proposals/proposal_detail.html")


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="10/m", method="POST", block=True)
def proposal_submit(request: HttpRequest, page: ProcessPage) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_submit_proposal(request.user, page):
        if not page.is_open(Phase.PROPOSALS):
            return _refuse(request, page, NotAllowed(_("The proposals phase of this process is not open.")))
        return _refuse(request, page, NotAllowed(_("Confirm your email address before submitting a proposal.")))
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(process=page, author=_account(request), **form.cleaned_data)
        except ValidationError as error:
            bind_errors(form, error)
        else:
            if proposal.status == "submitted":
                messages.success(
                    request, _("Thank you. Your proposal waits for a moderator; you can edit it until then.")
                )
            else:
                messages.success(request, _("Your proposal is published."))
            return HttpResponseRedirect(_detail_url(page, proposal))
    context = {"form": form, "editing": None}
    if form.is_bound:
        return _render_status(page, request, "proposals/proposal_form.html", context, 400)
    return _page_response(page, request, context, "proposals/proposal_form.html")


def _render_status(
    page: ProcessPage, request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    response = _page_response(page, request, context, template)
    response.status_code = status
    return response


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def proposal_edit(request: HttpRequest, page: ProcessPage, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_for_viewer(process=page, proposal_id=proposal_id, user=request.user)
    if not permissions.can_edit_proposal(request.user, proposal):
        return _refuse(
            request, page, NotAllowed(_("Only the author can edit a proposal, and only until it is published."))
        )
    initial = {f: getattr(proposal, f) for f in ("title", "summary", "category", "district")}
    initial["body"] = editable_text(proposal.body)
    form = ProposalForm(request.POST or None, initial=initial)
    context = {"form": form, "editing": proposal, "detail_url": _detail_url(page, proposal)}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_update(proposal=proposal, actor=_account(request), **form.cleaned_data)
            except ValidationError as error:
                bind_errors(form, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return HttpResponseRedirect(_detail_url(page, proposal))
        return _render_status(page, request, "proposals/proposal_form.html", context, 400)
    return _page_response(page, request, context, "proposals/proposal_form.html")


def _reason_action(
    request: HttpRequest,
    page: ProcessPage,
    proposal: Proposal,
    *,
    allowed: bool,
    refused: str,
    template: str,
    act: Any,
    done: str,
) -> HttpResponse:
    """GET shows the reason form; POST runs `act(reason)` and goes back to the proposal."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not allowed:
        return _refuse(request, page, NotAllowed(refused))
    form = ReasonForm(request.POST or None)
    context = {"form": form, "proposal": proposal, "detail_url": _detail_url(page, proposal)}
    if request.method == "POST":
        if form.is_valid():
            try:
                act(form.cleaned_data["reason"])
            except Refused as refusal:  # e.g. the proposal moved on meanwhile: said on the form, with its status
                form.add_error(None, refusal.message)
                return _render_status(page, request, template, context, refusal.status)
            except ValidationError as error:
                bind_errors(form, error)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(_detail_url(page, proposal))
        return _render_status(page, request, template, context, 400)
    return _page_response(page, request, context, template)


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="10/m", method="POST", block=True)
def proposal_withdraw(request: HttpRequest, page: ProcessPage, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_for_viewer(process=page, proposal_id=proposal_id, user=request.user)
    return _reason_action(
        request,
        page,
        proposal,
        allowed=permissions.can_withdraw_proposal(request.user, proposal),
        refused=_("Only the author can withdraw a proposal, and not once it is in a vote."),
        template="proposals/proposal_withdraw.html",
        act=lambda reason: services.proposal_withdraw(proposal=proposal, actor=_account(request), reason=reason),
        done=_("Your proposal is withdrawn."),
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="10/m", method="POST", block=True)
def proposal_flag(request: HttpRequest, page: ProcessPage, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_for_viewer(process=page, proposal_id=proposal_id, user=request.user)
    return _reason_action(
        request,
        page,
        proposal,
        allowed=permissions.can_flag(request.user, proposal),
        refused=_("Citizens with a confirmed email can report proposals by others."),
        template="proposals/proposal_flag.html",
        act=lambda reason: services.flag_create(proposal=proposal, reporter=_account(request), reason=reason),
        done=_("Thank you. Moderators will look at your report."),
    )


@require_POST
@ratelimit(key="user_or_ip", rate="30/m", method="POST", block=True)
def proposal_support(request: HttpRequest, page: ProcessPage, proposal_id: int) -> HttpResponse:
    """POST action=support|withdraw: add or take back this person's support."""
    proposal = selectors.proposal_for_viewer(process=page, proposal_id=proposal_id, user=request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(_detail_url(page, proposal))
    action = request.POST.get("action", "support")
    try:
        if action == "withdraw":
            services.support_withdraw(proposal=proposal, user=_account(request))
            messages.success(request, _("Your support is withdrawn."))
        else:
            services.support_add(
                proposal=proposal, user=_account(request), url=request.build_absolute_uri(_detail_url(page, proposal))
            )
            messages.success(request, _("Thank you for your support."))
    except Refused as refusal:
        return _refuse(request, page, refusal)
    except ValidationError as error:
        return _refuse(request, page, Invalid(" ".join(_messages_of(error))))
    return HttpResponseRedirect(_detail_url(page, proposal) + "#supports")


@require_POST
@ratelimit(key="user_or_ip", rate="30/m", method="POST", block=True)
def proposal_follow(request: HttpRequest, page: ProcessPage, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_for_viewer(process=page, proposal_id=proposal_id, user=request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(_detail_url(page, proposal))
    follow = request.POST.get("follow", "1") == "1"
    services.follow_set(proposal=proposal, user=_account(request), follow=follow)
    if follow:
        messages.success(request, _("You will hear by email when this proposal moves on."))
    else:
        messages.success(request, _("You no longer follow this proposal."))
    return HttpResponseRedirect(_detail_url(page, proposal))
