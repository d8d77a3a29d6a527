"""Pages for verification: the citizen's own, the SMS code step, and the officer's in-person form."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from decide.refusals import NotAllowed

from .forms import AssistedVerificationForm, VerificationCodeForm, VerificationForm
from .models import User
from .permissions import can_assist_verification, can_verify_self
from .second_factor import staff_page
from .verification import (
    AssistedOutcome,
    Outcome,
    census_assisted_verify,
    citizen_verify,
    citizen_verify_code,
    sms_step_enabled,
)


def _rate(setting: str, default: str) -> Callable[[str, HttpRequest], str]:
    """Rates read from settings at request time, so a deployment (or a test) can change them."""
    return lambda group, request: str(getattr(settings, setting, default))


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _limited(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/verify_limited.html", status=429)


NO_MATCH_MESSAGE = gettext_lazy(
    "We could not verify you with these details. Check the document number and the birth date and try again."
)


@never_cache
@login_required
@ratelimit(
    key="user", rate=_rate("CENSUS_VERIFY_RATE_USER", "5/h"), method="POST", group="census-verify-user", block=False
)
@ratelimit(key="ip", rate=_rate("CENSUS_VERIFY_RATE_IP", "30/h"), method="POST", group="census-verify-ip", block=False)
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.is_verified:
        return render(request, "accounts/verify_done.html")
    if not can_verify_self(user):
        raise NotAllowed(_("Your account cannot be verified now."))
    if getattr(request, "limited", False):
        return _limited(request)
    form = VerificationForm(request.POST or None, with_phone=sms_step_enabled())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outcome = citizen_verify(
                    user=user,
                    document_number=form.cleaned_data["document_number"],
                    birth_date=form.cleaned_data["birth_date"],
                    phone=form.cleaned_data.get("phone", ""),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if outcome == Outcome.VERIFIED:
                    messages.success(request, _("You are now a verified citizen: you can support proposals and vote."))
                    return redirect("accounts:profile")
                if outcome == Outcome.CODE_SENT:
                    return redirect("accounts:verify_code")
                # The same words whether the document is unknown or taken: nothing leaks.
                form.add_error(None, NO_MATCH_MESSAGE)
    return render(request, "accounts/verify.html", {"form": form, "sms": sms_step_enabled()}, status=status)


@never_cache
@login_required
@ratelimit(
    key="user", rate=_rate("CENSUS_VERIFY_CODE_RATE_USER", "10/h"), method="POST", group="census-code", block=False
)
def verify_code(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.is_verified:
        return redirect("accounts:profile")
    if getattr(request, "limited", False):
        return _limited(request)
    form = VerificationCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = citizen_verify_code(user=user, code=form.cleaned_data["code"])
            if outcome == Outcome.VERIFIED:
                messages.success(request, _("You are now a verified citizen: you can support proposals and vote."))
                return redirect("accounts:profile")
            if outcome == Outcome.CODE_EXPIRED:
                messages.error(request, _("The code expired or was tried too many times. Start again."))
                return redirect("accounts:verify")
            if outcome == Outcome.CODE_WRONG:
                form.add_error("code", _("That code is not right."))
            else:
                form.add_error(None, NO_MATCH_MESSAGE)
    return render(request, "accounts/verify_code.html", {"form": form}, status=status)


ASSISTED_MESSAGES = {
    AssistedOutcome.NO_MATCH: gettext_lazy("No census record matches this document number and birth date."),
    AssistedOutcome.CHECKED: gettext_lazy("Identity confirmed: this person is in the census."),
    AssistedOutcome.VERIFIED: gettext_lazy("Verified: the account is now bound to this person's census record."),
    AssistedOutcome.ALREADY_THIS_ACCOUNT: gettext_lazy("This account was already verified with this person's record."),
    AssistedOutcome.ACCOUNT_NOT_FOUND: gettext_lazy("No active account uses this email. The person can sign up first."),
    AssistedOutcome.ACCOUNT_ALREADY_VERIFIED: gettext_lazy(
        "This account is already verified with another census record."
    ),
    AssistedOutcome.RECORD_BOUND_ELSEWHERE: gettext_lazy(
        "This person's census record is bound to another account. An administrator can unbind it "
        "if the person lost access to it or it was used by someone else."
    ),
}
ASSISTED_SUCCESS = {AssistedOutcome.CHECKED, AssistedOutcome.VERIFIED, AssistedOutcome.ALREADY_THIS_ACCOUNT}


@staff_page
@never_cache
@login_required
@ratelimit(
    key="user", rate=_rate("CENSUS_ASSISTED_RATE_USER", "120/h"), method="POST", group="census-assisted", block=False
)
def assisted_verify(request: HttpRequest) -> HttpResponse:
    officer = _user(request)
    if not can_assist_verification(officer):
        raise NotAllowed(_("Only officers verify people in person."))
    if getattr(request, "limited", False):
        return _limited(request)
    initial = {"location": request.session.get("officer_location", "")}
    form = AssistedVerificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        result = census_assisted_verify(
            officer=officer,
            document_number=form.cleaned_data["document_number"],
            birth_date=form.cleaned_data["birth_date"],
            location=form.cleaned_data["location"],
            account_email=form.cleaned_data["account_email"],
        )
        # Officers verify many people from the same booth: keep the place, clear the person.
        request.session["officer_location"] = form.cleaned_data["location"]
        message = ASSISTED_MESSAGES[result.outcome]
        if result.outcome in ASSISTED_SUCCESS:
            messages.success(request, message)
            request.session["officer_last_result"] = {
                "district": str(result.record.district) if result.record else "",
                "has_account": result.record_has_account,
            }
            return redirect("accounts:assisted_verify")
        form.add_error(None, message)
    last = request.session.pop("officer_last_result", None) if request.method == "GET" else None
    status = 400 if form.errors else 200
    return render(request, "accounts/assisted_verify.html", {"form": form, "last": last}, status=status)
