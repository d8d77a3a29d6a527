"""The census in the Wagtail admin: imports (with progress and problems) and unbinding."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from . import admin_views
from .permissions import can_import_census, can_unbind


class CensusMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_import_census(request.user) or can_unbind(request.user)


class CensusViewSet(ViewSet):
    name = "census"
    icon = "group"
    menu_label = _("Census")
    add_to_admin_menu = True
    menu_order = 8000

    @property
    def menu_item_class(self) -> type[MenuItem]:
        return CensusMenuItem

    def get_urlpatterns(self) -> list[URLPattern]:
        return [
            path("", admin_views.CensusIndexView.as_view(), name="index"),
            path("import/", admin_views.CensusImportCreateView.as_view(), name="import"),
            path("import/<int:pk>/", admin_views.CensusImportDetailView.as_view(), name="import_detail"),
            path("unbind/", admin_views.CensusUnbindView.as_view(), name="unbind"),
        ]


@hooks.register("register_admin_viewset")
def register_census_viewset() -> Any:
    return CensusViewSet()
