"""Booths, run by officers: open a booth, record who voted there, enter the paper tallies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import CensusRecord, District, User
from accounts.selectors import census_record_lookup
from decide.refusals import Conflict
from votes import permissions
from votes.models import Booth, BoothTally, Channel, Option, Participation, Poll
from votes.refusals import AlreadyVoted, InvalidBallot, NotAllowed
from votes.selectors import booth_current_tallies
from votes.services.ballots import turnout_changed_soon


@transaction.atomic
def booth_open(*, poll: Poll, officer: User, name: str, location: str = "", district: District | None = None) -> Booth:
    if not permissions.can_operate_booths(officer, poll):
        raise NotAllowed(_("Only officers can open booths, and only for polls with booth voting."))
    if poll.is_closed():
        raise NotAllowed(_("This poll is closed: no new booth can open."))
    if Booth.objects.filter(poll=poll, name=name).exists():
        raise Conflict(_("A booth with this name already exists for this poll."))
    booth = Booth(poll=poll, name=name, location=location, district=district, opened_by=officer)
    booth.full_clean()
    booth.save()
    audit_record(actor=officer, action="booth.open", target=booth, location=name, detail={"poll": poll.pk})
    return booth


@transaction.atomic
def booth_census_lookup(*, booth: Booth, officer: User, document_number: str, birth_date: date) -> CensusRecord | None:
    """Look a person up at the booth desk: every lookup is audited (who, which booth, found or not).

    The audit entry never holds the document number, nor anything that would let one read it back.
    """
    record = census_record_lookup(document_number=document_number, birth_date=birth_date)
    audit_record(
        actor=officer,
        action="census.lookup",
        target=booth,
        location=booth.name,
        detail={"poll": booth.poll_id, "booth": booth.pk, "found": record is not None},
    )
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
            turnout_changed_soon(booth.poll)
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
