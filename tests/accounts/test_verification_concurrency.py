"""Two accounts verify with the same document at the same moment: exactly one is bound."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from accounts.models import AuditEntry, User
from accounts.verification import Outcome, citizen_verify
from tests.factories import CensusRecordFactory, UserFactory

BIRTH = date(1982, 2, 2)


def race(contenders: list[User]) -> tuple[list[Outcome], list[BaseException]]:
    barrier = threading.Barrier(len(contenders))
    outcomes: list[Outcome] = []
    errors: list[BaseException] = []

    def verify(user: User) -> None:
        try:
            barrier.wait()
            outcomes.append(citizen_verify(user=user, document_number="88776655", birth_date=BIRTH))
        except BaseException as exc:  # reported to the main thread, which fails the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=verify, args=(user,)) for user in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_census_record_binds_one_account_under_concurrency() -> None:
    record = CensusRecordFactory(document="88776655", birth_date=BIRTH)
    for _round in range(5):
        outcomes, errors = race([UserFactory(), UserFactory()])
        assert errors == []
        assert sorted(outcomes) == sorted([Outcome.VERIFIED, Outcome.NO_MATCH])
        assert User.objects.filter(census_record=record).count() == 1
        # Free the record for the next round.
        User.objects.filter(census_record=record).update(census_record=None, verified_at=None)
    assert AuditEntry.objects.filter(action="census.verify").count() == 5
