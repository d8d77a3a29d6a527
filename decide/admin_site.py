"""The Django admin is for superusers only, and signs no one in: its login URL sends people to allauth's.

Moderators, officers and administrators work in the Wagtail admin (/admin/); the Django admin
(/django-admin/) stays for the superuser's repairs (an email address, a lost authenticator).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts.login_views import to_allauth_login
from decide.refusals import NotAllowed


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        """Superusers only. Other staff are told so (403); anyone else is sent to sign in."""
        user = request.user
        if user.is_active and user.is_superuser:
            return True
        if user.is_active and user.is_staff:
            raise NotAllowed(_("The data administration is for superusers only."))
        return False

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return to_allauth_login(request)
