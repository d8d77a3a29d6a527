"""Pages of offline participation: acts at the desk, signature sheets, the printable sheet, the SMS webhook."""

from __future__ import annotations

import json

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.desk.session import desk_visit_required
from accounts.models import User
from accounts.second_factor import staff_page
from accounts.sms import sms_gateway
from decide.refusals import NotAllowed, Refused

from .. import permissions
from ..debate.selectors import proposal_page_url
from ..models import Proposal, SignatureSheet
from ..selectors import process_support_threshold
from . import services
from .forms import DeskProposalForm, DeskSupportForm, SignatureSheetForm
from .permissions import sheet_entry_refusal
from .sheets import ROWS_PER_SHEET, sheet_lines_from_csv


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotAllowed(_("Sign in first."))
    return request.user


@never_cache
@login_required
@staff_page
@require_http_methods(["GET", "POST"])
def desk_support(request: HttpRequest) -> HttpResponse:
    """During a desk visit: register a support for the person present, by the proposal's short code."""
    officer, person, visit = desk_visit_required(request)
    form = DeskSupportForm(request.POST or None)
    status, done = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            proposal = Proposal.objects.filter(short_code=form.cleaned_data["code"]).first()
            if proposal is None or not permissions.can_view_proposal(person, proposal):
                form.add_error("code", _("No public proposal has this code."))
            else:
                try:
                    services.assisted_support_add(
                        officer=officer, person=person, location=visit.location, proposal=proposal
                    )
                except Refused as refusal:
                    form.add_error(None, refusal.message)
                    status = refusal.status
                else:
                    done, status, form = proposal, 200, DeskSupportForm()
    context = {"form": form, "person": person, "visit": visit, "done": done}
    return render(request, "proposals/offline/desk_support.html", context, status=status)


@never_cache
@login_required
@staff_page
@require_http_methods(["GET", "POST"])
def desk_propose(request: HttpRequest) -> HttpResponse:
    """During a desk visit: type a proposal in the person's name (they are its author)."""
    officer, person, visit = desk_visit_required(request)
    form = DeskProposalForm(request.POST or None)
    status, done = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = services.assisted_proposal_submit(
                    officer=officer,
                    person=person,
                    location=visit.location,
                    process=data["process"],
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                    category=data["category"],
                    district=data["district"],
                )
            except Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            except ValidationError as error:  # the proposal's own checks (empty title...): shown on the form
                form.add_error(None, error)
            else:
                status = 200
    context = {"form": form, "person": person, "visit": visit, "done": done}
    return render(request, "proposals/offline/desk_propose.html", context, status=status)


@never_cache
@login_required
@staff_page
@require_http_methods(["GET", "POST"])
def sheet_new(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Enter a paper signature sheet (20 rows or a CSV file) for one proposal."""
    actor = _actor(request)
    proposal = get_object_or_404(Proposal.objects.select_related("process", "author"), pk=proposal_id)
    if reason := sheet_entry_refusal(actor, proposal):
        raise NotAllowed(reason)
    form = SignatureSheetForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data.get("csv_file")
            try:
                lines = sheet_lines_from_csv(upload.read(300 * 1024)) if upload else form.typed_lines()
                entry = services.signature_sheet_enter(
                    actor=actor,
                    proposal=proposal,
                    lines=lines,
                    reference=form.cleaned_data["reference"],
                    location=form.cleaned_data["location"],
                )
            except Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                response = redirect("proposals:sheet_detail", sheet_id=entry.sheet.pk)
                if not entry.created:
                    response["Location"] += "?again=1"
                return response
    context = {"form": form, "proposal": proposal, "rows": ROWS_PER_SHEET}
    return render(request, "proposals/offline/sheet_new.html", context, status=status)


@never_cache
@login_required
@staff_page
@require_GET
def sheet_detail(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """A sheet as entered: counts, and every row's outcome by line (no document numbers)."""
    actor = _actor(request)
    sheet = get_object_or_404(SignatureSheet.objects.select_related("proposal__process", "entered_by"), pk=sheet_id)
    if sheet_entry_refusal(actor, sheet.proposal) == _("Only officers and administrators enter signature sheets."):
        raise NotAllowed(_("Only officers and administrators see signature sheets."))
    context = {
        "sheet": sheet,
        "rows": sheet.rows.all(),
        "again": request.GET.get("again") == "1",
        "proposal_url": proposal_page_url(sheet.proposal),
    }
    return render(request, "proposals/offline/sheet_detail.html", context)


@require_GET
def print_sheet(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The printable proposal: title, summary, threshold, a QR code to its page, a numbered signature table."""
    proposal = get_object_or_404(Proposal.objects.select_related("process", "author"), pk=proposal_id)
    if not permissions.can_view_proposal(request.user, proposal):
        raise Http404
    url = request.build_absolute_uri(proposal_page_url(proposal))
    qr_svg = segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff", omitsize=False)
    context = {
        "proposal": proposal,
        "url": url,
        "qr_svg": qr_svg,
        "threshold": process_support_threshold(proposal.process),
        "rows": range(1, ROWS_PER_SHEET + 1),
    }
    return render(request, "proposals/offline/print_sheet.html", context)


@csrf_exempt  # the provider cannot hold a CSRF token; the HMAC signature of the body authenticates it
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """The SMS provider posts each message a person texts to our number; we act once per message id."""
    try:
        message = sms_gateway().inbound(request)
    except Refused as refusal:
        return JsonResponse({"error": refusal.message}, status=refusal.status)
    entry = services.sms_inbound_handle(message=message)
    return HttpResponse(json.dumps({"outcome": entry.outcome, "reply": entry.reply}), content_type="application/json")
