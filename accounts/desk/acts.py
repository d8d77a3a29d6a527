"""What an officer can do for a person during a desk visit: apps above accounts add their acts here.

accounts cannot import proposals; proposals registers "support a proposal" and "submit a
proposal" from its AppConfig.ready(), and the desk page lists whatever is registered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DeskAct:
    label: str | Promise
    url_name: str


_ACTS: list[DeskAct] = []


def desk_act_register(act: DeskAct) -> None:
    if act not in _ACTS:
        _ACTS.append(act)


def desk_acts() -> list[DeskAct]:
    return list(_ACTS)


# Audit actions that are acts for a person at a desk (the acts view lists them).
ACT_ACTIONS_PREFIXES = ("desk.", "assisted.")

# How each act reads in the acts list; an app recording acts of its own adds their labels with
# act_label_register (the dictionary stays private to this module).
_ACT_LABELS: dict[str, str | Promise] = {
    "desk.lookup": _("Looked up a person (not found or account closed)"),
    "desk.person_registered": _("Opened an account for a person"),
    "desk.person_found": _("Found a person's account and gave a sign-in code"),
}


def act_label_register(action: str, label: str | Promise) -> None:
    """How the audit action `action` (prefixed "desk." or "assisted.") reads in the acts list."""
    if not action.startswith(ACT_ACTIONS_PREFIXES):
        raise ValueError(f"{action!r} is not a desk act: its name starts with one of {ACT_ACTIONS_PREFIXES}")
    _ACT_LABELS[action] = label


def act_label(action: str) -> str:
    return str(_ACT_LABELS.get(action, action))
