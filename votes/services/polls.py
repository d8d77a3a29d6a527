"""Polls, written by administrators: create, edit (wording only once open), open, close, shuffle.

Once a poll opens only its wording may change: the ballot paper, scope, channels and dates are fixed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.audit import audit_record
from accounts.models import District, Province, User
from legislation.models import Version
from proposals.models import Proposal, ProposalKind, ProposalStatus
from votes.models import Ballot, BallotChoice, Booth, Option, OutcomeRule, Poll, Question
from votes.refusals import PollLocked

# The first question's options, in the language of whoever creates the poll (a context: "Yes" the option, not the word).
DEFAULT_OPTIONS = (
    pgettext_lazy("poll option", "Yes"),
    pgettext_lazy("poll option", "No"),
    pgettext_lazy("poll option", "Abstain"),
)
# Casts that passed the open check just before the close get time to commit before the shuffle.
SHUFFLE_GRACE = timedelta(minutes=2)

# Once a poll opens only its wording may change: the ballot paper, scope, channels and dates are fixed.
POLL_FIELDS_EDITABLE_WHEN_OPEN = frozenset({"title", "description"})
POLL_FIELDS = (
    "process",
    "title",
    "description",
    "opens_at",
    "closes_at",
    "scope_province",
    "scope_district",
    "allow_web",
    "allow_booth",
    "outcome_rule",
    "quorum_percent",
    "version",
)


def votable_proposals(poll: Poll) -> list[Proposal]:
    """What may be put to a vote: qualified proposals, and institutional bills from publication."""
    statuses = [ProposalStatus.QUALIFIED, ProposalStatus.IN_VOTE]
    return [
        p
        for p in Proposal.objects.filter(process_id=poll.process_id)
        if p.status in statuses or (p.kind == ProposalKind.INSTITUTIONAL and p.status == ProposalStatus.PUBLISHED)
    ]


def _check_proposals(poll: Poll, proposals: Iterable[Proposal]) -> list[Proposal]:
    allowed = {p.pk for p in votable_proposals(poll)}
    chosen = list(proposals)
    for proposal in chosen:
        if proposal.pk not in allowed:
            raise ValidationError(
                _(
                    "“%(title)s” cannot be put to the vote: only qualified proposals "
                    "and institutional bills of this process can."
                )
                % {"title": proposal.title}
            )
    return chosen


@transaction.atomic
def poll_create(
    *,
    actor: User,
    process: Any,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    scope_province: Province | None = None,
    scope_district: District | None = None,
    allow_web: bool = True,
    allow_booth: bool = True,
    outcome_rule: str = OutcomeRule.SIMPLE,
    quorum_percent: int = 0,
    proposals: Iterable[Proposal] = (),
    version: Version | None = None,
    question_text: str = "",
    option_labels: list[str] | None = None,
    max_choices: int = 1,
    blank_label: str = "",
) -> Poll:
    """Schedule a poll; with `question_text`, its first question (yes / no / abstain unless told)."""
    poll = Poll(
        process=process,
        title=title,
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        scope_province=scope_province,
        scope_district=scope_district,
        allow_web=allow_web,
        allow_booth=allow_booth,
        outcome_rule=outcome_rule,
        quorum_percent=quorum_percent,
        version=version,
    )
    poll.full_clean()
    _check_version(poll)
    poll.save()
    poll.proposals.set(_check_proposals(poll, proposals))
    if question_text:
        _question_write(
            poll=poll,
            question=None,
            text=question_text,
            max_choices=max_choices,
            position=0,
            option_labels=option_labels or [str(label) for label in DEFAULT_OPTIONS],
            # The default "Abstain" is a blank vote: cast, never valid (see votes.results.outcome).
            blank_label=blank_label if option_labels else str(DEFAULT_OPTIONS[-1]),
        )
    audit_record(actor=actor, action="poll.create", target=poll, detail={"title": title})
    if poll.has_opened():
        poll_open(poll=poll, actor=actor)
    return poll


@transaction.atomic
def poll_update(*, actor: User, poll: Poll, proposals: Iterable[Proposal] | None = None, **fields: Any) -> Poll:
    """Change a poll. After it opens only its title and description may change (PollLocked otherwise)."""
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    unknown = set(fields) - set(POLL_FIELDS)
    if unknown:
        raise TypeError(f"poll_update() got unexpected fields {sorted(unknown)}")
    changed = {name for name, value in fields.items() if getattr(locked, name) != value}
    new_proposals = list(proposals) if proposals is not None else None
    if new_proposals is not None and {p.pk for p in new_proposals} != set(
        locked.proposals.values_list("pk", flat=True)
    ):
        changed.add("proposals")
    if locked.has_opened() and changed - POLL_FIELDS_EDITABLE_WHEN_OPEN:
        raise PollLocked(
            _(
                "This poll has opened: its questions, options, scope, channels, "
                "proposals and dates can no longer change."
            )
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    _check_version(locked)
    locked.save()
    if new_proposals is not None:
        locked.proposals.set(_check_proposals(locked, new_proposals))
    audit_record(actor=actor, action="poll.update", target=locked, detail={"changed": sorted(changed)})
    if locked.has_opened():
        poll_open(poll=locked, actor=actor)
    return locked


def _check_version(poll: Poll) -> None:
    """The text put to the vote must be a version of a bill of the poll's own process."""
    if poll.version is not None and poll.version.draft.proposal.process_id != poll.process_id:
        raise ValidationError(_("The version put to the vote must be of a bill of the poll's process."))


def _parse_labels(option_labels: Iterable[str]) -> list[str]:
    labels = [label.strip() for label in option_labels if label.strip()]
    if len(labels) < 2:
        raise ValidationError(_("A question needs at least two options."))
    if len({label.casefold() for label in labels}) != len(labels):
        raise ValidationError(_("Two options have the same label."))
    return labels


def _question_write(
    *,
    poll: Poll,
    question: Question | None,
    text: str,
    max_choices: int,
    position: int,
    option_labels: Iterable[str],
    blank_label: str = "",
) -> Question:
    labels = _parse_labels(option_labels)
    blank_label = blank_label.strip()
    if blank_label and blank_label not in labels:
        raise ValidationError(_("The blank vote must be one of the options, written the same way."))
    if max_choices > len(labels):
        raise ValidationError(_("The maximum number of choices cannot exceed the number of options."))
    if question is None:
        question = Question(poll=poll)
    question.text = text
    question.max_choices = max_choices
    question.position = position
    question.full_clean()
    question.save()
    # Keep options whose label stays (their ids do not move); drop the others; add the new ones.
    existing = {option.label: option for option in question.options.all()}
    question.options.exclude(label__in=labels).delete()
    question.options.exclude(label=blank_label).update(blank=False)  # one blank per question: clear before moving
    for index, label in enumerate(labels):
        option = existing.get(label) or Option(question=question, label=label)
        option.position = index
        option.blank = label == blank_label
        option.full_clean()
        option.save()
    return question


def _require_editable(poll: Poll) -> None:
    if Poll.objects.select_for_update().get(pk=poll.pk).has_opened():
        raise PollLocked(_("This poll has opened: its questions and options can no longer change."))


@transaction.atomic
def question_save(
    *,
    actor: User,
    poll: Poll,
    text: str,
    option_labels: Iterable[str],
    max_choices: int = 1,
    position: int = 0,
    question: Question | None = None,
    blank_label: str = "",
) -> Question:
    """Add or change a question and its options (one label per option, `blank_label` a blank vote), before opening."""
    _require_editable(poll)
    if question is not None and question.poll_id != poll.pk:
        raise ValidationError(_("This question belongs to another poll."))
    saved = _question_write(
        poll=poll,
        question=question,
        text=text,
        max_choices=max_choices,
        position=position,
        option_labels=option_labels,
        blank_label=blank_label,
    )
    audit_record(actor=actor, action="poll.question_save", target=poll, detail={"question": saved.pk})
    return saved


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    _require_editable(question.poll)
    audit_record(actor=actor, action="poll.question_delete", target=question.poll, detail={"question": question.pk})
    question.delete()


@transaction.atomic
def poll_delete(*, actor: User, poll: Poll) -> None:
    if Poll.objects.select_for_update().get(pk=poll.pk).has_opened():
        raise PollLocked(_("A poll that has opened cannot be deleted."))
    audit_record(actor=actor, action="poll.delete", target=poll, detail={"title": poll.title})
    poll.delete()


@transaction.atomic
def poll_open(*, poll: Poll, actor: User | None = None) -> list[Proposal]:
    """Put the poll's proposals in vote (qualified/published → in_vote) once it has opened. Idempotent."""
    from proposals.services import proposal_transition

    if not poll.has_opened():
        return []
    moved = []
    for proposal in poll.proposals.exclude(status=ProposalStatus.IN_VOTE).select_for_update():
        institutional_bill = proposal.kind == ProposalKind.INSTITUTIONAL and proposal.status == ProposalStatus.PUBLISHED
        if proposal.status == ProposalStatus.QUALIFIED or institutional_bill:
            proposal_transition(
                proposal=proposal,
                to_status=ProposalStatus.IN_VOTE,
                actor=actor,
                reason=_("Put to the vote: %(poll)s") % {"poll": poll.title},
            )
            moved.append(proposal)
    return moved


@transaction.atomic
def poll_close(*, poll: Poll, actor: User | None = None) -> int:
    """After the close: shut the booths still open and shuffle the ballots (once).

    Accepting or rejecting proposals follows publication of the results (not here).
    Returns how many booths were closed.
    """
    if not poll.is_closed():
        return 0
    closed = Booth.objects.filter(poll=poll, closed_at__isnull=True).update(closed_at=poll.closes_at)
    if poll.ballots_shuffled_at is None and poll.closes_at <= timezone.now() - SHUFFLE_GRACE:
        poll_ballots_shuffle(poll=poll)
    return closed


@transaction.atomic
def poll_ballots_shuffle(*, poll: Poll) -> int:
    """Rewrite a closed poll's ballots in receipt-hash order, all in this one transaction.

    Each ballot was written in the same transaction as its participation, so below the
    ORM the two rows share traces of the moment they were written: their physical
    position in the table (SQLite rowid, PostgreSQL heap order) and PostgreSQL's
    transaction id (xmin). Rewriting every ballot of the poll at once, in an order
    no one controls (the hash of a random code), leaves those traces common to all
    ballots. Old row versions remain on disk until the database reclaims them.
    """
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    if not locked.is_closed():
        raise PollLocked(_("Ballots are shuffled only after the poll closes."))
    ballots = list(Ballot.objects.filter(poll=locked).order_by("receipt_hash"))
    ids = {ballot.pk for ballot in ballots}
    by_ballot: dict[Any, list[BallotChoice]] = defaultdict(list)
    for choice in BallotChoice.objects.filter(poll=locked):
        if choice.ballot_id in ids:
            by_ballot[choice.ballot_id].append(choice)
    # Delete exactly what was read: a cast still committing at the close is left alone, never lost.
    choice_ids = [c.pk for choices in by_ballot.values() for c in choices]
    ballot_ids = list(ids)
    for start in range(0, len(choice_ids), 500):  # in batches: SQLite caps query parameters
        BallotChoice.objects.filter(pk__in=choice_ids[start : start + 500]).delete()
    for start in range(0, len(ballot_ids), 500):
        Ballot.objects.filter(pk__in=ballot_ids[start : start + 500]).delete()
    Ballot.objects.bulk_create(ballots, batch_size=1000)
    BallotChoice.objects.bulk_create((choice for ballot in ballots for choice in by_ballot[ballot.pk]), batch_size=1000)
    Poll.objects.filter(pk=locked.pk).update(ballots_shuffled_at=timezone.now())
    poll.ballots_shuffled_at = timezone.now()
    return len(ballots)
