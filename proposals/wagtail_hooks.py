"""The proposals' place in the Wagtail admin: the moderation desk, institutional bills, categories."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.home import HOME_SECTIONS_HOOK, HomeSection

from . import moderation_views as views
from .models import Category
from .notifications import process_followers
from .permissions import can_create_institutional_bill, can_moderate
from .selectors import processes_now, recently_qualified

moderation_urls = (
    [
        path("", views.queue, name="queue"),
        path("all/", views.all_proposals, name="all"),
        path("<int:pk>/", views.detail, name="detail"),
        path("<int:pk>/approve/", views.approve, name="approve"),
        path("<int:pk>/hide/", views.hide, name="hide"),
        path("<int:pk>/restore/", views.restore, name="restore"),
        path("<int:pk>/dismiss-flags/", views.dismiss_flags, name="dismiss_flags"),
        path("<int:pk>/block-author/", views.block, name="block"),
        path("<int:pk>/unblock-author/", views.unblock, name="unblock"),
        path("institutional-bill/", views.institutional_bill_create, name="institutional_bill"),
    ],
    "proposals_moderation",
)


@hooks.register("register_admin_urls")
def register_moderation_urls() -> list[Any]:
    return [path("moderation/", include(moderation_urls))]


class _RoleMenuItem(MenuItem):
    def __init__(self, *args: Any, shown_to: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown_to = shown_to

    def is_shown(self, request: HttpRequest) -> bool:
        return bool(self._shown_to(request.user))


@hooks.register("register_admin_menu_item")
def moderation_menu_item() -> MenuItem:
    return _RoleMenuItem(
        _("Moderation"), reverse("proposals_moderation:queue"), icon_name="warning", order=200, shown_to=can_moderate
    )


@hooks.register("register_admin_menu_item")
def institutional_bill_menu_item() -> MenuItem:
    return _RoleMenuItem(
        _("New institutional bill"),
        reverse("proposals_moderation:institutional_bill"),
        icon_name="doc-full",
        order=210,
        shown_to=can_create_institutional_bill,
    )


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Categories")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(CategoryViewSet)
# Newsletters to "followers of a process": notifications asks through this hook (it cannot import proposals).
hooks.register("notifications_process_followers", process_followers)


@hooks.register(HOME_SECTIONS_HOOK)
def home_processes(request: HttpRequest) -> HomeSection | None:
    """The home page's processes with what can be done in each now, and the proposals that just qualified."""
    processes = processes_now()
    if not processes:
        return None
    return HomeSection(
        10, "proposals/_home_processes.html", {"processes": processes, "qualified": recently_qualified()}
    )


from proposals.debate import wagtail_hooks as debate_wagtail_hooks  # noqa: E402,F401 - Wagtail loads only wagtail_hooks; the debate queue registers there
from proposals.followup import wagtail_hooks as followup_wagtail_hooks  # noqa: E402,F401 - committee scopes register there
