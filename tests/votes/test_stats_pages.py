"""Process statistics page and the per-site suppression threshold."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from cms.models import DecideSettings
from tests.factories import CensusRecordFactory, CommentFactory, DistrictFactory, ProposalFactory, VerifiedUserFactory
from tests.votes.helpers import closed_poll
from votes.models import Participation
from votes.results.stats import suppression_threshold

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.django_db
def test_process_statistics_page_shows_stages_and_suppresses_small_groups() -> None:
    rural = DistrictFactory(code="139701", area="rural")
    urban = DistrictFactory(code="139702", area="urban")
    proposal = ProposalFactory()  # its one author: too few to publish by group
    for district in (rural, urban):
        for gender in ("female", "male"):
            for _ in range(12):
                user = VerifiedUserFactory(census_record=CensusRecordFactory(district=district, gender=gender))
                CommentFactory(proposal=proposal, author=user)
    response = Client().get(reverse("votes:process_statistics", args=[proposal.process.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for stage in ("Proposing", "Supporting", "Debating", "Voting"):
        assert stage in page
    assert 'role="img"' in page and "suppressed" in page
    assert "style=" not in page


@pytest.mark.django_db
def test_process_statistics_count_votes_of_published_polls_only() -> None:
    poll = closed_poll()
    url = reverse("votes:process_statistics", args=[poll.process.pk])
    from votes.results.published import process_statistics

    voting = next(s for s in process_statistics(poll.process, 10) if s.stage == "voting")
    assert voting.total.participants == 0
    poll.results_published_at = poll.closes_at
    poll.save(update_fields=["results_published_at"])
    voting = next(s for s in process_statistics(poll.process, 10) if s.stage == "voting")
    assert voting.total.participants == Participation.objects.filter(poll=poll).count()
    assert Client().get(url).status_code == 200


@pytest.mark.django_db
def test_the_threshold_is_set_per_site() -> None:
    site = Site.objects.get(is_default_site=True)
    assert suppression_threshold() == 10
    settings_row = DecideSettings.for_site(site)
    settings_row.suppression_threshold = 25
    settings_row.save()
    assert suppression_threshold() == 25
    poll = closed_poll(published=True)
    data = Client().get(f"/api/v1/statistics/polls/{poll.pk}").json()
    assert data["suppression_threshold"] == 25
    voting = {(s["gender"], s["area"]): s for s in data["statistics"] if s["stage"] == "voting"}
    assert voting[("male", "urban")]["participants"] is None  # 23 voters: enough at 10, too few at 25
