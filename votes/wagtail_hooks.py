"""Wagtail admin registrations of the voting app (polls and their questions)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import AdministratorPolicy, VotingGroup
from .models import Poll, Question

# The administrator role runs polls (not Django model permissions, which no group carries).
register_permission_policy(Poll, AdministratorPolicy(Poll), exact_class=True)
register_permission_policy(Question, AdministratorPolicy(Question), exact_class=True)


@hooks.register("register_admin_viewset")
def register_voting_admin() -> VotingGroup:
    return VotingGroup()
