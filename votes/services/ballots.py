"""Ballots, cast by verified citizens: the secret ballot of DESIGN.md.

`ballot_cast` writes a `Participation` (who) and a `Ballot` (what) in one durable
transaction. The unique (poll, census record) index on participations is what stops a
second vote, whatever the concurrency, account or channel; the ballot keeps only the
SHA-256 of the receipt code (the code itself lives in the signed form token, votes.tokens).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CensusRecord, User
from votes import events, permissions
from votes.models import Ballot, BallotChoice, Channel, Option, Participation, Poll, Question
from votes.refusals import AlreadyVoted, InvalidBallot, NotAllowed
from votes.selectors import normalise_receipt, receipt_hash

TURNOUT_PUSH_INTERVAL = 1  # seconds


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


def turnout_changed_soon(poll: Poll) -> None:
    """Tell the administrators' turnout dashboards, after commit, at most once a second per poll.

    Each update recounts turnout by group; under a rush of ballots one recount per
    second is plenty for a dashboard, and casting must not pay for one per ballot.
    """
    if cache.add(f"votes:turnout-push:{poll.pk}", 1, timeout=TURNOUT_PUSH_INTERVAL):
        events.turnout_changed(poll)


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
    took_part = census is not None and voter.took_part
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
            turnout_changed_soon(poll)
    except IntegrityError:
        # Someone (this request's twin, or another account of the same person) got there first.
        if replay := _existing_receipt(poll=poll, census_record_id=census.pk, code=receipt_code):
            return replay
        raise AlreadyVoted(
            _("You have already voted in this poll. Each person votes once, online or at a booth.")
        ) from None
    ballot.cast_options = options  # type: ignore[attr-defined]
    return ballot
