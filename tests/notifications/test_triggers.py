"""Every trigger tells exactly the people it should, and nobody else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import MODERATOR
from notifications.kinds import Kind
from notifications.models import Notification
from proposals import services as proposal_services
from proposals.debate import services as debate_services
from proposals.models import Follow, ProposalStatus, Support
from tests.factories import (
    CensusRecordFactory,
    CommentFactory,
    DistrictFactory,
    PollFactory,
    ProposalFactory,
    UserFactory,
    VerifiedUserFactory,
    process_page,
)
from votes.models import Participation

pytestmark = pytest.mark.django_db


def told(kind: Kind) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """Call a service and let its after-commit work (the notification) happen, as a committed request would."""

    def call(function: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call


def _people_around(proposal: Any) -> tuple[Any, Any, Any]:
    follower = UserFactory()
    Follow.objects.create(proposal=proposal, user=follower)
    supporter = VerifiedUserFactory()
    Support.objects.create(proposal=proposal, census_record=supporter.census_record, account=supporter)
    bystander = UserFactory()
    return follower, supporter, bystander


def test_a_reply_tells_the_author_of_the_comment_it_answers_only(run: Any) -> None:
    first = CommentFactory()
    replier = UserFactory()
    other = CommentFactory(proposal=first.proposal)
    reply = run(
        debate_services.comment_create, author=replier, proposal=first.proposal, body="<p>No.</p>", parent=first
    )
    assert told(Kind.COMMENT_REPLY) == {first.author_id}
    notification = Notification.objects.get(kind=Kind.COMMENT_REPLY)
    assert notification.url.endswith(f"#comment-{reply.pk}")
    assert other.author_id not in told(Kind.COMMENT_REPLY)
    # Answering oneself tells nobody; a top-level comment tells nobody.
    run(debate_services.comment_create, author=first.author, proposal=first.proposal, body="<p>Sí.</p>", parent=first)
    run(debate_services.comment_create, author=replier, proposal=first.proposal, body="<p>Otra.</p>")
    assert Notification.objects.filter(kind=Kind.COMMENT_REPLY).count() == 1


def test_an_official_answer_tells_author_supporters_and_followers(run: Any) -> None:
    proposal = ProposalFactory()
    follower, supporter, bystander = _people_around(proposal)
    moderator = UserFactory(roles=[MODERATOR])
    comment = CommentFactory(proposal=proposal, author=moderator)
    run(debate_services.comment_set_official, moderator=moderator, comment=comment, official=True)
    assert told(Kind.PROPOSAL_ANSWERED) == {proposal.author_id, follower.pk, supporter.pk}
    assert bystander.pk not in told(Kind.PROPOSAL_ANSWERED)


def test_moderation_approves_or_rejects_with_the_reason_to_the_author_only(run: Any) -> None:
    moderator = UserFactory(roles=[MODERATOR], preferred_language="en")
    approved = ProposalFactory(status=ProposalStatus.SUBMITTED, published_at=None)
    rejected = ProposalFactory(status=ProposalStatus.SUBMITTED, published_at=None, author__preferred_language="en")
    run(proposal_services.proposal_approve, proposal=approved, actor=moderator)
    run(proposal_services.proposal_hide, proposal=rejected, actor=moderator, reason="Insulta a un vecino.")
    assert told(Kind.PROPOSAL_MODERATED) == {approved.author_id, rejected.author_id}
    rejection = next(m for m in mail.outbox if m.to == [rejected.author.email])
    assert "not approved" in rejection.subject
    assert "Insulta a un vecino." in rejection.body


def test_qualified_in_vote_and_decided_reach_the_people_around_the_proposal_once(run: Any) -> None:
    proposal = ProposalFactory(status=ProposalStatus.GATHERING, support_count=5)
    follower, supporter, bystander = _people_around(proposal)
    expected = {proposal.author_id, follower.pk, supporter.pk}
    for status in (ProposalStatus.QUALIFIED, ProposalStatus.GATHERING, ProposalStatus.QUALIFIED):
        run(proposal_services.proposal_transition, proposal=proposal, to_status=status, actor=None)
    assert told(Kind.SUPPORTED_QUALIFIED) == expected
    assert Notification.objects.filter(kind=Kind.SUPPORTED_QUALIFIED).count() == 3  # back and forth: told once
    run(proposal_services.proposal_transition, proposal=proposal, to_status=ProposalStatus.IN_VOTE, actor=None)
    assert told(Kind.SUPPORTED_IN_VOTE) == expected
    run(proposal_services.proposal_transition, proposal=proposal, to_status=ProposalStatus.ACCEPTED, actor=None)
    assert told(Kind.SUPPORTED_DECIDED) == expected
    assert Notification.objects.get(kind=Kind.SUPPORTED_DECIDED, recipient=follower).params["accepted"] == 1
    assert bystander.pk not in told(Kind.SUPPORTED_DECIDED)


def test_withdrawn_tells_supporters_and_followers_a_status_in_their_language(run: Any) -> None:
    proposal = ProposalFactory(status=ProposalStatus.GATHERING, support_count=1)
    follower, supporter, _bystander = _people_around(proposal)
    follower.preferred_language = "fr"
    follower.save()
    run(proposal_services.proposal_withdraw, proposal=proposal, actor=proposal.author, reason="Ya no aplica.")
    # The author withdrew it: the others hear of it.
    assert told(Kind.PROPOSAL_STATUS) == {follower.pk, supporter.pk}
    french = next(m for m in mail.outbox if m.to == [follower.email])
    assert "Retirée" in french.body or "retirée" in french.body.lower()


def test_the_moderation_queue_tells_moderators_batched(run: Any) -> None:
    moderators = [UserFactory(roles=[MODERATOR]) for _ in range(2)]
    citizen = UserFactory()
    for _ in range(3):
        proposal = ProposalFactory()
        run(proposal_services.flag_create, proposal=proposal, reporter=citizen, reason="Spam")
    assert told(Kind.MODERATION_QUEUE) == {m.pk for m in moderators}
    assert Notification.objects.filter(kind=Kind.MODERATION_QUEUE).count() == 2  # one each, not one per flag


def _district_voters() -> tuple[Any, Any, Any]:
    district = DistrictFactory()
    inside = [VerifiedUserFactory(census_record=CensusRecordFactory(district=district)) for _ in range(2)]
    outside = VerifiedUserFactory()
    return district, inside, outside


def test_a_poll_opening_tells_its_districts_voters_once(run: Any) -> None:
    district, inside, outside = _district_voters()
    poll = PollFactory(scope_district=district)
    UserFactory()  # not verified: cannot vote
    run(call_command, command_name="close_polls")
    run(call_command, command_name="close_polls")
    assert told(Kind.POLL_OPENED) == {person.pk for person in inside}
    assert Notification.objects.filter(kind=Kind.POLL_OPENED).count() == 2
    assert outside.pk not in told(Kind.POLL_OPENED)
    assert Notification.objects.filter(kind=Kind.POLL_OPENED).first().url == f"/polls/{poll.pk}/"


def test_the_reminder_goes_48_hours_before_closing_to_those_who_have_not_taken_part(run: Any) -> None:
    district, (voted, absent), _outside = _district_voters()
    poll = PollFactory(scope_district=district, closes_at=timezone.now() + timedelta(days=5))
    Participation.objects.create(poll=poll, census_record=voted.census_record, channel="web", day=timezone.localdate())
    run(call_command, command_name="close_polls")
    assert told(Kind.POLL_REMINDER) == set()  # five days before: too early
    poll.closes_at = timezone.now() + timedelta(hours=47)
    poll.save()
    run(call_command, command_name="close_polls")
    assert told(Kind.POLL_REMINDER) == {absent.pk}
    reminder = Notification.objects.get(kind=Kind.POLL_REMINDER)
    # Only the poll's title and closing time: nothing about anyone's participation or choice.
    assert set(reminder.params) == {"poll", "closes"}


def test_results_tell_the_voters_of_the_poll(run: Any) -> None:
    from votes.results.publication import poll_results_publish

    district, inside, outside = _district_voters()
    poll = PollFactory(
        scope_district=district,
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() - timedelta(days=1),
    )
    administrator = UserFactory(roles=["administrator"])
    run(poll_results_publish, poll=poll, actor=administrator)
    assert told(Kind.RESULTS_PUBLISHED) == {person.pk for person in inside}
    assert outside.pk not in told(Kind.RESULTS_PUBLISHED)
    assert set(Notification.objects.filter(kind=Kind.RESULTS_PUBLISHED).first().params) == {"poll"}


def test_a_new_phase_tells_the_followers_of_the_process(run: Any) -> None:
    now = timezone.now()
    process = process_page(
        phases_open=("proposals",), supports_opens=now - timedelta(hours=1), supports_closes=now + timedelta(days=9)
    )
    proposal = ProposalFactory(process=process)
    follower, supporter, bystander = _people_around(proposal)
    run(call_command, command_name="close_polls")
    run(call_command, command_name="close_polls")
    assert told(Kind.PHASE_OPENED) == {proposal.author_id, follower.pk, supporter.pk}
    assert bystander.pk not in told(Kind.PHASE_OPENED)
    notices = Notification.objects.filter(kind=Kind.PHASE_OPENED, recipient=follower)
    # The proposals phase opened a day ago (told), supports an hour ago (told): each once.
    assert sorted(n.params["phase"] for n in notices) == ["Proposals", "Supports"]
