"""Ballots cannot be joined to voters from the database alone: not by id, not by time, not by order."""

from __future__ import annotations

import pytest
from django.db import models
from django.test import Client

from accounts.models import CensusRecord, User
from tests.factories import PollFactory, VerifiedUserFactory
from votes.models import Ballot, BallotChoice, Participation

from .helpers import (
    options,
    vote,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TIME_FIELDS = (models.DateTimeField, models.TimeField, models.DateField)


def test_ballot_schema_holds_nothing_that_points_to_a_person() -> None:
    for model in (Ballot, BallotChoice):
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            assert related not in (User, CensusRecord, Participation), f"{model.__name__}.{field.name}"
            assert not isinstance(field, TIME_FIELDS), f"{model.__name__}.{field.name} is a time"
            assert not isinstance(field, models.AutoField | models.BigAutoField), f"{model.__name__} has a sequence"
        assert isinstance(model._meta.pk, models.UUIDField)
    assert Ballot._meta.ordering == ["receipt_hash"]
    # Participations know the day only, and a random id.
    assert isinstance(Participation._meta.pk, models.UUIDField)
    dated = [f.name for f in Participation._meta.get_fields() if isinstance(f, TIME_FIELDS)]
    assert dated == ["day"]
    assert not any(isinstance(f, models.DateTimeField | models.TimeField) for f in Participation._meta.get_fields())


def test_thirty_voters_cannot_be_matched_to_their_ballots() -> None:
    poll = PollFactory()
    opts = options(poll)
    voters = []
    for i in range(30):
        voter = VerifiedUserFactory()
        client = Client()
        client.force_login(voter)
        response, code = vote(client, poll, opts[i % 3])
        assert response.status_code == 200 and code
        voters.append(voter.census_record_id)
    participations = list(Participation.objects.filter(poll=poll))
    ballots = list(Ballot.objects.filter(poll=poll))
    # By id: both random UUIDs, sharing nothing.
    assert not {p.pk for p in participations} & {b.pk for b in ballots}
    # By time: the only time anywhere is the participation's day, the same for all thirty.
    assert {p.day for p in participations} == {participations[0].day}
    # By order: the order voters took part (census ids in cast order) against every ordering the
    # ballot table offers. Any of them matching the cast order would give each voter's choice away.
    cast_choices = [opts[i % 3].pk for i in range(30)]
    for ordering in (["id"], ["-id"], ["receipt_hash"], ["-receipt_hash"], []):
        ordered = Ballot.objects.filter(poll=poll).order_by(*ordering) if ordering else Ballot.objects.filter(poll=poll)
        choices = [b.choices.get().option_id for b in ordered]
        assert choices != cast_choices, ordering
    # Columns both tables share are coarse: poll, gender, area — the same cell for every voter here.
    shared = {f.name for f in Ballot._meta.concrete_fields} & {f.name for f in Participation._meta.concrete_fields}
    assert shared == {"id", "poll", "gender", "area"}
    assert len({(b.gender, b.area) for b in ballots}) == 1
