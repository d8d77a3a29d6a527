"""The platform activity dashboard: distinct people per week by stage and channel, suppressed, administrators only."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, MODERATOR, OFFICER
from proposals.models import Comment, Support
from tests.factories import ProposalFactory, UserFactory, VerifiedUserFactory
from tests.votes.helpers import closed_poll
from tests.votes.stats_oracle import Reader
from votes.results.activity import (
    ALL,
    COMMENTING,
    PROPOSING,
    STAGE_CHANNELS,
    SUPPORTING,
    VOTING,
    Activity,
    activity_counts,
    activity_decision,
    activity_key,
    activity_rows,
    week_start,
)

THRESHOLD = 10
URL = "/admin/activity/"


def _audit(activity: Activity, threshold: int = THRESHOLD) -> list[str]:
    """Exact check (integer programming) of every small figure against what the dashboard shows and the rules."""
    decision = activity_decision(activity, threshold)
    problems = []
    for week, stages in activity.items():
        for stage, counts in stages.items():
            channels = [c for c in counts if c != ALL]
            keys = [ALL, *channels] if len(channels) > 1 else [ALL]
            reader = Reader()
            x = {k: reader.unknown(k, counts[k]) for k in keys}
            if len(keys) > 1:
                for c in channels:  # a channel's people are among the stage's, who used at least one channel
                    reader.inequalities.append({x[c]: 1, x[ALL]: -1})
                reader.inequalities.append({x[ALL]: 1, **{x[c]: -1 for c in channels}})
            known = [({x[k]: 1}, counts[k]) for k in keys if decision.shows(activity_key(week, stage, k))]
            if len(keys) > 1 and counts[ALL] == sum(counts[c] for c in channels):  # nobody used two channels
                known.append(({x[ALL]: 1, **{x[c]: -1 for c in channels}}, 0))
            for k in keys:
                n = counts[k]
                if 0 < n < threshold:
                    if decision.shows(activity_key(week, stage, k)):
                        problems.append(f"{week} {stage} {k} = {n} shown")
                        continue
                    low, high = reader.interval({x[k]: 1}, known)
                    if high - low < threshold:
                        problems.append(f"{week} {stage} {k} = {n} in [{low}, {high}]")
    return problems


def _activity(rng: random.Random) -> Activity:
    result: Activity = {}
    for w in range(3):
        week = date(2026, 11, 2) + timedelta(weeks=w)
        result[week] = {}
        for stage, channels in STAGE_CHANNELS.items():
            counts = {c: rng.choice([0, 0, 1, 3, 8, 12, 40]) for c in channels}
            biggest, together = max(counts.values()), sum(counts.values())
            people = rng.randint(biggest, together) if together else 0  # some used two channels
            result[week][stage] = {ALL: people, **counts} if len(channels) > 1 else {ALL: counts[channels[0]]}
            if len(channels) == 1:
                result[week][stage][channels[0]] = counts[channels[0]]
    return result


@pytest.mark.parametrize("seed", range(10))
def test_no_small_figure_is_shown_or_derivable(seed: int) -> None:
    assert _audit(_activity(random.Random(seed))) == []


def test_a_small_channel_is_not_the_people_less_the_others() -> None:
    """12 online and 3 by SMS, 15 people: hiding the 3 alone leaves it as 15 - 12."""
    week = date(2026, 11, 2)
    stages = {stage: {ALL: 0, **dict.fromkeys(channels, 0)} for stage, channels in STAGE_CHANNELS.items()}
    stages[SUPPORTING].update({ALL: 15, "online": 12, "sms": 3})
    activity = {week: stages}
    decision = activity_decision(activity, THRESHOLD)
    assert not decision.shows(activity_key(week, SUPPORTING, "sms"))
    assert not (
        decision.shows(activity_key(week, SUPPORTING, "online")) and decision.shows(activity_key(week, SUPPORTING, ALL))
    )
    assert _audit(activity) == []


def _at(when: datetime) -> dict[str, datetime]:
    return {"created_at": when}


@pytest.mark.django_db
def test_counts_distinct_people_per_week_and_channel() -> None:
    now = timezone.now()
    last_week = now - timedelta(days=7)
    proposal = ProposalFactory()
    people = [VerifiedUserFactory() for _ in range(14)]
    for person in people[:12]:
        Support.objects.create(proposal=proposal, census_record=person.census_record, account=person, channel="online")
    for person in people[12:]:
        Support.objects.create(proposal=proposal, census_record=person.census_record, account=person, channel="sms")
    other = ProposalFactory(process=proposal.process)
    Support.objects.create(proposal=other, census_record=people[0].census_record, account=people[0], channel="sms")
    old = Support.objects.create(
        proposal=other, census_record=people[5].census_record, account=people[5], channel="online"
    )
    Support.objects.filter(pk=old.pk).update(created_at=last_week)
    author = UserFactory()
    for body in ("uno", "dos"):
        Comment.objects.create(proposal=proposal, author=author, body=body)
    activity = activity_counts(weeks=2)
    this, previous = week_start(timezone.localdate()), week_start(timezone.localdate()) - timedelta(weeks=1)
    assert list(activity) == [previous, this]
    supporting = activity[this][SUPPORTING]
    # people[0] supported online and by SMS: once among the people, once in each channel.
    assert (supporting[ALL], supporting["online"], supporting["sms"], supporting["paper"]) == (14, 12, 3, 0)
    assert activity[previous][SUPPORTING][ALL] == 1
    assert activity[this][COMMENTING] == {ALL: 1, "online": 1}
    assert activity[this][PROPOSING][ALL] >= 1  # the factories' proposals (their authors)


@pytest.mark.django_db
def test_votes_split_online_and_booth() -> None:
    closed_poll()  # 67 online and 4 at the booth, today
    votes = activity_counts(weeks=1)[week_start(timezone.localdate())][VOTING]
    assert (votes[ALL], votes["web"], votes["booth"]) == (71, 67, 4)
    [row] = activity_rows(weeks=1, threshold=THRESHOLD)
    people, web, booth = row.stages[VOTING]
    assert booth is None  # 4 at the booth: suppressed
    assert web is None or people is None  # else the booth would be 71 - 67


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_administrator_sees_the_table_and_charts() -> None:
    admin = UserFactory(roles=[ADMINISTRATOR])
    client = Client()
    client.force_login(admin)
    closed_poll()
    assert URL in client.get("/admin/").content.decode()
    page = client.get(URL).content.decode()
    assert "People by week, stage and channel" in page and "Polling booth" in page
    assert page.count('class="bar-chart"') == 4 and "Voting: people week by week" in page
    assert page.count("<tbody>") == 1 and page.count('<th scope="row"><time') == 12  # the last 12 weeks
    longer = client.get(f"{URL}?weeks=26").content.decode()
    assert longer.count('<th scope="row"><time') == 26
    assert client.get(f"{URL}?weeks=9999").content.decode().count('<th scope="row"><time') == 12


@pytest.mark.django_db
@pytest.mark.parametrize("role", [MODERATOR, OFFICER, None])
def test_only_administrators(role: str | None) -> None:
    client = Client()
    client.force_login(UserFactory(roles=[role] if role else []))
    assert client.get(URL).status_code in (302, 403)
    assert URL not in client.get("/admin/").content.decode()
