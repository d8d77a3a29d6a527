"""Administrators name the committee's categories in the Wagtail admin (the role itself is the `committee` group)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CommitteeScope


class CommitteeScopeViewSet(SnippetViewSet):
    model = CommitteeScope
    icon = "group"
    menu_label = _("Committee scopes")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["user", "category"]
    list_filter = ["category"]


register_snippet(CommitteeScopeViewSet)
