"""Wagtail admin registrations of the voting app (polls and their questions)."""

from django.http import HttpRequest
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from cms.home import HOME_SECTIONS_HOOK, HomeSection

from .admin_views import AdministratorPolicy, VotingGroup
from .models import Poll, Question
from .selectors import open_polls

# The administrator role runs polls (not Django model permissions, which no group carries).
register_permission_policy(Poll, AdministratorPolicy(Poll), exact_class=True)
register_permission_policy(Question, AdministratorPolicy(Question), exact_class=True)


@hooks.register("register_admin_viewset")
def register_voting_admin() -> VotingGroup:
    return VotingGroup()


@hooks.register(HOME_SECTIONS_HOOK)
def home_open_polls(request: HttpRequest) -> HomeSection | None:
    """The polls open now, on the home page, each with its deadline and a call to vote."""
    polls = list(open_polls()[:6])
    return HomeSection(5, "votes/_home_polls.html", {"polls": polls}) if polls else None
