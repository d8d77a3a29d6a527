"""The notification centre, its settings, and the one-click unsubscribe link (thin: services do the writes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decide.refusals import Invalid

from . import messages as texts
from .forms import NotificationSettingsForm
from .kinds import Kind
from .selectors import INBOX_PAGE, inbox, unread_count
from .services import (
    email_unsubscribe,
    notification_read,
    notification_settings_of,
    notification_settings_update,
    notifications_read_all,
)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    assert request.user.pk is not None  # login_required
    page = Paginator(inbox(request.user.pk), INBOX_PAGE).get_page(request.GET.get("page"))
    # A page speaks the language it is read in (the header's choice): emails and texts, which arrive
    # unasked, use the account's preferred language instead.
    language = translation.get_language() or request.user.preferred_language
    items = [
        (notification, texts.inapp_text(kind=notification.kind, params=notification.params, language=language))
        for notification in page.object_list
    ]
    return render(
        request,
        "notifications/list.html",
        {"inbox_page": page, "items": items, "unread": unread_count(request.user.pk)},
    )


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one as read; with "open", go where it points (a plain form: works without JavaScript)."""
    notification = notification_read(user=request.user, notification_id=notification_id)  # type: ignore[arg-type]
    target = _safe_next(request, notification.url) if request.POST.get("open") else ""
    return redirect(target or "notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_read_all(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = notification_settings_of(request.user)  # type: ignore[arg-type]
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            notification_settings_update(
                user=request.user,  # type: ignore[arg-type]
                email_mode=form.cleaned_data["email_mode"],
                sms=form.cleaned_data["sms"],
                newsletter=form.cleaned_data["newsletter"],
                muted_kinds=[kind for kind in Kind.values if request.POST.get(f"mute_{kind}")],
            )
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:settings")
        status = 400
    else:
        form = NotificationSettingsForm(
            initial={"email_mode": current.email_mode, "sms": current.sms, "newsletter": current.newsletter}
        )
        status = 200
    kinds = [(kind.value, kind.label, kind.value in current.muted_kinds) for kind in Kind if kind != Kind.NEWSLETTER]
    return render(request, "notifications/settings.html", {"form": form, "kinds": kinds}, status=status)


# No CSRF token and no sign-in: the signature of the link is the authority (RFC 8058 one-click POST from mail clients).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        _user, kind = email_unsubscribe(token=token)
    except Invalid:
        # The signature is the link's only credential: one that does not match is unauthorised.
        return render(request, "notifications/unsubscribed.html", {"invalid": True}, status=401)
    label = "" if kind == "*" else Kind(kind).label
    return render(request, "notifications/unsubscribed.html", {"kind_label": label, "all": kind == "*"})
