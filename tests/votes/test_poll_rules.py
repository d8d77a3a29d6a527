"""Poll rules: the outcome rule and the turnout quorum, at their boundaries, and where the public reads them."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PollFactory, UserFactory
from tests.votes.helpers import closed_poll, options
from votes import services
from votes.models import Option, OutcomeRule, Poll
from votes.results.outcome import (
    NO_VOTES,
    SEVERAL_CHOICES,
    SHORT,
    TIE,
    WON,
    question_outcome,
    quorum_met,
    quorum_needed,
    votes_needed,
)
from votes.results.publication import poll_results_publish

pytestmark = pytest.mark.usefixtures("english")

SIMPLE, ABSOLUTE, TWO_THIRDS = OutcomeRule.SIMPLE, OutcomeRule.ABSOLUTE, OutcomeRule.TWO_THIRDS
YES, NO, BLANK = 1, 2, 3


def _outcome(rule: str, yes: int, no: int, blank: int = 0) -> tuple[str, int | None]:
    result = question_outcome(rule, {YES: yes, NO: no, BLANK: blank}, blank_options=[BLANK])
    return result.status, result.winner


# --- the rules, pure ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "yes", "no", "blank", "expected"),
    [
        # simple majority of valid votes: more than any other; blank votes never count nor win
        (SIMPLE, 1, 0, 0, (WON, YES)),
        (SIMPLE, 5, 4, 100, (WON, YES)),
        (SIMPLE, 4, 4, 0, (TIE, None)),
        (SIMPLE, 0, 0, 0, (NO_VOTES, None)),
        (SIMPLE, 0, 0, 7, (NO_VOTES, None)),  # only blank votes: nothing valid
        (SIMPLE, 0, 1, 9, (WON, NO)),  # blank outnumbers everyone and still does not win
        # absolute majority of all votes cast (blank included): more than half, exactly half is not enough
        (ABSOLUTE, 6, 4, 0, (WON, YES)),
        (ABSOLUTE, 5, 4, 1, (SHORT, None)),  # 5 of 10 cast is exactly half
        (ABSOLUTE, 6, 3, 2, (WON, YES)),  # 6 of 11
        (ABSOLUTE, 5, 3, 2, (SHORT, None)),  # 5 of 10
        (ABSOLUTE, 5, 5, 0, (TIE, None)),
        (ABSOLUTE, 0, 0, 0, (NO_VOTES, None)),
        (ABSOLUTE, 1, 0, 0, (WON, YES)),
        # two-thirds of the valid votes: exactly two thirds wins, one short does not
        (TWO_THIRDS, 2, 1, 0, (WON, YES)),
        (TWO_THIRDS, 20, 10, 50, (WON, YES)),  # blank votes do not raise the bar
        (TWO_THIRDS, 19, 10, 0, (SHORT, None)),  # 19/29 < 2/3
        (TWO_THIRDS, 20, 11, 0, (SHORT, None)),  # 20/31 < 2/3
        (TWO_THIRDS, 1, 1, 0, (TIE, None)),
        (TWO_THIRDS, 0, 0, 3, (NO_VOTES, None)),
    ],
)
def test_rule_at_its_boundaries(rule: str, yes: int, no: int, blank: int, expected: tuple[str, int | None]) -> None:
    assert _outcome(rule, yes, no, blank) == expected


def test_counts_and_votes_needed() -> None:
    result = question_outcome(ABSOLUTE, {YES: 5, NO: 3, BLANK: 2}, blank_options=[BLANK])
    assert (result.cast, result.blank, result.valid, result.needed) == (10, 2, 8, 6)
    assert votes_needed(TWO_THIRDS, cast=10, valid=9) == 6
    assert votes_needed(TWO_THIRDS, cast=10, valid=10) == 7  # ceil(20 / 3)
    assert votes_needed(SIMPLE, cast=10, valid=10) is None
    with pytest.raises(ValueError):
        votes_needed("plurality", cast=1, valid=1)


def test_a_question_with_several_choices_is_ranked_not_decided() -> None:
    result = question_outcome(ABSOLUTE, {YES: 9, NO: 1}, max_choices=2)
    assert (result.status, result.winner, result.needed) == (SEVERAL_CHOICES, None, None)


def test_a_tie_among_the_runners_up_does_not_stop_a_winner() -> None:
    assert question_outcome(SIMPLE, {1: 5, 2: 3, 3: 3}).winner == 1


@pytest.mark.parametrize(
    ("quorum", "participants", "eligible", "met"),
    [
        (0, 0, 0, True),  # no quorum: always binding, even with nobody
        (0, 0, 100, True),
        (40, 40, 100, True),  # exactly the quorum
        (40, 39, 100, False),
        (40, 1, 3, False),  # 33.3 %
        (33, 1, 3, True),
        (50, 0, 0, False),  # a quorum of an empty census is never met
        (100, 100, 100, True),
        (100, 99, 100, False),
    ],
)
def test_quorum_at_its_boundaries(quorum: int, participants: int, eligible: int, met: bool) -> None:
    assert quorum_met(quorum, participants=participants, eligible=eligible) is met


def test_quorum_needed_rounds_up_and_refuses_nonsense() -> None:
    assert quorum_needed(40, eligible=101) == 41  # 40.4 people: 41 are needed
    assert quorum_needed(40, eligible=100) == 40
    with pytest.raises(ValueError):
        quorum_met(101, participants=1, eligible=1)


# --- the database keeps the rules named and the quorum a percentage ---------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("outcome_rule", "plurality"), ("quorum_percent", 101)])
def test_database_refuses_an_unknown_rule_or_a_quorum_above_all(field: str, value: object) -> None:
    poll = PollFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Poll.objects.filter(pk=poll.pk).update(**{field: value})


@pytest.mark.django_db
def test_database_allows_one_blank_option_per_question() -> None:
    first, second, _third = options(PollFactory())
    Option.objects.filter(pk=first.pk).update(blank=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Option.objects.filter(pk=second.pk).update(blank=True)


@pytest.mark.django_db
def test_services_mark_the_blank_option_and_refuse_one_that_is_not_an_option() -> None:
    admin = UserFactory(roles=["administrator"])
    now = timezone.now()
    poll = services.poll_create(
        actor=admin,
        process=PollFactory().process,
        title="Con reglas",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=2),
        outcome_rule=TWO_THIRDS,
        quorum_percent=30,
        question_text="¿Apruebas?",
    )
    assert (poll.outcome_rule, poll.quorum_percent) == (TWO_THIRDS, 30)
    assert [o.blank for o in options(poll)] == [False, False, True]  # the default "Abstain"
    question = poll.questions.get()
    services.question_save(
        actor=admin,
        poll=poll,
        question=question,
        text="¿Apruebas?",
        option_labels=["Sí", "No", "En blanco"],
        blank_label="En blanco",
    )
    assert {o.label: o.blank for o in options(poll)} == {"Sí": False, "No": False, "En blanco": True}
    services.question_save(  # moving the blank vote onto an earlier option: no clash on the way
        actor=admin,
        poll=poll,
        question=question,
        text="¿Apruebas?",
        option_labels=["Sí", "No", "En blanco"],
        blank_label="Sí",
    )
    assert {o.label: o.blank for o in options(poll)} == {"Sí": True, "No": False, "En blanco": False}
    with pytest.raises(ValidationError):
        services.question_save(
            actor=admin,
            poll=poll,
            question=question,
            text="¿Apruebas?",
            option_labels=["Sí", "No"],
            blank_label="Nulo",
        )


# --- where the public reads the outcome ---------------------------------------------------
# closed_poll: 160 eligible, 71 voters; Sí 38 (35 online + 3 paper), No 27, Abstención 6.


def _published(rule: str, quorum: int, *, blank: bool = True) -> Poll:
    poll = closed_poll(published=True, outcome_rule=rule, quorum_percent=quorum)
    if blank:
        Option.objects.filter(question__poll=poll, label="Abstención").update(blank=True)
    return poll


@pytest.mark.django_db
def test_results_page_says_binding_winner_and_explains_the_rule() -> None:
    poll = _published(ABSOLUTE, 40)  # 71 of 160 = 44 %
    body = Client().get(reverse("votes:results", args=[poll.pk])).content.decode()
    assert "Binding result" in body
    assert "the quorum was met and the result is binding" in body
    assert "more than half of all the votes cast" in body
    assert "Outcome: “Sí” wins." in body  # 38 of 71 cast
    assert "Votes cast: 71 · blank: 6 · valid: 65" in body
    assert reverse("votes:process_statistics", args=[poll.process_id]) in body  # ages and channels are there


@pytest.mark.django_db
def test_results_page_says_consultative_below_the_quorum_and_short_of_two_thirds() -> None:
    poll = _published(TWO_THIRDS, 45)  # 44.4 % < 45 %
    body = Client().get(reverse("votes:results", args=[poll.pk])).content.decode()
    assert "Consultative result" in body
    assert "below the quorum, the result is consultative only" in body
    assert "none reached the 44 votes the rule asks for" in body  # ceil(2 * 65 / 3) = 44 > 38


@pytest.mark.django_db
def test_results_api_and_outcome_download_carry_the_same_outcome() -> None:
    poll = _published(ABSOLUTE, 45)
    client = Client()
    document = client.get(f"/api/v1/results/{poll.pk}").json()
    assert document["binding"] is False
    [outcome] = document["outcomes"]
    assert outcome["status"] == WON and outcome["winner"] == "Sí"
    assert (outcome["votes_cast"], outcome["blank_votes"], outcome["votes_needed"]) == (71, 6, 36)
    assert (outcome["participants"], outcome["eligible"], outcome["quorum_percent"]) == (71, 160, 45)
    poll_document = client.get(f"/api/v1/polls/{poll.pk}").json()
    assert (poll_document["outcome_rule"], poll_document["quorum_percent"]) == (ABSOLUTE, 45)
    response = client.get(reverse("votes:results_export", args=[poll.pk, "outcome", "csv"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert [(r["status"], r["winner"], r["binding"]) for r in rows] == [(WON, "Sí", "False")]
    response = client.get(reverse("votes:results_export", args=[poll.pk, "outcome", "json"]))
    assert json.loads(b"".join(response.streaming_content))["outcome"][0]["binding"] is False  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_outcome_is_hidden_before_publication() -> None:
    poll = closed_poll(published=False, outcome_rule=ABSOLUTE)
    response = Client().get(reverse("votes:results_export", args=[poll.pk, "outcome", "csv"]))
    assert response.status_code == 404
    assert "Sí".encode() not in response.content


@pytest.mark.django_db
def test_poll_page_says_how_it_is_decided_before_anyone_votes() -> None:
    poll = PollFactory(outcome_rule=TWO_THIRDS, quorum_percent=30)
    body = Client().get(reverse("votes:detail", args=[poll.pk])).content.decode()
    assert "How it is decided: Qualified majority: at least two thirds of the valid votes." in body
    assert "If fewer than 30 % of the eligible census vote, the result is consultative only." in body
    plain = Client().get(reverse("votes:detail", args=[PollFactory().pk])).content.decode()
    assert "consultative" not in plain


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "quorum", "settled"),
    [
        (ABSOLUTE, 0, "accepted"),  # Sí: 38 of 71 cast
        (TWO_THIRDS, 0, "rejected"),  # 38 of 65 valid is short of two thirds
        (SIMPLE, 44, "accepted"),  # 71 of 160 = 44.4 %: the quorum is met
        (SIMPLE, 45, "in_vote"),  # below the quorum: consultative, the administrators settle it
    ],
)
def test_publication_settles_the_proposals_under_the_rule_and_quorum(rule: str, quorum: int, settled: str) -> None:
    poll = closed_poll(outcome_rule=rule, quorum_percent=quorum)
    Option.objects.filter(question__poll=poll, label="Abstención").update(blank=True)
    proposal = poll.proposals.get()
    proposal.status = "in_vote"
    proposal.save(update_fields=["status"])
    poll_results_publish(poll=poll, actor=UserFactory(roles=["administrator"]))
    proposal.refresh_from_db()
    assert proposal.status == settled
