"""Staff pages open only to a session that passed its second factor (production settings turn this on).

The rule itself is `accounts.second_factor.staff_mfa_refusal`; this middleware applies it to every
page marked `@staff_page` and to everything under the admins (Wagtail's /admin/, Django's
/django-admin/), sending the person to type their code (or to enrol an authenticator first) and
back. It also withholds the session's roles, so any other staff route refuses by its own predicate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from .second_factor import SecondFactorMissing, is_staff_page, staff_mfa_refusal, withhold_roles

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class StaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = staff_mfa_refusal(request.user, getattr(request, "session", None))
        if refusal is not None:
            withhold_roles(request.user)
        request._decide_second_factor_missing = refusal  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        refusal: SecondFactorMissing | None = getattr(request, "_decide_second_factor_missing", None)
        if refusal is None:
            return None
        if not (is_staff_page(view_func) or request.path_info.startswith(ADMIN_PREFIXES)):
            return None
        target = reverse("mfa_reauthenticate" if refusal.enrolled else "mfa_activate_totp")
        if request.method in ("GET", "HEAD"):
            # Back to this page once the code is typed (a refused POST comes back to nothing: it is not replayed).
            target = f"{target}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
        return HttpResponseRedirect(target)
