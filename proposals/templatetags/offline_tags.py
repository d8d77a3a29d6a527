"""Template predicates of offline participation (the proposal page links to sheets only for those who enter them)."""

from __future__ import annotations

from django import template

from proposals.models import Proposal
from proposals.offline.permissions import sheet_entry_refusal

register = template.Library()


@register.filter
def can_enter_sheet(user: object, proposal: Proposal) -> bool:
    return sheet_entry_refusal(user, proposal) is None  # type: ignore[arg-type]
