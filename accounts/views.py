from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import AccountDeleteForm, ProfileForm
from .models import User


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            user=user,
            display_name=form.cleaned_data["display_name"],
            declared_gender=form.cleaned_data["declared_gender"],
            declared_district=form.cleaned_data["declared_district"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "account": user})


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=user)
        logout(request)
        messages.success(request, _("Your account was deleted."))
        return redirect("/")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)
