"""Administrators schedule polls in the Wagtail admin; once a poll opens its ballot and scope are fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from tests.factories import (
    DistrictFactory,
    PollFactory,
    ProposalFactory,
    UserFactory,
    VerifiedUserFactory,
    process_page,
)
from votes import services
from votes.models import Option, Poll, Question

from .helpers import (
    options,
    vote,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FORMAT = "%Y-%m-%d %H:%M"


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(roles=["administrator"]))
    return client


def test_administrator_creates_a_poll_with_yes_no_abstain_on_a_qualified_proposal(admin_client: Client) -> None:
    process = process_page(phases_open=("vote",))
    proposal = ProposalFactory(process=process, status="qualified")
    now = timezone.localtime()
    response = admin_client.post(
        reverse("polls:add"),
        {
            "process": process.pk,
            "proposals": [proposal.pk],
            "title": "Consulta sobre riego",
            "description": "",
            "opens_at": (now - timedelta(minutes=5)).strftime(FORMAT),
            "closes_at": (now + timedelta(days=3)).strftime(FORMAT),
            "allow_web": "on",
            "allow_booth": "on",
            "question_text": "¿Aprueba la propuesta?",
            "option_labels": "Sí\nNo\nAbstención",
            "max_choices": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    poll = Poll.objects.get(title="Consulta sobre riego")
    assert [o.label for o in options(poll)] == ["Sí", "No", "Abstención"]
    assert list(poll.proposals.all()) == [proposal]
    # It opened at once, so the proposal is now in vote.
    proposal.refresh_from_db()
    assert proposal.status == "in_vote"
    assert AuditEntry.objects.filter(action="poll.create", target_id=str(poll.pk)).exists()
    listing = admin_client.get(reverse("polls:index"))
    assert listing.status_code == 200 and "Consulta sobre riego" in listing.content.decode()


def test_a_proposal_that_has_not_qualified_cannot_be_put_to_the_vote(admin_client: Client) -> None:
    process = process_page(phases_open=("vote",))
    gathering = ProposalFactory(process=process, status="gathering")
    now = timezone.localtime()
    response = admin_client.post(
        reverse("polls:add"),
        {
            "process": process.pk,
            "proposals": [gathering.pk],
            "title": "No debería existir",
            "opens_at": (now + timedelta(days=1)).strftime(FORMAT),
            "closes_at": (now + timedelta(days=3)).strftime(FORMAT),
            "allow_web": "on",
            "question_text": "¿?",
            "option_labels": "Sí\nNo",
            "max_choices": "1",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Poll.objects.filter(title="No debería existir").exists()


def test_an_opened_poll_keeps_its_scope_and_options(admin_client: Client) -> None:
    poll = PollFactory()
    other_district = DistrictFactory()
    before = list(Option.objects.filter(question__poll=poll).values_list("pk", "label"))
    # The admin form: scope, channels and dates are disabled; a forged POST changes nothing.
    response = admin_client.post(
        reverse("polls:edit", args=[poll.pk]),
        {
            "process": poll.process_id,
            "title": "Nuevo título",
            "description": "",
            "opens_at": timezone.localtime(poll.opens_at).strftime(FORMAT),
            "closes_at": timezone.localtime(poll.closes_at + timedelta(days=9)).strftime(FORMAT),
            "scope_district": other_district.pk,
            "allow_web": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    poll.refresh_from_db()
    assert poll.title == "Nuevo título"  # wording may change
    assert poll.scope_district_id is None and poll.allow_booth  # scope and channels did not
    # The service refuses on its own, whatever the form does.
    with pytest.raises(services.PollLocked):
        services.poll_update(actor=UserFactory(roles=["administrator"]), poll=poll, scope_district=other_district)
    question = poll.questions.get()
    admin = UserFactory(roles=["administrator"])
    with pytest.raises(services.PollLocked):
        services.question_save(actor=admin, poll=poll, question=question, text="¿Otra?", option_labels=["A", "B"])
    with pytest.raises(services.PollLocked):
        services.question_save(actor=admin, poll=poll, text="¿Nueva?", option_labels=["A", "B"])
    with pytest.raises(services.PollLocked):
        services.question_delete(actor=admin, question=question)
    # Through the admin: the question form is locked, and a forged POST is refused with words.
    page = admin_client.get(reverse("poll_questions:edit", args=[question.pk]))
    assert page.context["form"].fields["option_labels"].disabled
    forged = admin_client.post(
        reverse("poll_questions:edit", args=[question.pk]),
        {"text": "¿Otra?", "position": "0", "max_choices": "1", "option_labels": "A\nB"},
    )
    assert forged.status_code == 200
    assert "can no longer change" in forged.content.decode()
    assert list(Option.objects.filter(question__poll=poll).values_list("pk", "label")) == before


def test_questions_can_change_before_opening(admin_client: Client) -> None:
    poll = PollFactory(opens_at=timezone.now() + timedelta(days=1))
    question = poll.questions.get()
    yes_id = Option.objects.get(question=question, label="Sí").pk
    response = admin_client.post(
        reverse("poll_questions:edit", args=[question.pk]),
        {"text": "¿Aprueba la ley?", "position": "0", "max_choices": "1", "option_labels": "Sí\nNo\nEn blanco"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [o.label for o in options(poll)] == ["Sí", "No", "En blanco"]
    assert Option.objects.get(question=question, label="Sí").pk == yes_id  # kept options keep their id
    added = admin_client.post(
        reverse("poll_questions:add"),
        {"poll": poll.pk, "text": "¿Prioridad?", "position": "1", "max_choices": "2", "option_labels": "A\nB\nC"},
    )
    assert added.status_code == 302
    assert Question.objects.filter(poll=poll).count() == 2


def test_non_administrators_cannot_reach_the_poll_admin() -> None:
    client = Client()
    client.force_login(UserFactory(roles=["moderator"]))
    assert client.get(reverse("polls:index")).status_code in (302, 403)
    assert client.get(reverse("polls:add")).status_code in (302, 403)


def test_admin_pages_show_turnout_and_never_read_ballots_while_open(admin_client: Client) -> None:
    poll = PollFactory(title="Consulta abierta")
    for _ in range(3):
        voter = Client()
        voter.force_login(VerifiedUserFactory())
        vote(voter, poll, options(poll)[1])
    urls = [
        reverse("polls:index"),
        reverse("polls:edit", args=[poll.pk]),
        reverse("poll_questions:index"),
        reverse("poll_questions:edit", args=[poll.questions.get().pk]),
        reverse("votes:detail", args=[poll.pk]),
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            page = admin_client.get(url)
        assert page.status_code == 200, url
        touched = [q["sql"] for q in queries if "votes_ballot" in q["sql"] or "votes_boothtally" in q["sql"]]
        assert touched == [], url
    listing = admin_client.get(reverse("polls:index")).content.decode()
    assert "Consulta abierta" in listing
    assert "Open" in listing
