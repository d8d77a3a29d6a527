"""The voting app's refusals: members of the one `decide.refusals` family, named for the ballot."""

from __future__ import annotations

from decide.refusals import Conflict, Invalid, NotAllowed, Refused

# Kept as names of the voting domain; each is a decide.refusals class with its HTTP status.
VoteError = Refused


class AlreadyVoted(Conflict):
    """This census record has taken part in this poll already (online or at a booth)."""


class PollLocked(Conflict):
    """The poll opened or closed, so this change can no longer be made."""


class InvalidBallot(Invalid):
    """The ballot or its signed form cannot be accepted as sent."""


__all__ = ["AlreadyVoted", "InvalidBallot", "NotAllowed", "PollLocked", "VoteError"]
