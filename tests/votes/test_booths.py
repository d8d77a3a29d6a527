"""The booth path through the officer pages: open a booth, look a person up, record, tally after close."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry
from tests.factories import CensusRecordFactory, DistrictFactory, PollFactory, UserFactory, VerifiedUserFactory
from votes import selectors
from votes.models import Booth, BoothTally, Participation

from .helpers import (
    close,
    options,
    vote,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def officer_client() -> Client:
    client = Client()
    client.force_login(UserFactory(roles=["officer"]))
    return client


def lookup(client: Client, booth: Booth, document: str, born: date) -> object:
    url = reverse("votes:booth_desk", args=[booth.poll_id, booth.pk])
    return client.post(url, {"document_number": document, "birth_date": born.isoformat()})


def record(client: Client, booth: Booth, lookup_response: object, checked: bool = True) -> object:
    token = lookup_response.context["confirm"].initial["person"]  # type: ignore[attr-defined]
    data = {"person": token}
    if checked:
        data["identity_checked"] = "on"
    return client.post(reverse("votes:booth_record", args=[booth.poll_id, booth.pk]), data, follow=True)


def test_booth_path_end_to_end() -> None:
    poll = PollFactory()
    yes, no, abstain = options(poll)
    officer = officer_client()
    district = DistrictFactory()
    opened = officer.post(
        reverse("votes:booth_list", args=[poll.pk]),
        {"name": "Mesa 12", "location": "Colegio San Juan", "district": district.pk},
        follow=True,
    )
    assert opened.status_code == 200
    booth = Booth.objects.get(poll=poll, name="Mesa 12")
    assert "Booth desk" in opened.content.decode()

    people = [CensusRecordFactory(document=f"7700000{i}") for i in range(3)]
    for i, person in enumerate(people):
        found = lookup(officer, booth, f"77.000.00{i}", person.birth_date)  # typed with dots: same document
        assert found.status_code == 200  # type: ignore[attr-defined]
        assert "7700000" not in found.content.decode()  # type: ignore[attr-defined]  # never echoed back
        done = record(officer, booth, found)
        assert "Participation recorded" in done.content.decode()  # type: ignore[attr-defined]
    assert Participation.objects.filter(poll=poll, channel="booth", booth=booth).count() == 3
    participation = Participation.objects.filter(census_record=people[0]).get()
    assert participation.gender == people[0].gender and participation.area == people[0].area
    audits = AuditEntry.objects.filter(action="booth.participation")
    assert audits.count() == 3
    assert all("7700000" not in str(a.detail) + a.reason + a.location for a in audits)
    assert {a.location for a in audits} == {"Mesa 12"}

    # A second visit of the same person is refused, with words.
    again = lookup(officer, booth, "77000000", people[0].birth_date)
    assert "already voted" in again.content.decode()  # type: ignore[attr-defined]
    # Unknown person / wrong birth date: a clear not-found.
    unknown = lookup(officer, booth, "77000000", date(1900, 1, 1))
    assert unknown.status_code == 404  # type: ignore[attr-defined]
    assert "No census record matches" in unknown.content.decode()  # type: ignore[attr-defined]

    # Tallies wait for the close.
    tally_url = reverse("votes:booth_tally", args=[poll.pk, booth.pk])
    early = officer.post(tally_url, {f"option_{yes.pk}": 2, f"option_{no.pk}": 1, f"option_{abstain.pk}": 0})
    assert early.status_code == 403
    close(poll)
    counts = {f"option_{yes.pk}": 2, f"option_{no.pk}": 1, f"option_{abstain.pk}": 0}
    assert officer.post(tally_url, counts).status_code == 302
    # More votes than voters at this booth is refused.
    too_many = officer.post(tally_url, {**counts, f"option_{no.pk}": 5})
    assert too_many.status_code == 400
    assert "only 3 people voted" in too_many.content.decode()
    # A correction adds rows; the newest counts; the history shows both.
    corrected = officer.post(
        tally_url, {**counts, f"option_{yes.pk}": 1, f"option_{abstain.pk}": 1, "note": "recount"}, follow=True
    )
    assert corrected.status_code == 200
    assert BoothTally.objects.filter(booth=booth).count() == 3 + 2
    assert selectors.poll_totals(poll) == {yes.pk: 1, no.pk: 1, abstain.pk: 1}
    history = [(t.option_id, t.count) for t in corrected.context["history"]]
    assert (yes.pk, 2) in history and (yes.pk, 1) in history


def test_web_voter_cannot_vote_at_a_booth_and_the_reverse() -> None:
    poll = PollFactory()
    officer = officer_client()
    booth_response = officer.post(reverse("votes:booth_list", args=[poll.pk]), {"name": "Mesa 1"})
    assert booth_response.status_code == 302
    booth = Booth.objects.get(poll=poll)
    web_voter = VerifiedUserFactory(census_record__document="80000001")
    voter = Client()
    voter.force_login(web_voter)
    vote(voter, poll, options(poll)[0])
    found = lookup(officer, booth, "80000001", web_voter.census_record.birth_date)
    assert "already voted" in found.content.decode()  # type: ignore[attr-defined]
    assert found.context["refusal"]  # type: ignore[attr-defined]  # so no confirmation form is offered
    assert "Record the vote" not in found.content.decode()  # type: ignore[attr-defined]
    # Even a confirmation forged from an earlier lookup hits the unique index: 409, nothing written.
    from votes.services import booth_person_token

    token = booth_person_token(booth=booth, census_record=web_voter.census_record)
    forced = officer.post(
        reverse("votes:booth_record", args=[poll.pk, booth.pk]), {"person": token, "identity_checked": "on"}
    )
    assert forced.status_code == 409
    assert Participation.objects.filter(poll=poll).count() == 1

    # The reverse: recorded at the booth first, then tries online.
    booth_voter = VerifiedUserFactory(census_record__document="80000002")
    found = lookup(officer, booth, "80000002", booth_voter.census_record.birth_date)
    record(officer, booth, found)
    online = Client()
    online.force_login(booth_voter)
    assert online.get(reverse("votes:ballot", args=[poll.pk])).status_code == 409
    assert Participation.objects.filter(poll=poll).count() == 2


def test_officer_pages_are_for_officers_only() -> None:
    poll = PollFactory()
    citizen = Client()
    citizen.force_login(VerifiedUserFactory())
    assert citizen.get(reverse("votes:booth_list", args=[poll.pk])).status_code == 403
    assert citizen.post(reverse("votes:booth_list", args=[poll.pk]), {"name": "x"}).status_code == 403
    assert Booth.objects.count() == 0


def test_identity_check_is_required_and_the_token_cannot_be_tampered() -> None:
    poll = PollFactory()
    officer = officer_client()
    officer.post(reverse("votes:booth_list", args=[poll.pk]), {"name": "Mesa 1"})
    booth = Booth.objects.get(poll=poll)
    person = CensusRecordFactory(document="90000001")
    found = lookup(officer, booth, "90000001", person.birth_date)
    unchecked = record(officer, booth, found, checked=False)
    assert "Check the identity document" in unchecked.content.decode()  # type: ignore[attr-defined]
    tampered = officer.post(
        reverse("votes:booth_record", args=[poll.pk, booth.pk]), {"person": "abc:def", "identity_checked": "on"}
    )
    assert tampered.status_code == 400
    assert Participation.objects.count() == 0


def test_out_of_scope_person_cannot_vote_at_a_booth() -> None:
    scope = DistrictFactory()
    poll = PollFactory(scope_district=scope)
    officer = officer_client()
    officer.post(reverse("votes:booth_list", args=[poll.pk]), {"name": "Mesa 1"})
    booth = Booth.objects.get(poll=poll)
    outsider = CensusRecordFactory(document="91000001")
    assert outsider.district_id != scope.pk
    found = lookup(officer, booth, "91000001", outsider.birth_date)
    assert "outside the area" in found.content.decode()  # type: ignore[attr-defined]
    from votes.services import booth_person_token

    forced = officer.post(
        reverse("votes:booth_record", args=[poll.pk, booth.pk]),
        {"person": booth_person_token(booth=booth, census_record=outsider), "identity_checked": "on"},
    )
    assert forced.status_code == 403
    assert Participation.objects.count() == 0
