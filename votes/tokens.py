"""Signed tokens of the voting app, in the shape of `django/contrib/auth/tokens.py`: one concept, one module.

- The ballot token travels in the voter's ballot form: it holds the future receipt code,
  signed with poll and voter so it cannot be forged or moved to another poll or person.
  It is never stored, so the receipt code exists in clear only in the voter's form and on
  the receipt page (the database keeps its SHA-256).
- The booth person token travels in the officer's desk form between lookup and
  confirmation instead of the document number, and expires after the time it takes to
  check an identity card.
"""

from __future__ import annotations

import base64
import secrets

from django.core import signing
from django.utils.translation import gettext as _

from accounts.models import CensusRecord, User

from .models import Booth, Poll
from .refusals import InvalidBallot

BALLOT_TOKEN_SALT = "votes.ballot-token"  # noqa: S105 - a signing salt (namespace), not a secret
BOOTH_PERSON_SALT = "votes.booth-person"
# An officer's lookup stays valid for the time it takes to check an identity card, not longer.
BOOTH_PERSON_MAX_AGE = 15 * 60


def receipt_code_new() -> str:
    """100 random bits as 20 base32 characters in groups of four: easy to copy by hand."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode()[:20]
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


class BallotTokenGenerator:
    """Makes and checks the token of one voter's ballot form for one poll."""

    salt = BALLOT_TOKEN_SALT

    def make_token(self, *, poll: Poll, voter: User) -> str:
        return signing.dumps({"p": poll.pk, "u": voter.pk, "r": receipt_code_new()}, salt=self.salt)

    def receipt_code(self, *, token: str, poll: Poll, voter: User) -> str:
        """The receipt code inside `token`, after checking it was issued for this poll and voter."""
        try:
            data = signing.loads(token, salt=self.salt)
        except signing.BadSignature as exc:
            raise InvalidBallot(_("This ballot form was altered or has expired. Please start again.")) from exc
        if not isinstance(data, dict) or data.get("p") != poll.pk or data.get("u") != voter.pk or not data.get("r"):
            raise InvalidBallot(_("This ballot form was not issued to you for this poll. Please start again."))
        return str(data["r"])


class BoothPersonTokenGenerator:
    """Makes and checks the token naming the census record an officer looked up at one booth."""

    salt = BOOTH_PERSON_SALT
    max_age = BOOTH_PERSON_MAX_AGE

    def make_token(self, *, booth: Booth, census_record: CensusRecord) -> str:
        return signing.dumps({"b": booth.pk, "c": census_record.pk}, salt=self.salt)

    def census_record(self, *, booth: Booth, token: str) -> CensusRecord:
        try:
            data = signing.loads(token, salt=self.salt, max_age=self.max_age)
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


ballot_tokens = BallotTokenGenerator()
booth_person_tokens = BoothPersonTokenGenerator()


def ballot_token_issue(*, poll: Poll, voter: User) -> str:
    """The signed, single-person token a ballot form carries: it holds the future receipt code."""
    return ballot_tokens.make_token(poll=poll, voter=voter)


def ballot_token_receipt(*, token: str, poll: Poll, voter: User) -> str:
    return ballot_tokens.receipt_code(token=token, poll=poll, voter=voter)


def booth_person_token(*, booth: Booth, census_record: CensusRecord) -> str:
    return booth_person_tokens.make_token(booth=booth, census_record=census_record)


def booth_person_from_token(*, booth: Booth, token: str) -> CensusRecord:
    return booth_person_tokens.census_record(booth=booth, token=token)
