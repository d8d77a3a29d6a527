"""The census in the Wagtail admin: imports (with progress and problems) and unbinding."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from . import admin_views, audit_admin
from .permissions import can_import_census, can_read_audit_log, can_unbind


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


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_read_audit_log(request.user)


class AuditLogViewSet(ViewSet):
    """The audit log (administrators): filter, pages, CSV download (accounts.audit_admin)."""

    name = "audit_log"
    url_prefix = "audit"
    icon = "history"
    menu_label = _("Audit log")
    add_to_admin_menu = True
    menu_order = 8100

    @property
    def menu_item_class(self) -> type[MenuItem]:
        return AuditLogMenuItem

    def get_urlpatterns(self) -> list[URLPattern]:
        return [
            path("", audit_admin.AuditLogView.as_view(), name="index"),
            path("audit-log.csv", audit_admin.audit_log_csv, name="csv"),
        ]


@hooks.register("register_admin_viewset")
def register_audit_log_viewset() -> Any:
    return AuditLogViewSet()
