"""Supports: one per person (census record), during the supports phase, counted in step."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry
from proposals import services
from proposals.models import Proposal, ProposalEvent, ProposalStatus, Support
from proposals.selectors import support_threshold
from tests.factories import CensusRecordFactory, ProposalFactory, UserFactory, VerifiedUserFactory, process_page

pytestmark = pytest.mark.usefixtures("english")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _support(client: Client, proposal: Proposal, action: str = "support") -> Any:
    return client.post(proposal.process.url + f"{proposal.pk}/support/", {"action": action})


@pytest.mark.parametrize(
    ("percent", "eligible", "needed"),
    [("1", 0, 1), ("1", 50, 1), ("1", 100, 1), ("1", 101, 2), ("0.5", 1000, 5), ("100", 3, 3), ("2.5", 41, 2)],
)
def test_threshold_is_a_rounded_up_share_of_the_census_and_at_least_one(
    percent: str, eligible: int, needed: int
) -> None:
    assert support_threshold(percent=Decimal(percent), eligible=eligible) == needed


@pytest.mark.django_db
def test_support_twice_is_refused_with_a_clear_message() -> None:
    proposal = ProposalFactory()
    client = _client(VerifiedUserFactory())
    assert _support(client, proposal).status_code == 302
    again = _support(client, proposal)
    assert again.status_code == 409
    assert "already support" in again.content.decode()
    proposal.refresh_from_db()
    assert proposal.support_count == 1 and Support.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["unverified", "blocked"])
def test_support_by_an_unverified_or_blocked_citizen_is_refused(who: str) -> None:
    proposal = ProposalFactory()
    user = UserFactory() if who == "unverified" else VerifiedUserFactory(blocked_at=timezone.now())
    response = _support(_client(user), proposal)
    assert response.status_code == 403
    assert "verified citizens" in response.content.decode()
    assert not Support.objects.exists()
    proposal.refresh_from_db()
    assert proposal.support_count == 0 and proposal.status == ProposalStatus.PUBLISHED


@pytest.mark.django_db
def test_visitor_is_sent_to_sign_in() -> None:
    proposal = ProposalFactory()
    response = _support(Client(), proposal)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Support.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("phases", [("proposals",), ("debate",), ("vote",)])
def test_support_outside_the_supports_phase_is_refused(phases: tuple[str, ...]) -> None:
    proposal = ProposalFactory(process=process_page(phases_open=phases))
    assert _support(_client(VerifiedUserFactory()), proposal).status_code == 403
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_support_of_a_hidden_or_unknown_proposal_is_404() -> None:
    proposal = ProposalFactory(status=ProposalStatus.HIDDEN)
    client = _client(VerifiedUserFactory())
    assert _support(client, proposal).status_code == 404
    assert client.post(proposal.process.url + "999999/support/").status_code == 404
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_get_on_the_support_action_is_not_allowed() -> None:
    proposal = ProposalFactory()
    assert _client(VerifiedUserFactory()).get(proposal.process.url + f"{proposal.pk}/support/").status_code == 405


@pytest.mark.django_db
def test_withdraw_support_during_the_phase(django_capture_on_commit_callbacks: Any) -> None:
    proposal = ProposalFactory()
    CensusRecordFactory.create_batch(150)  # 1% of ~152 → 2 supports needed
    user = VerifiedUserFactory()
    client = _client(user)
    _support(client, proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.GATHERING and proposal.support_count == 1
    response = _support(client, proposal, "withdraw")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.support_count == 0 and not Support.objects.exists()
    # It stays gathering: a proposal does not go back to "published".
    assert proposal.status == ProposalStatus.GATHERING
    counts = [e.text for e in ProposalEvent.objects.filter(proposal=proposal, kind="proposal.supports").order_by("id")]
    assert len(counts) == 2 and '"count":1' in counts[0] and '"count":0' in counts[1]
    # Withdrawing what is not there: a clear 409, nothing changes.
    assert _support(client, proposal, "withdraw").status_code == 409


@pytest.mark.django_db
def test_withdraw_after_the_phase_is_refused() -> None:
    proposal = ProposalFactory()
    user = VerifiedUserFactory()
    services.support_add(proposal=proposal, user=user)
    process = proposal.process
    process.supports_closes = timezone.now() - timedelta(minutes=1)
    process.supports_opens = timezone.now() - timedelta(days=2)
    process.save()
    assert _support(_client(user), proposal, "withdraw").status_code == 403
    assert Support.objects.count() == 1


@pytest.mark.django_db
def test_qualified_falls_back_under_the_threshold_and_requalifies(django_capture_on_commit_callbacks: Any) -> None:
    from django.core import mail

    process = process_page(support_threshold_percent=Decimal("100"))
    a, b = VerifiedUserFactory(), VerifiedUserFactory()  # the whole census: both must support
    proposal = ProposalFactory(process=process)
    follower = UserFactory()
    services.follow_set(proposal=proposal, user=follower, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(proposal=proposal, user=a)
        services.support_add(proposal=proposal, user=b)
    assert proposal.status == ProposalStatus.QUALIFIED
    # Its author, its followers and its supporters hear of it (notifications: a proposal I supported qualified).
    assert sorted(m.to[0] for m in mail.outbox) == sorted([proposal.author.email, follower.email, a.email, b.email])
    assert AuditEntry.objects.filter(action="proposal.qualified", actor=None).count() == 1
    services.support_withdraw(proposal=proposal, user=b)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.GATHERING and proposal.support_count == 1


@pytest.mark.django_db
def test_the_same_census_record_counts_once_even_after_a_new_account() -> None:
    """Support belongs to the census record: an account re-bound to it cannot support again."""
    proposal = ProposalFactory()
    first = VerifiedUserFactory()
    services.support_add(proposal=proposal, user=first)
    record = first.census_record
    first.census_record = None
    first.verified_at = None
    first.save()
    second = VerifiedUserFactory(census_record=record)
    response = _support(_client(second), proposal)
    assert response.status_code == 409
    assert Support.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_supports_by_one_person_count_once() -> None:
    proposal = ProposalFactory()
    user = VerifiedUserFactory()
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def attempt() -> None:
        try:
            barrier.wait()
            services.support_add(proposal=Proposal.objects.get(pk=proposal.pk), user=user)
            result = "ok"
        except services.AlreadySupportedError:
            result = "already"
        except Exception as exc:  # any other failure is a test failure, reported below
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already"] * 19 + ["ok"]
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert Support.objects.filter(proposal=proposal).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_supports_by_many_people_all_count() -> None:
    proposal = ProposalFactory()
    users = [VerifiedUserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(users))
    errors: list[str] = []

    def attempt(user: Any) -> None:
        try:
            barrier.wait()
            services.support_add(proposal=Proposal.objects.get(pk=proposal.pk), user=user)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    proposal.refresh_from_db()
    assert proposal.support_count == 12 == Support.objects.filter(proposal=proposal).count()


@pytest.mark.django_db
def test_support_requests_are_rate_limited(settings: Any, rate_window: None) -> None:
    settings.RATELIMIT_ENABLE = True
    proposal = ProposalFactory()
    client = _client(VerifiedUserFactory())
    statuses = [_support(client, proposal).status_code for _ in range(31)]
    assert statuses[0] == 302 and set(statuses[1:30]) == {409}
    assert statuses[30] == 429
    assert Support.objects.count() == 1


@pytest.mark.django_db
def test_the_count_says_the_goal_was_reached_once_it_passes_the_threshold(english: None) -> None:
    proposal = ProposalFactory()
    CensusRecordFactory.create_batch(150)
    client = Client()
    detail = client.get(proposal.process.url + f"{proposal.pk}/").content.decode()
    threshold = int(re.search(r'<progress class="progress" max="(\d+)"', detail)[1])  # type: ignore[index]
    assert threshold >= 2
    Proposal.objects.filter(pk=proposal.pk).update(support_count=threshold - 1)
    for url in (proposal.process.url + f"{proposal.pk}/", proposal.process.url):
        page = " ".join(client.get(url).content.decode().split())
        assert f"of {threshold} supports needed to go to a vote" in page
    Proposal.objects.filter(pk=proposal.pk).update(support_count=threshold + 40)
    for url in (proposal.process.url + f"{proposal.pk}/", proposal.process.url):
        page = " ".join(client.get(url).content.decode().split())
        assert f"supports: the goal of {threshold} is reached, enough to go to a vote" in page
        assert "supports needed" not in page  # never "42 of 2 supports needed"
