"""Every write of the voting app, one typed function per action, by actor.

- `polls`: administrators write polls and their questions; the clock opens, closes, shuffles.
- `ballots`: verified citizens cast the secret ballot.
- `booths`: officers open booths, record participation in person, enter paper tallies.

Signed ballot and booth tokens live in `votes.tokens`; refusals in `votes.refusals`.
"""

from votes.refusals import AlreadyVoted, InvalidBallot, NotAllowed, PollLocked, VoteError
from votes.services.ballots import ballot_cast, ballot_choices_check
from votes.services.booths import (
    booth_census_lookup,
    booth_open,
    booth_participation_record,
    booth_participation_refusal,
    booth_tally_enter,
)
from votes.services.polls import (
    DEFAULT_OPTIONS,
    POLL_FIELDS,
    POLL_FIELDS_EDITABLE_WHEN_OPEN,
    SHUFFLE_GRACE,
    poll_ballots_shuffle,
    poll_close,
    poll_create,
    poll_delete,
    poll_open,
    poll_update,
    question_delete,
    question_save,
    votable_proposals,
)
from votes.tokens import (
    BALLOT_TOKEN_SALT,
    BOOTH_PERSON_MAX_AGE,
    BOOTH_PERSON_SALT,
    ballot_token_issue,
    ballot_token_receipt,
    booth_person_from_token,
    booth_person_token,
)

__all__ = [
    "BALLOT_TOKEN_SALT",
    "BOOTH_PERSON_MAX_AGE",
    "BOOTH_PERSON_SALT",
    "DEFAULT_OPTIONS",
    "POLL_FIELDS",
    "POLL_FIELDS_EDITABLE_WHEN_OPEN",
    "SHUFFLE_GRACE",
    "AlreadyVoted",
    "InvalidBallot",
    "NotAllowed",
    "PollLocked",
    "VoteError",
    "ballot_cast",
    "ballot_choices_check",
    "ballot_token_issue",
    "ballot_token_receipt",
    "booth_census_lookup",
    "booth_open",
    "booth_participation_record",
    "booth_participation_refusal",
    "booth_person_from_token",
    "booth_person_token",
    "booth_tally_enter",
    "poll_ballots_shuffle",
    "poll_close",
    "poll_create",
    "poll_delete",
    "poll_open",
    "poll_update",
    "question_delete",
    "question_save",
    "votable_proposals",
]
