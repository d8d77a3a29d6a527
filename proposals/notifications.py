"""Emails about proposals, always sent after commit so a rolled-back change mails nobody."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Proposal
from .selectors import follower_emails

logger = logging.getLogger(__name__)


def _send(subject: str, body: str, recipients: list[str]) -> None:
    # One message per recipient: followers never see each other's addresses.
    messages = tuple((subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients)
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # a mail server down must not turn a committed support into an error page
        logger.exception("qualification emails not sent")


def notify_qualified(proposal: Proposal, *, url: str = "") -> None:
    """Tell the author and the followers that `proposal` reached its support threshold."""
    recipients = follower_emails(proposal)
    subject = _("“%(title)s” has enough supports to go to a vote") % {"title": proposal.title}
    body = _(
        "The proposal “%(title)s” has reached %(count)s supports, the threshold of its process.\n"
        "It is now qualified for a vote.\n\n%(url)s\n"
    ) % {"title": proposal.title, "count": proposal.support_count, "url": url}
    transaction.on_commit(lambda: _send(subject, body, recipients))
