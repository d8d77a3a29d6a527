"""Pages of the officer desk (start and end a visit, the acts list) and the public sign-in with a code."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.desk.acts import ACT_ACTIONS_PREFIXES, act_label, desk_acts
from accounts.desk.forms import DeskPersonForm, LoginCodeForm
from accounts.desk.services import desk_person_register, login_code_redeem
from accounts.desk.session import desk_visit_current, desk_visit_end, desk_visit_start
from accounts.models import AuditEntry, User
from accounts.permissions import can_assist_verification
from accounts.roles import ADMINISTRATOR, has_role
from accounts.second_factor import staff_page
from decide.refusals import NotAllowed, Refused

ACTS_SHOWN = 200


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not can_assist_verification(user):
        raise NotAllowed(_("Only officers work at the desk."))
    return user


@never_cache
@login_required
@staff_page
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    """Start a visit (find or register the person) or see the visit under way and what can be done."""
    officer = _officer(request)
    visit = desk_visit_current(request)
    form = DeskPersonForm(request.POST or None)
    status, issued = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                issued = desk_person_register(
                    officer=officer,
                    document_number=data["document_number"],
                    birth_date=data["birth_date"],
                    location=data["location"],
                    display_name=data["display_name"],
                    phone=data["phone"],
                )
            except Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                if issued.person is None:
                    form.add_error(None, issued.problem)
                    issued = None
                else:
                    visit = desk_visit_start(request, person=issued.person, location=form.cleaned_data["location"])
                    status = 200
    person = User.objects.filter(pk=visit.person_id).first() if visit else None
    context = {"form": form, "visit": visit, "person": person, "issued": issued, "acts": desk_acts()}
    return render(request, "accounts/desk/desk.html", context, status=status)


@login_required
@staff_page
@require_POST
def desk_end(request: HttpRequest) -> HttpResponse:
    _officer(request)
    desk_visit_end(request)
    return redirect("accounts:desk")


@never_cache
@login_required
@staff_page
@require_GET
def desk_acts_log(request: HttpRequest) -> HttpResponse:
    """Every act at a desk with the officer's name: officers see their own, administrators everyone's."""
    officer = request.user
    if not isinstance(officer, User) or not (can_assist_verification(officer) or has_role(officer, ADMINISTRATOR)):
        raise NotAllowed(_("Only officers and administrators see the acts recorded at the desk."))
    prefixes = Q()
    for prefix in ACT_ACTIONS_PREFIXES:
        prefixes |= Q(action__startswith=prefix)
    entries = AuditEntry.objects.filter(prefixes).select_related("actor").order_by("-created_at")
    if not has_role(officer, ADMINISTRATOR):
        entries = entries.filter(actor=officer)
    rows = [(entry, act_label(entry.action)) for entry in entries[:ACTS_SHOWN]]
    return render(request, "accounts/desk/acts.html", {"rows": rows})


def _code_rate(group: str, request: HttpRequest) -> str:
    return str(getattr(settings, "LOGIN_CODE_RATE_IP", "10/h"))


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_code_rate, method="POST", group="login-code-ip", block=False)
def code_login(request: HttpRequest) -> HttpResponse:
    """A person registered at a desk signs in with the one-time code the officer gave them."""
    form = LoginCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many attempts. Wait an hour, or ask at the desk for a new code."))
            status = 429
        elif form.is_valid():
            try:
                person = login_code_redeem(code=form.cleaned_data["code"])
            except Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                login(request, person, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(reverse("accounts:profile"))
    return render(request, "accounts/desk/code_login.html", {"form": form}, status=status)
