"""Results hidden until the close; then the bulletin recounts to the totals and receipts check out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PollFactory, UserFactory, VerifiedUserFactory
from votes import selectors, services
from votes.models import Booth, Participation
from votes.results.publication import poll_results_publish

from .helpers import (
    close,
    options,
    vote,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def voter_client() -> Client:
    client = Client()
    client.force_login(VerifiedUserFactory())
    return client


def test_results_are_hidden_from_everyone_until_the_close() -> None:
    poll = PollFactory()
    receipts = [vote(voter_client(), poll, options(poll)[0])[1] for _ in range(2)]
    for reader in (
        selectors.poll_totals,
        selectors.poll_web_totals,
        selectors.poll_booth_totals,
        selectors.poll_bulletin,
    ):
        with pytest.raises(selectors.ResultsHidden):
            reader(poll)
    with pytest.raises(selectors.ResultsHidden):
        selectors.receipt_check(poll=poll, code=receipts[0] or "")
    admin = Client()
    admin.force_login(UserFactory(roles=["administrator"]))
    for client in (Client(), admin):
        assert client.get(reverse("votes:bulletin", args=[poll.pk])).status_code == 403
        checked = client.post(reverse("votes:receipt_check", args=[poll.pk]), {"code": receipts[0]})
        assert checked.status_code == 403
        assert "once the poll closes" in checked.content.decode()
        detail = client.get(reverse("votes:detail", args=[poll.pk])).content.decode()
        assert "2 people have voted" in detail  # turnout, and only turnout
    assert selectors.poll_turnout(poll) == {"web": 2, "booth": 0, "total": 2}


def test_bulletin_recount_equals_totals_and_receipts_are_counted_as_cast() -> None:
    poll = PollFactory()
    yes, no, abstain = options(poll)
    cast = [yes, yes, no, abstain, yes]
    receipts = {}
    for option in cast:
        response, code = vote(voter_client(), poll, option)
        assert response.status_code == 200 and code
        receipts[code] = option
    # One booth with two paper voters, and a corrected tally.
    officer = UserFactory(roles=["officer"])
    booth = services.booth_open(poll=poll, officer=officer, name="Mesa 1")
    for _ in range(2):
        services.booth_participation_record(
            booth=booth, officer=officer, census_record=VerifiedUserFactory().census_record
        )
    close(poll)
    booth = Booth.objects.get(pk=booth.pk)
    services.booth_tally_enter(booth=booth, officer=officer, counts={yes.pk: 2, no.pk: 0, abstain.pk: 0})
    services.booth_tally_enter(booth=booth, officer=officer, counts={yes.pk: 1, no.pk: 1}, note="recount")

    totals = selectors.poll_totals(poll)
    assert totals == {yes.pk: 3 + 1, no.pk: 1 + 1, abstain.pk: 1}
    recount = selectors.bulletin_recount(poll)
    booth_part = selectors.poll_booth_totals(poll)
    assert {pk: recount.get(pk, 0) + booth_part.get(pk, 0) for pk in totals} == totals
    assert Participation.objects.filter(poll=poll).count() == sum(totals.values())

    # Once published, the public bulletin page lists every receipt hash with its choice.
    poll_results_publish(poll=poll, actor=UserFactory(roles=["administrator"]))
    page = Client().get(reverse("votes:bulletin", args=[poll.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for code in receipts:
        assert selectors.receipt_hash(code) in body
        assert code not in body  # hashes only, never codes
    assert len(page.context["ballots"].object_list) == 5

    # A voter checks a receipt, typed loosely (lower case, spaces instead of dashes).
    code, option = next(iter(receipts.items()))
    loose = code.lower().replace("-", " ")
    checked = Client().post(reverse("votes:receipt_check", args=[poll.pk]), {"code": loose})
    assert checked.status_code == 200
    assert "Counted as cast" in checked.content.decode()
    assert [c.option_id for c in checked.context["ballot"].choices.all()] == [option.pk]


def test_unknown_receipt_is_a_clear_not_found() -> None:
    poll = PollFactory()
    vote(voter_client(), poll, options(poll)[0])
    close(poll)
    for code in ("AAAA-BBBB-CCCC-DDDD-EEEE", "----"):
        response = Client().post(reverse("votes:receipt_check", args=[poll.pk]), {"code": code})
        assert response.status_code == 404
        assert "No ballot with this receipt code" in response.content.decode()
    assert Client().post(reverse("votes:receipt_check", args=[poll.pk]), {"code": ""}).status_code == 400


def test_bulletin_is_paginated() -> None:
    from votes import views

    poll = PollFactory()
    for _ in range(3):
        vote(voter_client(), poll, options(poll)[0])
    close(poll)
    poll_results_publish(poll=poll, actor=UserFactory(roles=["administrator"]))
    original = views.BULLETIN_PAGE_SIZE
    views.BULLETIN_PAGE_SIZE = 2
    try:
        first = Client().get(reverse("votes:bulletin", args=[poll.pk]))
        second = Client().get(reverse("votes:bulletin", args=[poll.pk]) + "?page=2")
    finally:
        views.BULLETIN_PAGE_SIZE = original
    hashes = [b.receipt_hash for b in first.context["ballots"].object_list] + [
        b.receipt_hash for b in second.context["ballots"].object_list
    ]
    assert len(hashes) == 3 and hashes == sorted(hashes)


def test_bulletin_recount_equals_the_published_totals() -> None:
    from accounts.models import AuditEntry

    poll = PollFactory()
    yes, no, abstain = options(poll)
    for option in (yes, no, no, abstain, yes, yes):
        vote(voter_client(), poll, option)
    officer = UserFactory(roles=["officer"])
    booth = services.booth_open(poll=poll, officer=officer, name="Mesa 1")
    services.booth_participation_record(booth=booth, officer=officer, census_record=VerifiedUserFactory().census_record)
    close(poll)
    services.booth_tally_enter(booth=Booth.objects.get(pk=booth.pk), officer=officer, counts={no.pk: 1})
    poll_results_publish(poll=poll, actor=UserFactory(roles=["administrator"]))
    published = AuditEntry.objects.get(action="poll.results_published", target_id=str(poll.pk)).detail["totals"]
    recount = selectors.bulletin_recount(poll)
    paper = selectors.poll_booth_totals(poll)
    assert {str(o.pk): recount.get(o.pk, 0) + paper.get(o.pk, 0) for o in (yes, no, abstain)} == published
    assert published == {str(yes.pk): 3, str(no.pk): 3, str(abstain.pk): 1}
