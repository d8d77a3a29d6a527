"""Every write of the voting app: polls, ballots, booths, tallies. One typed function per action.

The secret ballot (DESIGN.md): `ballot_cast` writes a `Participation` (who) and a
`Ballot` (what) in one durable transaction. The unique (poll, census record) index
on participations is what stops a second vote, whatever the concurrency, account
or channel; the ballot keeps only the SHA-256 of the receipt code.
"""

from __future__ import annotations

import base64
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import CensusRecord, District, Province, User
from proposals.models import Proposal, ProposalKind, ProposalStatus

from . import permissions
from .models import Ballot, BallotChoice, Booth, BoothTally, Channel, Option, Participation, Poll, Question
from .selectors import booth_current_tallies, normalise_receipt, receipt_hash

BALLOT_TOKEN_SALT = "votes.ballot-token"  # noqa: S105 - a signing salt (namespace), not a secret
BOOTH_PERSON_SALT = "votes.booth-person"
# An officer's lookup stays valid for the time it takes to check an identity card, not longer.
BOOTH_PERSON_MAX_AGE = 15 * 60
DEFAULT_OPTIONS = ("Yes", "No", "Abstain")
# Casts that passed the open check just before the close get time to commit before the shuffle.
SHUFFLE_GRACE = timedelta(minutes=2)
TURNOUT_PUSH_INTERVAL = 1  # seconds


class VoteError(Exception):
    """A refused action, with the message the person should read and the HTTP status to answer."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(VoteError):
    status = 403


class AlreadyVoted(VoteError):
    status = 409


class PollLocked(VoteError):
    status = 409


class InvalidBallot(VoteError):
    status = 400


# --- polls (administrators) -----------------------------------------------------------

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
    proposals: Iterable[Proposal] = (),
    question_text: str = "",
    option_labels: list[str] | None = None,
    max_choices: int = 1,
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
    )
    poll.full_clean()
    poll.save()
    poll.proposals.set(_check_proposals(poll, proposals))
    if question_text:
        _question_write(
            poll=poll,
            question=None,
            text=question_text,
            max_choices=max_choices,
            position=0,
            option_labels=option_labels or [str(_(label)) for label in DEFAULT_OPTIONS],
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
    locked.save()
    if new_proposals is not None:
        locked.proposals.set(_check_proposals(locked, new_proposals))
    audit_record(actor=actor, action="poll.update", target=locked, detail={"changed": sorted(changed)})
    if locked.has_opened():
        poll_open(poll=locked, actor=actor)
    return locked


def _parse_labels(option_labels: Iterable[str]) -> list[str]:
    labels = [label.strip() for label in option_labels if label.strip()]
    if len(labels) < 2:
        raise ValidationError(_("A question needs at least two options."))
    if len({label.casefold() for label in labels}) != len(labels):
        raise ValidationError(_("Two options have the same label."))
    return labels


def _question_write(
    *, poll: Poll, question: Question | None, text: str, max_choices: int, position: int, option_labels: Iterable[str]
) -> Question:
    labels = _parse_labels(option_labels)
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
    for index, label in enumerate(labels):
        option = existing.get(label) or Option(question=question, label=label)
        option.position = index
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
) -> Question:
    """Add or change a question and its options (one label per option), before the poll opens."""
    _require_editable(poll)
    if question is not None and question.poll_id != poll.pk:
        raise ValidationError(_("This question belongs to another poll."))
    saved = _question_write(
        poll=poll, question=question, text=text, max_choices=max_choices, position=position, option_labels=option_labels
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


# --- ballots (citizens) ---------------------------------------------------------------


def _new_receipt_code() -> str:
    """100 random bits as 20 base32 characters in groups of four: easy to copy by hand."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode()[:20]
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def ballot_token_issue(*, poll: Poll, voter: User) -> str:
    """The signed, single-person token a ballot form carries: it holds the future receipt code.

    Signed with poll and voter so it cannot be forged or moved to another poll or
    person; it is never stored, so the receipt code exists in clear only in the
    voter's form and on their receipt page.
    """
    return signing.dumps({"p": poll.pk, "u": voter.pk, "r": _new_receipt_code()}, salt=BALLOT_TOKEN_SALT)


def ballot_token_receipt(*, token: str, poll: Poll, voter: User) -> str:
    """The receipt code inside `token`, after checking it was issued for this poll and voter."""
    try:
        data = signing.loads(token, salt=BALLOT_TOKEN_SALT)
    except signing.BadSignature as exc:
        raise InvalidBallot(_("This ballot form was altered or has expired. Please start again.")) from exc
    if not isinstance(data, dict) or data.get("p") != poll.pk or data.get("u") != voter.pk or not data.get("r"):
        raise InvalidBallot(_("This ballot form was not issued to you for this poll. Please start again."))
    return str(data["r"])


def ballot_choices_check(
    *, poll: Poll, choices: Iterable[Option], questions: Iterable[Question] | None = None
) -> list[Option]:
    """Every option from this poll, at least one and at most `max_choices` per question, none twice.

    `questions`: the poll's questions when the caller has them already (the ballot form does).
    """
    chosen = list(choices)
    if len({o.pk for o in chosen}) != len(chosen):
        raise InvalidBallot(_("The same option was chosen twice."))
    per_question: dict[int, int] = defaultdict(int)
    for option in chosen:
        if option.question.poll_id != poll.pk:
            raise InvalidBallot(_("An option on this ballot does not belong to this poll."))
        per_question[option.question_id] += 1
    for question in poll.questions.all() if questions is None else questions:
        if question.poll_id != poll.pk:
            raise InvalidBallot(_("A question on this ballot does not belong to this poll."))
        count = per_question.get(question.pk, 0)
        if count == 0:
            raise InvalidBallot(_("Answer every question (choose an option, or abstain where offered)."))
        if count > question.max_choices:
            raise InvalidBallot(
                _("“%(question)s” allows at most %(max)d choices.")
                % {"question": question.text, "max": question.max_choices}
            )
    return chosen


def _turnout_changed(poll: Poll) -> None:
    """Tell the administrators' turnout dashboards, after commit, at most once a second per poll.

    Each update recounts turnout by group; under a rush of ballots one recount per
    second is plenty for a dashboard, and casting must not pay for one per ballot.
    """
    if cache.add(f"votes:turnout-push:{poll.pk}", 1, timeout=TURNOUT_PUSH_INTERVAL):
        from .stats import turnout_changed  # the results side owns the dashboard payload

        turnout_changed(poll)


def _existing_receipt(*, poll: Poll, census_record_id: int, code: str) -> Ballot | None:
    """A replay of an acknowledged cast: this person took part AND a ballot holds this receipt."""
    if not Participation.objects.filter(poll=poll, census_record_id=census_record_id).exists():
        return None
    return Ballot.objects.filter(poll=poll, receipt_hash=receipt_hash(code)).first()


def ballot_cast(
    *,
    poll: Poll,
    voter: User,
    choices: Iterable[Option],
    receipt_code: str,
    channel: str = Channel.WEB,
    questions: Iterable[Question] | None = None,
) -> Ballot:
    """Record that `voter` took part and, apart, what they chose. Durable: committed when this returns.

    A retry with the same receipt code returns the ballot already cast (never a
    second one); any other second attempt by the same person raises AlreadyVoted.
    A new ballot carries `cast_options` (the options just recorded, not stored), so
    the receipt page needs no read back; a replayed one does not.
    """
    if channel != Channel.WEB:
        raise InvalidBallot(_("Booth votes are recorded as participations and paper tallies, not ballots."))
    # Read afresh (blocked? verified?), with whether this person took part already, in one query.
    voter = (
        User.objects.select_related("census_record__district")
        .annotate(
            took_part=Exists(Participation.objects.filter(poll=poll, census_record_id=OuterRef("census_record_id")))
        )
        .get(pk=voter.pk)
    )
    if not normalise_receipt(receipt_code):
        raise InvalidBallot(_("This ballot has no receipt code."))
    census: CensusRecord | None = voter.census_record
    took_part = census is not None and voter.took_part  # type: ignore[attr-defined]
    if took_part and (replay := Ballot.objects.filter(poll=poll, receipt_hash=receipt_hash(receipt_code)).first()):
        return replay
    if reason := permissions.ballot_refusal(voter, poll):
        raise NotAllowed(reason)
    assert census is not None  # ballot_refusal refuses unverified voters
    options = ballot_choices_check(poll=poll, choices=choices, questions=questions)
    try:
        with transaction.atomic(durable=True):
            participation = Participation(
                poll=poll,
                census_record=census,
                channel=Channel.WEB,
                day=timezone.localdate(),
                gender=census.gender,
                area=census.area,
            )
            # Foreign keys are left to the database's constraints: validating them here costs a
            # SELECT each, for a poll and a census record this function has just read.
            participation.full_clean(
                exclude=["poll", "census_record", "booth"], validate_unique=False, validate_constraints=False
            )
            participation.save(force_insert=True)
            ballot = Ballot(poll=poll, gender=census.gender, area=census.area, receipt_hash=receipt_hash(receipt_code))
            ballot.full_clean(exclude=["poll"], validate_unique=False)
            ballot.save(force_insert=True)
            BallotChoice.objects.bulk_create(
                BallotChoice(ballot=ballot, option=option, poll=poll, gender=ballot.gender, area=ballot.area)
                for option in options
            )
            _turnout_changed(poll)
    except IntegrityError:
        # Someone (this request's twin, or another account of the same person) got there first.
        if replay := _existing_receipt(poll=poll, census_record_id=census.pk, code=receipt_code):
            return replay
        raise AlreadyVoted(
            _("You have already voted in this poll. Each person votes once, online or at a booth.")
        ) from None
    ballot.cast_options = options  # type: ignore[attr-defined]
    return ballot


# --- booths (officers) ----------------------------------------------------------------


@transaction.atomic
def booth_open(*, poll: Poll, officer: User, name: str, location: str = "", district: District | None = None) -> Booth:
    if not permissions.can_operate_booths(officer, poll):
        raise NotAllowed(_("Only officers can open booths, and only for polls with booth voting."))
    if poll.is_closed():
        raise NotAllowed(_("This poll is closed: no new booth can open."))
    if Booth.objects.filter(poll=poll, name=name).exists():
        raise VoteError(_("A booth with this name already exists for this poll."))
    booth = Booth(poll=poll, name=name, location=location, district=district, opened_by=officer)
    booth.full_clean()
    booth.save()
    audit_record(actor=officer, action="booth.open", target=booth, location=name, detail={"poll": poll.pk})
    return booth


def booth_person_token(*, booth: Booth, census_record: CensusRecord) -> str:
    """What the desk form carries between lookup and confirmation instead of the document number."""
    return signing.dumps({"b": booth.pk, "c": census_record.pk}, salt=BOOTH_PERSON_SALT)


def booth_person_from_token(*, booth: Booth, token: str) -> CensusRecord:
    try:
        data = signing.loads(token, salt=BOOTH_PERSON_SALT, max_age=BOOTH_PERSON_MAX_AGE)
    except signing.BadSignature as exc:
        raise InvalidBallot(_("This confirmation was altered or has expired. Look the person up again.")) from exc
    if not isinstance(data, dict) or data.get("b") != booth.pk:
        raise InvalidBallot(_("This confirmation belongs to another booth. Look the person up again."))
    record_id = data.get("c")
    record = (
        CensusRecord.objects.select_related("district__province").filter(pk=record_id).first()
        if isinstance(record_id, int)
        else None
    )
    if record is None:
        raise InvalidBallot(_("This person is no longer in the census."))
    return record


def booth_participation_refusal(*, booth: Booth, census_record: CensusRecord) -> str | None:
    """Why this person cannot vote at this booth now, or None."""
    if reason := permissions.poll_refusal(booth.poll):
        return reason
    if booth.closed_at is not None:
        return _("This booth is closed.")
    if not permissions.census_in_scope(census_record, booth.poll):
        return _("This person's census record is outside the area of this poll.")
    if Participation.objects.filter(poll=booth.poll, census_record=census_record).exists():
        return _("This person has already voted in this poll (online or at a booth).")
    return None


def booth_participation_record(*, booth: Booth, officer: User, census_record: CensusRecord) -> Participation:
    """The officer checked the identity in person: the person takes a paper ballot. Durable."""
    if not permissions.can_record_booth_participation(officer, booth):
        raise NotAllowed(_("You cannot record votes at this booth now."))
    if Participation.objects.filter(poll=booth.poll, census_record=census_record).exists():
        raise AlreadyVoted(_("This person has already voted in this poll (online or at a booth)."))
    if reason := booth_participation_refusal(booth=booth, census_record=census_record):
        raise NotAllowed(reason)
    try:
        with transaction.atomic(durable=True):
            participation = Participation(
                poll=booth.poll,
                census_record=census_record,
                channel=Channel.BOOTH,
                booth=booth,
                day=timezone.localdate(),
                gender=census_record.gender,
                area=census_record.area,
            )
            participation.full_clean(validate_unique=False, validate_constraints=False)
            participation.save(force_insert=True)
            _turnout_changed(booth.poll)
            # Who, where, which booth; never the document, and never which person (the participation says that).
            audit_record(
                actor=officer,
                action="booth.participation",
                target=booth,
                location=booth.name,
                detail={"poll": booth.poll_id},
            )
    except IntegrityError:
        raise AlreadyVoted(_("This person has already voted in this poll (online or at a booth).")) from None
    return participation


@transaction.atomic
def booth_tally_enter(*, booth: Booth, officer: User, counts: Mapping[int, int], note: str = "") -> list[BoothTally]:
    """Enter (or correct) the paper count of a booth. Each changed option gets a new row; history stays."""
    if not permissions.can_enter_tallies(officer, booth):
        raise NotAllowed(
            _("Paper tallies are entered by officers after the poll closes and before results are published.")
        )
    options = {o.pk: o for o in Option.objects.filter(question__poll_id=booth.poll_id).select_related("question")}
    if set(counts) - set(options):
        raise InvalidBallot(_("A tally names an option of another poll."))
    if any(value < 0 for value in counts.values()):
        raise InvalidBallot(_("A tally cannot be negative."))
    voters = Participation.objects.filter(booth=booth).count()
    per_question: dict[int, int] = defaultdict(int)
    current = booth_current_tallies(booth)
    merged = {pk: current[pk].count for pk in current} | dict(counts)
    for option_id, value in merged.items():
        per_question[options[option_id].question_id] += value
    for question_id, total in per_question.items():
        question = next(o.question for o in options.values() if o.question_id == question_id)
        if total > voters * question.max_choices:
            raise InvalidBallot(
                _("“%(question)s”: %(total)d votes counted, but only %(voters)d people voted at this booth.")
                % {"question": question.text, "total": total, "voters": voters}
            )
    created = []
    for option_id, value in counts.items():
        if option_id in current and current[option_id].count == value:
            continue
        tally = BoothTally(booth=booth, option=options[option_id], count=value, entered_by=officer, note=note)
        tally.full_clean()
        tally.save()
        created.append(tally)
    if created:
        audit_record(
            actor=officer,
            action="booth.tally",
            target=booth,
            location=booth.name,
            reason=note,
            detail={"counts": {str(t.option_id): t.count for t in created}, "correction": bool(current)},
        )
    return created
