"""Helpers of the voting tests: a citizen walking through the ballot pages like a person would, and a closed poll
with ballots, participations, a booth tally and a census behind it, made from plain rows."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import CensusRecordFactory, DistrictFactory, PollFactory, ProposalFactory, UserFactory
from votes.models import Ballot, BallotChoice, Booth, BoothTally, Option, Participation, Poll

RECEIPT = re.compile(r'id="receipt-code">([A-Z2-7]{4}(?:-[A-Z2-7]{4}){4})<')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def options(poll: Poll) -> list[Option]:
    return list(Option.objects.filter(question__poll=poll).order_by("question__position", "position"))


def ballot_token(client: Client, poll: Poll) -> str:
    response = client.get(reverse("votes:ballot", args=[poll.pk]))
    assert response.status_code == 200, response.content
    match = TOKEN.search(response.content.decode())
    assert match
    return match.group(1)


def review(client: Client, poll: Poll, choice: Option, token: str) -> Any:
    return client.post(
        reverse("votes:ballot", args=[poll.pk]), {"token": token, f"q{choice.question_id}": str(choice.pk)}
    )


def confirm(client: Client, poll: Poll, data: dict[str, Any]) -> Any:
    return client.post(reverse("votes:ballot_confirm", args=[poll.pk]), data)


def vote(client: Client, poll: Poll, choice: Option) -> tuple[Any, str | None]:
    """Open the ballot, review, confirm. Returns the confirming response and the receipt code shown."""
    token = ballot_token(client, poll)
    reviewed = review(client, poll, choice, token)
    assert reviewed.status_code == 200, reviewed.content
    response = confirm(client, poll, {"token": token, f"q{choice.question_id}": str(choice.pk)})
    match = RECEIPT.search(response.content.decode())
    return response, match.group(1) if match else None


def close(poll: Poll) -> None:
    """Move the poll's calendar so that it has closed (the check constraint wants closes > opens)."""
    now = timezone.now()
    Poll.objects.filter(pk=poll.pk).update(opens_at=now - timedelta(days=2), closes_at=now - timedelta(minutes=1))
    poll.refresh_from_db()


# --- a closed poll made from plain rows (results, statistics, exports) -----------------

# (gender, district key) -> (census size, web voters choosing option 0, 1, 2, booth voters)
POPULATION = {
    ("female", "rural"): (40, (2, 1, 0), 1),
    ("male", "rural"): (40, (10, 6, 2), 2),
    ("female", "urban"): (40, (12, 9, 3), 0),
    ("male", "urban"): (40, (11, 10, 1), 1),
}


def closed_poll(*, published: bool = False, **fields: Any) -> Poll:
    now = timezone.now()
    poll = PollFactory(opens_at=now - timedelta(days=2), closes_at=now - timedelta(hours=1), **fields)
    rural = DistrictFactory(code="139901", area="rural")
    urban = DistrictFactory(code="139902", area="urban")
    districts = {"rural": rural, "urban": urban}
    options = list(Option.objects.filter(question__poll=poll).order_by("position"))
    officer = UserFactory(roles=["officer"])
    booth = Booth.objects.create(poll=poll, name="Mesa 1", opened_by=officer)
    serial = 0
    for (gender, area), (size, web, booth_voters) in POPULATION.items():
        records = CensusRecordFactory.create_batch(size, gender=gender, district=districts[area])
        voters = iter(records)
        for option, n in zip(options, web, strict=True):
            for _ in range(n):
                record = next(voters)
                Participation.objects.create(
                    poll=poll, census_record=record, channel="web", day=date.today(), gender=gender, area=area
                )
                serial += 1
                ballot = Ballot.objects.create(
                    poll=poll,
                    gender=gender,
                    area=area,
                    receipt_hash=hashlib.sha256(f"r{poll.pk}-{serial}".encode()).hexdigest(),
                )
                BallotChoice.objects.create(ballot=ballot, option=option, poll=poll, gender=gender, area=area)
        for _ in range(booth_voters):
            record = next(voters)
            Participation.objects.create(
                poll=poll,
                census_record=record,
                channel="booth",
                booth=booth,
                day=date.today(),
                gender=gender,
                area=area,
            )
    BoothTally.objects.create(booth=booth, option=options[0], count=3, entered_by=officer)
    BoothTally.objects.create(booth=booth, option=options[1], count=1, entered_by=officer)
    poll.proposals.add(ProposalFactory(process=poll.process))
    if published:
        poll.results_published_at = timezone.now()
        poll.save(update_fields=["results_published_at"])
    return poll
