"""One sign-in path for everyone: allauth's, with its rate limits, lock-out, email confirmation and second factor.

The Wagtail and Django admins each ship a login form of their own that skips all of that
(issue 13: unlimited guesses, no second factor, a right password told from a wrong one).
Their login URLs are routed here instead and send the person to allauth's form.
"""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView as AllauthLoginView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from decide.refusals import NotAllowed


@never_cache
def to_allauth_login(request: HttpRequest) -> HttpResponse:
    """The admins' and Wagtail's login URLs: no form of their own; allauth's instead, keeping ?next=."""
    if request.user.is_authenticated:
        # Signed in but sent to a login form: the admin refused this account. Sending it on to allauth's
        # form would bounce straight back (allauth redirects signed-in people to ?next=), so say why here.
        raise NotAllowed(_("You are signed in, and this account may not open that page. Sign out to use another."))
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = ""
    default = "/" if request.path_info.startswith("/_util/") else request.path_info.rsplit("login/", 1)[0]
    return redirect_to_login(next_url or default, login_url=reverse("account_login"))


class LoginView(AllauthLoginView):
    """allauth's sign-in form, answering 429 (not 200) once the failed-sign-in limit refuses the attempt."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="too_many_login_attempts"):
            response.status_code = 429
        return response


login = LoginView.as_view()
