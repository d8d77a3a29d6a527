"""Who hears about what happens to a proposal: the rules proposals owns, handed to notifications.

Each function is called from the service that makes the change, inside its transaction;
`notifications.services.notify` waits for the commit, so a rolled-back change tells nobody.
Params carry only public words (titles, public names, counts): never a vote or census data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.roles import MODERATOR
from notifications.kinds import Kind
from notifications.selectors import event_announced
from notifications.services import notify

from .models import Comment, Phase, ProcessPage, Proposal, ProposalStatus
from .selectors import moderation_queue, open_flags

S = ProposalStatus

# Moves the people around a proposal hear about, each as its own kind; others (published → gathering) are noise.
_STATUS_KINDS: dict[str, Kind] = {
    S.QUALIFIED: Kind.SUPPORTED_QUALIFIED,
    S.IN_VOTE: Kind.SUPPORTED_IN_VOTE,
    S.ACCEPTED: Kind.SUPPORTED_DECIDED,
    S.REJECTED: Kind.SUPPORTED_DECIDED,
    S.WITHDRAWN: Kind.PROPOSAL_STATUS,
    S.ARCHIVED: Kind.PROPOSAL_STATUS,
}


def interested(proposal: Proposal) -> QuerySet[User]:
    """Its author, the people who support it with an account, and its followers: each once."""
    return User.objects.filter(
        Q(pk=proposal.author_id) | Q(supports__proposal=proposal) | Q(follows__proposal=proposal)
    ).distinct()


def moderators() -> QuerySet[User]:
    return User.objects.filter(groups__name=MODERATOR, is_active=True).distinct()


def proposal_link(proposal: Proposal, anchor: str = "") -> str:
    try:
        return proposal.process.proposal_url(proposal) + anchor
    except Exception:  # a process page not routable (unpublished tree) must not stop the notice
        return ""


def _status_label_source(status: str) -> str:
    # The English label is the msgid: each recipient's template translates it into their own language.
    with translation.override("en"):
        return str(ProposalStatus(status).label)


def status_changed(*, proposal: Proposal, from_status: str, to_status: str, reason: str, actor: User | None) -> None:
    url = proposal_link(proposal)
    title = proposal.title
    if from_status == S.SUBMITTED and to_status == S.PUBLISHED:
        notify(
            kind=Kind.PROPOSAL_MODERATED,
            recipients=[proposal.author],
            key=f"moderated:{proposal.pk}:approved",
            params={"proposal": title, "approved": 1},
            url=url,
            actor=actor,
        )
    elif to_status == S.HIDDEN:
        notify(
            kind=Kind.PROPOSAL_MODERATED,
            recipients=[proposal.author],
            key=f"moderated:{proposal.pk}:hidden:{timezone.now():%Y%m%d%H%M%S}",
            params={"proposal": title, "approved": 0, "reason": reason[:500]},
            url=url,
            actor=actor,
        )
    elif to_status == S.SUBMITTED:
        moderation_queue_grew()
    kind = _STATUS_KINDS.get(to_status)
    if kind is None:
        return
    params: dict[str, str | int] = {"proposal": title}
    if kind == Kind.SUPPORTED_QUALIFIED:
        params["count"] = proposal.support_count
    elif kind == Kind.SUPPORTED_DECIDED:
        params["accepted"] = int(to_status == S.ACCEPTED)
    elif kind == Kind.PROPOSAL_STATUS:
        params["status"] = _status_label_source(to_status)
    # One notice per proposal and outcome: a proposal going back and forth across its threshold tells once.
    notify(
        kind=kind,
        recipients=interested(proposal),
        key=f"{kind.value}:{proposal.pk}:{to_status}",
        params=params,
        url=url,
        actor=actor,
    )


def comment_posted(comment: Comment) -> None:
    """A reply tells the author of the comment it answers."""
    parent = comment.parent
    if parent is None or parent.author_id == comment.author_id:
        return
    notify(
        kind=Kind.COMMENT_REPLY,
        recipients=[parent.author],
        key=f"comment-reply:{comment.pk}",
        params={"proposal": comment.proposal.title, "author": comment.author.public_name},
        url=proposal_link(comment.proposal, f"#comment-{comment.pk}"),
        actor=comment.author,
    )


def official_answer(comment: Comment, *, moderator: User) -> None:
    proposal = comment.proposal
    notify(
        kind=Kind.PROPOSAL_ANSWERED,
        recipients=interested(proposal),
        key=f"answer:{comment.pk}",
        params={"proposal": proposal.title},
        url=proposal_link(proposal, f"#comment-{comment.pk}"),
        actor=moderator,
    )


def moderation_queue_grew() -> None:
    """New work for moderators, batched: at most one notice per moderator per hour, with the queue's size."""
    count = moderation_queue().count() + open_flags().count()
    notify(
        kind=Kind.MODERATION_QUEUE,
        recipients=moderators(),
        key=f"moderation:{timezone.now():%Y-%m-%dT%H}",
        params={"count": max(count, 1)},
        url=reverse("proposals_moderation:queue"),
    )


def process_followers(process_id: int) -> QuerySet[User]:
    """Who follows a process: everyone who wrote, supports or follows one of its proposals."""
    return User.objects.filter(
        Q(proposals__process_id=process_id)
        | Q(supports__proposal__process_id=process_id)
        | Q(follows__proposal__process_id=process_id),
        is_active=True,
    ).distinct()


# A phase that opened longer ago than this is old news (e.g. on the first run after an upgrade): not announced.
PHASE_NEWS_FOR = timedelta(days=3)
_PHASE_OPENS = {
    Phase.PROPOSALS: "proposals_opens",
    Phase.SUPPORTS: "supports_opens",
    Phase.DEBATE: "debate_opens",
    Phase.VOTE: "vote_opens",
}


def phases_tick(now: datetime | None = None) -> list[str]:
    """Tell a process's followers, once, that one of its phases has begun (run by the close_polls clock)."""
    now = now or timezone.now()
    said: list[str] = []
    for process in ProcessPage.objects.live().specific():
        for phase, field in _PHASE_OPENS.items():
            opens: datetime = getattr(process, field)
            if not (process.is_open(phase, now) and now - opens <= PHASE_NEWS_FOR):
                continue
            key = f"phase:{process.pk}:{phase.value}:{opens:%Y%m%d%H%M}"
            followers = process_followers(process.pk)
            if event_announced(kind=Kind.PHASE_OPENED, key=key) or not followers.exists():
                continue
            with translation.override("en"):
                label = str(phase.label)
            notify(
                kind=Kind.PHASE_OPENED,
                recipients=followers,
                key=key,
                params={"process": process.title, "phase": label},
                url=str(process.url or ""),
            )
            said.append(f"Process {process.pk}: followers told the {phase.value} phase began.")
    return said
