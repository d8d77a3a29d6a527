"""Every kind of notification, and on which channels each may travel.

The owning app decides *who* hears about an event; this module decides *how*: every kind
reaches the in-app centre, most reach email (immediately or in the daily digest, per the
person's choice), and only the few that ask a person to act before a deadline may use SMS.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMMENT_REPLY = "comment_reply", _("A reply to my comment")
    PROPOSAL_ANSWERED = "proposal_answered", _("An official answer to a proposal I follow")
    PROPOSAL_STATUS = "proposal_status", _("A proposal I follow changed status")
    PROPOSAL_MODERATED = "proposal_moderated", _("My proposal was approved or rejected")
    SUPPORTED_QUALIFIED = "supported_qualified", _("A proposal I follow reached its threshold")
    SUPPORTED_IN_VOTE = "supported_in_vote", _("A proposal I follow went to a vote")
    SUPPORTED_DECIDED = "supported_decided", _("A proposal I follow was decided")
    POLL_OPENED = "poll_opened", _("A vote opened in my district")
    POLL_REMINDER = "poll_reminder", _("A vote I have not taken part in closes soon")
    RESULTS_PUBLISHED = "results_published", _("Results of a vote I could take part in")
    PHASE_OPENED = "phase_opened", _("A new phase in a process I follow")
    MODERATION_QUEUE = "moderation_queue", _("New items in the moderation queue")
    NEWSLETTER = "newsletter", _("Newsletters")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


# Kinds a person may receive by SMS (opt-in): the ones with a deadline for taking part.
SMS_KINDS: frozenset[Kind] = frozenset({Kind.POLL_OPENED, Kind.POLL_REMINDER, Kind.RESULTS_PUBLISHED})

# Kinds never held for the daily digest: a newsletter is itself an email, and a reminder late is no reminder.
NEVER_DIGESTED: frozenset[Kind] = frozenset({Kind.NEWSLETTER, Kind.POLL_REMINDER})


def channels_for(kind: Kind | str) -> frozenset[Channel]:
    """Channels beyond the in-app centre (which every kind reaches)."""
    if Kind(kind) in SMS_KINDS:
        return frozenset({Channel.EMAIL, Channel.SMS})
    return frozenset({Channel.EMAIL})
