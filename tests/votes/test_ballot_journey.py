"""A verified citizen votes through the pages: ballot → review → confirm → receipt, once and only once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import PollFactory, UserFactory, VerifiedUserFactory
from votes.models import Ballot, BallotChoice, Participation
from votes.results.stats import poll_eligible_counts
from votes.selectors import receipt_hash
from votes.services import AlreadyVoted, ballot_cast, ballot_token_issue, ballot_token_receipt

from .helpers import (
    ballot_token,
    close,
    confirm,
    options,
    review,
    vote,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_citizen_votes_and_gets_a_receipt_shown_once() -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory()
    client = login(voter)
    detail = client.get(reverse("votes:detail", args=[poll.pk]))
    assert detail.status_code == 200
    assert "Results stay hidden" in detail.content.decode()

    yes = options(poll)[0]
    token = ballot_token(client, poll)
    reviewed = review(client, poll, yes, token)
    assert reviewed.status_code == 200
    assert "Confirm my vote" in reviewed.content.decode()
    assert Participation.objects.count() == 0  # reviewing writes nothing

    response = confirm(client, poll, {"token": token, f"q{yes.question_id}": str(yes.pk)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = response.context["code"]
    assert code in response.content.decode()

    participation = Participation.objects.get()
    assert participation.census_record_id == voter.census_record_id
    assert participation.channel == "web"
    assert participation.day == timezone.localdate()
    assert participation.gender == voter.census_record.gender
    ballot = Ballot.objects.get()
    assert ballot.receipt_hash == receipt_hash(code)
    assert ballot.gender == voter.census_record.gender and ballot.area == voter.census_record.area
    assert list(BallotChoice.objects.values_list("option_id", flat=True)) == [yes.pk]

    # The detail page now says so, and the ballot page refuses.
    assert "You have voted" in client.get(reverse("votes:detail", args=[poll.pk])).content.decode()
    assert client.get(reverse("votes:ballot", args=[poll.pk])).status_code == 409


def test_retried_confirmation_shows_the_same_receipt_and_writes_nothing_more() -> None:
    poll = PollFactory()
    client = login(VerifiedUserFactory())
    no = options(poll)[1]
    token = ballot_token(client, poll)
    data = {"token": token, f"q{no.question_id}": str(no.pk)}
    first = confirm(client, poll, data)
    again = confirm(client, poll, data)
    assert first.status_code == again.status_code == 200
    assert first.context["code"] == again.context["code"]
    assert Participation.objects.count() == 1 and Ballot.objects.count() == 1
    # Even a retry that arrives after the close still gets its receipt back, not a refusal.
    close(poll)
    late = confirm(client, poll, data)
    assert late.status_code == 200 and late.context["code"] == first.context["code"]


def test_second_ballot_from_the_same_person_is_refused() -> None:
    poll = PollFactory()
    voter = VerifiedUserFactory()
    client = login(voter)
    yes, no = options(poll)[:2]
    first, _ = vote(client, poll, yes)
    assert first.status_code == 200
    # A fresh form (another valid token, e.g. a second tab opened earlier) is another attempt, not a retry.
    other_token = ballot_token_issue(poll=poll, voter=voter)
    second = confirm(client, poll, {"token": other_token, f"q{no.question_id}": str(no.pk)})
    assert second.status_code == 409
    assert "already voted" in second.content.decode()
    assert client.get(reverse("votes:ballot", args=[poll.pk])).status_code == 409
    assert Ballot.objects.count() == 1


def test_another_account_of_the_same_person_cannot_vote_again() -> None:
    poll = PollFactory()
    first_account = VerifiedUserFactory()
    census = first_account.census_record
    client = login(first_account)
    yes, no = options(poll)[:2]
    # Issue a token while the first account is bound, then vote with the first account.
    vote(client, poll, yes)
    # The person unbinds that account and binds a new one to the same census record.
    User.objects.filter(pk=first_account.pk).update(census_record=None, verified_at=None)
    second_account = UserFactory()
    User.objects.filter(pk=second_account.pk).update(census_record=census, verified_at=timezone.now())
    other = login(second_account)
    page = other.get(reverse("votes:ballot", args=[poll.pk]))
    assert page.status_code == 409
    assert "already voted" in page.content.decode()
    # Even with a form obtained before the first vote... the database index refuses.
    second_account.refresh_from_db()
    code = ballot_token_receipt(
        token=ballot_token_issue(poll=poll, voter=second_account), poll=poll, voter=second_account
    )
    with pytest.raises(AlreadyVoted):
        ballot_cast(poll=poll, voter=second_account, choices=[no], receipt_code=code)
    assert Participation.objects.count() == 1 and Ballot.objects.count() == 1


def test_multiple_choice_question_takes_up_to_its_maximum() -> None:
    poll = PollFactory(questions=False)
    from votes.services import question_save

    admin = UserFactory(roles=["administrator"])
    poll.opens_at = timezone.now() + timezone.timedelta(hours=1)
    poll.save()
    question = question_save(
        actor=admin, poll=poll, text="¿Qué obras?", option_labels=["Riego", "Escuela", "Posta", "Puente"], max_choices=2
    )
    poll.opens_at = timezone.now() - timezone.timedelta(minutes=1)
    poll.save()
    client = login(VerifiedUserFactory())
    token = ballot_token(client, poll)
    a, b, c = list(question.options.all())[:3]
    too_many = {"token": token, f"q{question.pk}": [str(a.pk), str(b.pk), str(c.pk)]}
    refused = client.post(reverse("votes:ballot", args=[poll.pk]), too_many)
    assert refused.status_code == 400
    assert "at most 2" in refused.content.decode()
    assert confirm(client, poll, too_many).status_code == 400
    assert Participation.objects.count() == 0
    ok = confirm(client, poll, {"token": token, f"q{question.pk}": [str(a.pk), str(c.pk)]})
    assert ok.status_code == 200
    assert set(BallotChoice.objects.values_list("option_id", flat=True)) == {a.pk, c.pk}


def test_receipt_code_is_kept_nowhere_but_the_receipt_page() -> None:
    from django.apps import apps
    from django.db import models as db_models

    poll = PollFactory()
    client = login(VerifiedUserFactory())
    _response, code = vote(client, poll, options(poll)[0])
    assert code
    assert code not in str(dict(client.session.items()))
    normalised = code.replace("-", "")
    for model in apps.get_models():
        text_fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, db_models.CharField | db_models.TextField)
        ]
        for row in model.objects.values_list(*text_fields) if text_fields else []:
            joined = " ".join(str(value) for value in row)
            assert code not in joined and normalised not in joined, model.__name__


def test_a_cast_tells_the_turnout_dashboards_after_commit_at_most_once_a_second(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: object
) -> None:
    sent: list[int] = []
    monkeypatch.setattr("votes.events.turnout_send", sent.append)
    poll = PollFactory()
    first, second = VerifiedUserFactory(), VerifiedUserFactory()
    poll_eligible_counts(poll)  # an administrator opened the dashboard: census denominators are cached
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        vote(login(first), poll, options(poll)[0])
        vote(login(second), poll, options(poll)[1])
    assert sent == [poll.pk]
