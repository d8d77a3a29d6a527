"""The bill texts' place in the Wagtail admin: import with preview, list, drafting calendar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from proposals.permissions import can_create_institutional_bill

from . import admin_views

admin_urls = (
    [
        path("", admin_views.draft_list, name="list"),
        path("import/", admin_views.draft_import, name="import"),
        path("<int:pk>/calendar/", admin_views.draft_calendar, name="calendar"),
    ],
    "legislation_admin",
)


@hooks.register("register_admin_urls")
def register_legislation_urls() -> list[Any]:
    return [path("legislation/", include(admin_urls))]


class _AdministratorMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_create_institutional_bill(request.user)


@hooks.register("register_admin_menu_item")
def legislation_menu_item() -> MenuItem:
    return _AdministratorMenuItem(
        _("Bill texts"), reverse("legislation_admin:list"), icon_name="doc-full-inverse", order=215
    )
