"""One support per census record per amendment, under real concurrency on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from decide.refusals import Conflict
from legislation.models import Amendment, AmendmentSupport, Section
from legislation.services import amendment_propose, amendment_support_add
from tests.factories import VerifiedUserFactory, legislation_draft

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_many_clicks_of_one_person_count_once_beside_others() -> None:
    draft = legislation_draft(articles=2)
    section = Section.objects.filter(draft=draft, kind="article").first()
    assert section is not None
    amendment = amendment_propose(
        author=VerifiedUserFactory(), section=section, text="Texto nuevo del artículo.", justification="Mejor."
    )
    person = VerifiedUserFactory()
    others = [VerifiedUserFactory() for _ in range(6)]
    attempts = [person] * 6 + others
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def support(user: object) -> None:
        try:
            barrier.wait()
            amendment_support_add(amendment=Amendment.objects.get(pk=amendment.pk), user=user)  # type: ignore[arg-type]
            result = "ok"
        except Conflict:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=support, args=(user,)) for user in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes).count("ok") == 7 and outcomes.count("conflict") == 5
    amendment.refresh_from_db()
    assert amendment.support_count == 7 == AmendmentSupport.objects.filter(amendment=amendment).count()
    assert AmendmentSupport.objects.filter(amendment=amendment, census_record=person.census_record).count() == 1
