"""Who may act offline: officers at the desk; officers and administrators enter signature sheets."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.permissions import Actor, can_assist_verification
from accounts.roles import ADMINISTRATOR, has_role

from ..models import Proposal
from ..permissions import supports_open


def sheet_entry_refusal(user: Actor, proposal: Proposal) -> str | None:
    """Why `user` cannot enter a signature sheet for `proposal` now, or None."""
    if not (can_assist_verification(user) or has_role(user, ADMINISTRATOR)):
        return _("Only officers and administrators enter signature sheets.")
    if not supports_open(proposal):
        return _("This proposal is not collecting supports now.")
    return None
