"""The public name of an account: chosen by the person, never derived from their email.

A name is shown beside every proposal and comment, to anyone. Deriving it from the email (its
local part) published half of an address people never agreed to show; so a name is asked for at
sign-up, and an account that has none (created by an administrator, an old account) gets a
neutral generated one, "Participante 4821", that says nothing about the person.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from decide.sanitize import plain_text

DISPLAY_NAME_MIN = 2
DISPLAY_NAME_MAX = 80
# Something@something.something anywhere in the name: an email address, even inside other words.
_EMAIL_ADDRESS = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def display_name_generate() -> str:
    """A neutral name in the site's language, for an account that has not chosen one.

    Random, not the account's id: two generated names say nothing of when either account was opened.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return f"{gettext('Participant')} {1000 + secrets.randbelow(9000)}"


def display_name_clean(value: str) -> str:
    """The name as it will be stored (plain text, trimmed), or a ValidationError saying what to change."""
    name = " ".join(plain_text(value).split())
    if len(name) < DISPLAY_NAME_MIN:
        raise ValidationError(
            _("Choose a public name of at least %(min)d characters."),
            code="too_short",
            params={"min": DISPLAY_NAME_MIN},
        )
    if len(name) > DISPLAY_NAME_MAX:
        raise ValidationError(
            _("Choose a public name of at most %(max)d characters."), code="too_long", params={"max": DISPLAY_NAME_MAX}
        )
    if _EMAIL_ADDRESS.search(name):
        raise ValidationError(
            _("Your public name is shown to everyone: do not put an email address in it."), code="email"
        )
    return name
