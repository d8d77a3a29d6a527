"""Poll pages, the ballot (choose → confirm → receipt), the bulletin, receipt checks, and the booth desk.

Thin: parse, ask a permission predicate, call one service or selector, render.
Every page works without JavaScript: plain forms, and redirects where nothing
secret must survive (the receipt page is the answer to the confirming POST
itself, so the receipt code is never stored anywhere, not even in the session).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from accounts.second_factor import staff_page
from decide.middleware import refusal_response
from decide.refusals import NotAllowed, Refused

from . import permissions, selectors, services
from .forms import BallotForm, BoothConfirmForm, BoothLookupForm, BoothOpenForm, BoothTallyForm, ReceiptCheckForm
from .models import Booth, Poll
from .refusals import AlreadyVoted, InvalidBallot
from .results import permissions as results_permissions

BULLETIN_PAGE_SIZE = 200


def _poll(poll_id: int) -> Poll:
    try:
        return selectors.poll_get(poll_id)
    except Poll.DoesNotExist:
        raise Http404 from None


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _refusal_page(request: HttpRequest, poll: Poll, refusal: Refused) -> HttpResponse:
    back = reverse("votes:detail", args=[poll.pk])
    return refusal_response(request, refusal, back_url=back, back_label=_("Back to the poll"))


@require_GET
def poll_list(request: HttpRequest) -> HttpResponse:
    return render(request, "votes/poll_list.html", {"polls": selectors.poll_list()})


@require_GET
def poll_detail(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _poll(poll_id)
    user = request.user
    census_id = getattr(user, "census_record_id", None)
    context = {
        "poll": poll,
        "questions": selectors.poll_questions(poll),
        "proposals": poll.proposals.all(),
        "turnout": selectors.poll_turnout(poll) if poll.has_opened() else None,
        "refusal": permissions.ballot_refusal(user, poll),
        "has_voted": selectors.has_participated(poll=poll, census_record_id=census_id),
        "can_operate_booths": permissions.can_operate_booths(user, poll),
        "results_visible": results_permissions.results_refusal(user, poll) is None,
        "can_review_results": results_permissions.can_review_results(user, poll),
        "can_view_turnout": results_permissions.can_view_turnout(user, poll),
    }
    return render(request, "votes/poll_detail.html", context)


def _ballot_poll(poll_id: int) -> Poll:
    try:
        return selectors.poll_for_ballot(poll_id)
    except Poll.DoesNotExist:
        raise Http404 from None


def _ballot_refusal(request: HttpRequest, poll: Poll) -> HttpResponse | None:
    user = _user(request)
    record = selectors.voter_census_record(poll=poll, census_record_id=user.census_record_id)
    if record is not None:
        user.census_record = record  # the permission below reads it (and its district): no second query
        if getattr(record, "has_voted", False):
            return _refusal_page(
                request, poll, AlreadyVoted(_("You have already voted in this poll. Each person votes once."))
            )
    if reason := permissions.ballot_refusal(user, poll):
        return _refusal_page(request, poll, NotAllowed(reason))
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def ballot(request: HttpRequest, poll_id: int) -> HttpResponse:
    """Step 1: the ballot paper. Its POST only reviews the choices; nothing is written."""
    poll = _ballot_poll(poll_id)
    if refused := _ballot_refusal(request, poll):
        return refused
    questions = selectors.ballot_paper(poll)
    if request.method == "POST":
        form = BallotForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                services.ballot_token_receipt(token=form.cleaned_data["token"], poll=poll, voter=_user(request))
                services.ballot_choices_check(poll=poll, choices=form.chosen_options(), questions=questions)
            except Refused as exc:
                return _refusal_page(request, poll, exc)
            confirm = BallotForm(request.POST, questions=questions, hidden=True)
            confirm.is_valid()
            return render(
                request,
                "votes/ballot_review.html",
                {"poll": poll, "form": confirm, "review": form.review(), "change_form": form},
            )
        return render(request, "votes/ballot_form.html", {"poll": poll, "form": form}, status=400)
    token = services.ballot_token_issue(poll=poll, voter=_user(request))
    form = BallotForm(questions=questions, initial={"token": token})
    return render(request, "votes/ballot_form.html", {"poll": poll, "form": form})


@never_cache
@login_required
@require_POST
@ratelimit(key="user_or_ip", rate="10/m", method="POST", block=True)
def ballot_confirm(request: HttpRequest, poll_id: int) -> HttpResponse:
    """Step 2: cast. The answer is the receipt page itself, shown once (a retry shows it again)."""
    poll = _ballot_poll(poll_id)
    voter = _user(request)
    questions = selectors.ballot_paper(poll)
    form = BallotForm(request.POST, questions=questions, hidden=True)
    if not form.is_valid():
        return _refusal_page(
            request, poll, InvalidBallot(_("This ballot form was altered or is incomplete. Please start again."))
        )
    try:
        code = services.ballot_token_receipt(token=form.cleaned_data["token"], poll=poll, voter=voter)
        ballot = services.ballot_cast(
            poll=poll, voter=voter, choices=form.chosen_options(), receipt_code=code, questions=questions
        )
    except Refused as exc:
        return _refusal_page(request, poll, exc)
    # A new ballot carries what was just recorded; a replay reads its choices back.
    choices = getattr(ballot, "cast_options", None) or [
        choice.option for choice in ballot.choices.select_related("option__question")
    ]
    # never_cache marks it no-store: the receipt code must not linger in any cache.
    return render(request, "votes/receipt.html", {"poll": poll, "code": code, "choices": choices})


@require_GET
def bulletin(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _poll(poll_id)
    if refusal := results_permissions.results_refusal(request.user, poll):
        return _refusal_page(request, poll, refusal)
    page = Paginator(selectors.poll_bulletin(poll), BULLETIN_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.poll_web_totals(poll)
    options = [(option, counts.get(option.pk, 0)) for option in selectors.poll_options(poll)]
    return render(request, "votes/bulletin.html", {"poll": poll, "ballots": page, "options": options})


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="30/m", method="POST", block=True)
def receipt_check(request: HttpRequest, poll_id: int) -> HttpResponse:
    """POST, so receipt codes never appear in URLs or access logs."""
    poll = _poll(poll_id)
    visible = permissions.results_hidden_reason(poll) is None  # a receipt shows one ballot, to its holder
    form = ReceiptCheckForm(request.POST or None)
    context: dict[str, object] = {"poll": poll, "form": form, "visible": visible}
    if request.method == "POST":
        if not visible:
            context["message"] = _("Receipts can be checked once the poll closes.")
            return render(request, "votes/receipt_check.html", context, status=403)
        if not form.is_valid():
            return render(request, "votes/receipt_check.html", context, status=400)
        ballot = selectors.receipt_check(poll=poll, code=form.cleaned_data["code"])
        if ballot is None:
            context["not_found"] = True
            return render(request, "votes/receipt_check.html", context, status=404)
        context["ballot"] = ballot
    return render(request, "votes/receipt_check.html", context)


# --- booths (officers) ----------------------------------------------------------------


def _officer_poll(request: HttpRequest, poll_id: int) -> Poll:
    poll = _poll(poll_id)
    if not permissions.can_operate_booths(request.user, poll):
        raise NotAllowed(_("Only officers work at booths, and only in polls with booth voting."))
    return poll


def _booth(poll: Poll, booth_id: int) -> Booth:
    return get_object_or_404(Booth.objects.select_related("poll", "district"), pk=booth_id, poll=poll)


@staff_page
@login_required
@require_http_methods(["GET", "POST"])
def booth_list(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _officer_poll(request, poll_id)
    form = BoothOpenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booth = services.booth_open(poll=poll, officer=_user(request), **form.cleaned_data)
            except Refused as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Booth “%(name)s” is open.") % {"name": booth.name})
                return redirect("votes:booth_desk", poll_id=poll.pk, booth_id=booth.pk)
        else:
            status = 400
    context = {"poll": poll, "booths": selectors.poll_booths(poll), "form": form}
    return render(request, "votes/booth_list.html", context, status=status)


@staff_page
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="60/m", method="POST", block=True)
def booth_desk(request: HttpRequest, poll_id: int, booth_id: int) -> HttpResponse:
    """Look a person up by document and birth date; show who it is and whether they may vote."""
    poll = _officer_poll(request, poll_id)
    booth = _booth(poll, booth_id)
    lookup = BoothLookupForm(request.POST or None)
    context: dict[str, object] = {
        "poll": poll,
        "booth": booth,
        "lookup": lookup,
        "turnout": selectors.poll_turnout(poll),
    }
    context["can_record"] = permissions.can_record_booth_participation(request.user, booth)
    if request.method == "POST":
        if not lookup.is_valid():
            return render(request, "votes/booth_desk.html", context, status=400)
        record = services.booth_census_lookup(
            booth=booth,
            officer=_user(request),
            document_number=lookup.cleaned_data["document_number"],
            birth_date=lookup.cleaned_data["birth_date"],
        )
        if record is None:
            context["not_found"] = True
            return render(request, "votes/booth_desk.html", context, status=404)
        context["person"] = record
        context["refusal"] = services.booth_participation_refusal(booth=booth, census_record=record)
        token = services.booth_person_token(booth=booth, census_record=record)
        context["confirm"] = BoothConfirmForm(initial={"person": token})
        context["lookup"] = BoothLookupForm()  # the document number is not echoed back into the page
    return render(request, "votes/booth_desk.html", context)


@staff_page
@login_required
@require_POST
@ratelimit(key="user_or_ip", rate="60/m", method="POST", block=True)
def booth_record(request: HttpRequest, poll_id: int, booth_id: int) -> HttpResponse:
    poll = _officer_poll(request, poll_id)
    booth = _booth(poll, booth_id)
    form = BoothConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the identity document in person before recording the vote."))
        return redirect("votes:booth_desk", poll_id=poll.pk, booth_id=booth.pk)
    try:
        record = services.booth_person_from_token(booth=booth, token=form.cleaned_data["person"])
        services.booth_participation_record(booth=booth, officer=_user(request), census_record=record)
    except Refused as exc:
        return _refusal_page(request, poll, exc)
    messages.success(request, _("Participation recorded. Hand over the paper ballot."))
    return redirect("votes:booth_desk", poll_id=poll.pk, booth_id=booth.pk)


@staff_page
@login_required
@require_http_methods(["GET", "POST"])
def booth_tally(request: HttpRequest, poll_id: int, booth_id: int) -> HttpResponse:
    poll = _officer_poll(request, poll_id)
    booth = _booth(poll, booth_id)
    current = selectors.booth_current_tallies(booth)
    options = list(selectors.poll_options(poll))
    form = BoothTallyForm(
        request.POST or None, options=options, initial_counts={pk: t.count for pk, t in current.items()}
    )
    can_enter = permissions.can_enter_tallies(request.user, booth)
    status = 200
    if request.method == "POST":
        if not can_enter:
            return _refusal_page(
                request, poll, NotAllowed(_("Paper tallies are entered after the poll closes and before publication."))
            )
        if form.is_valid():
            try:
                services.booth_tally_enter(
                    booth=booth, officer=_user(request), counts=form.counts(), note=form.cleaned_data["note"]
                )
            except Refused as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("The paper tally was saved."))
                return redirect("votes:booth_tally", poll_id=poll.pk, booth_id=booth.pk)
        else:
            status = 400
    context = {
        "poll": poll,
        "booth": booth,
        "form": form,
        "can_enter": can_enter,
        "history": selectors.booth_tally_history(booth),
        "voters": booth.participations.count(),
    }
    return render(request, "votes/booth_tally.html", context, status=status)
