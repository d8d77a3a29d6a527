"""Wagtail admin registrations of the voting app (polls and their questions, the platform's activity)."""

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import register_permission_policy

from cms.home import HOME_SECTIONS_HOOK, HomeSection

from .admin_views import AdministratorPolicy, VotingGroup
from .models import Poll, Question
from .results.admin import ActivityView
from .results.permissions import can_read_activity
from .selectors import open_polls

# The administrator role runs polls (not Django model permissions, which no group carries).
register_permission_policy(Poll, AdministratorPolicy(Poll), exact_class=True)
register_permission_policy(Question, AdministratorPolicy(Question), exact_class=True)


@hooks.register("register_admin_viewset")
def register_voting_admin() -> VotingGroup:
    return VotingGroup()


class ActivityMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_read_activity(request.user)


class ActivityViewSet(ViewSet):
    """The platform's weekly activity by stage and channel (administrators; votes.results.admin)."""

    name = "activity"
    icon = "table"
    menu_label = _("Platform activity")
    add_to_admin_menu = True
    menu_order = 8200

    @property
    def menu_item_class(self) -> type[MenuItem]:
        return ActivityMenuItem

    def get_urlpatterns(self) -> list[URLPattern]:
        return [path("", ActivityView.as_view(), name="index")]


@hooks.register("register_admin_viewset")
def register_activity_admin() -> Any:
    return ActivityViewSet()


@hooks.register(HOME_SECTIONS_HOOK)
def home_open_polls(request: HttpRequest) -> HomeSection | None:
    """The polls open now, on the home page, each with its deadline and a call to vote."""
    polls = list(open_polls()[:6])
    return HomeSection(5, "votes/_home_polls.html", {"polls": polls}) if polls else None
