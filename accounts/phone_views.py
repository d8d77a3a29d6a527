"""Pages to confirm a phone: the person's own (profile), and the officer's at the desk for the person present."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from decide.refusals import Refused

from .desk.session import desk_visit_required
from .forms import VerificationCodeForm
from .models import PhoneConfirmation, User
from .phone import phone_confirm, phone_confirmation_start
from .phone_forms import PhoneForm
from .second_factor import staff_page


def _phone_page(request: HttpRequest, *, person: User, template: str, done_url: str) -> HttpResponse:
    """Step 1 sends a code to the number typed; step 2 takes the code back. Shared by both pages."""
    number_form = PhoneForm(request.POST if request.POST.get("step") == "number" else None)
    code_form = VerificationCodeForm(request.POST if request.POST.get("step") == "code" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if getattr(request, "limited", False):
            number_form.add_error(None, _("Too many codes asked for. Wait an hour and try again."))
            status = 429
        elif request.POST.get("step") == "number" and number_form.is_valid():
            try:
                phone_confirmation_start(user=person, phone=number_form.cleaned_data["phone"])
            except Refused as refusal:
                number_form.add_error("phone", refusal.message)
                status = refusal.status
            else:
                status = 200
        elif request.POST.get("step") == "code" and code_form.is_valid():
            try:
                phone_confirm(user=person, code=code_form.cleaned_data["code"])
            except Refused as refusal:
                code_form.add_error("code", refusal.message)
                status = refusal.status
            else:
                messages.success(request, _("The phone is confirmed."))
                return redirect(done_url)
    pending = PhoneConfirmation.objects.filter(user=person).first()
    context = {"number_form": number_form, "code_form": code_form, "person": person, "pending": pending}
    return render(request, template, context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate="5/h", method="POST", group="phone-code-user", block=False)
def phone_own(request: HttpRequest) -> HttpResponse:
    person = request.user
    assert isinstance(person, User)
    return _phone_page(request, person=person, template="accounts/phone.html", done_url="accounts:profile")


@never_cache
@login_required
@staff_page
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate="30/h", method="POST", group="phone-code-desk", block=False)
def phone_at_desk(request: HttpRequest) -> HttpResponse:
    _officer, person, _visit = desk_visit_required(request)
    return _phone_page(request, person=person, template="accounts/desk/phone.html", done_url="accounts:desk")
