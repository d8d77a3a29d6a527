"""The support threshold reads a cached census count, recounted as soon as the census changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import CensusImport, CensusRecord
from proposals.selectors import eligible_count, process_support_threshold
from tests.factories import CensusRecordFactory, DistrictFactory, process_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


def test_threshold_follows_new_records_and_finished_imports() -> None:
    district = DistrictFactory()
    CensusRecordFactory.create_batch(3, district=district)
    CensusRecordFactory(district=DistrictFactory())  # another scope: not counted
    process = process_page(scope_district=district, support_threshold_percent=Decimal("50"))
    assert eligible_count(process) == 3
    assert process_support_threshold(process) == 2

    with CaptureQueriesContext(connection) as captured:
        assert eligible_count(process) == 3
    assert len(captured) == 1  # the census stamp only: no count while nothing changed

    CensusRecordFactory.create_batch(3, district=district)
    assert eligible_count(process) == 6 and process_support_threshold(process) == 3

    # An import that removes or moves records without adding any still moves the stamp when it finishes.
    oldest = CensusRecord.objects.filter(district=district).order_by("id")[:2]
    CensusRecord.objects.filter(pk__in=list(oldest.values_list("pk", flat=True))).delete()
    CensusImport.objects.create(file_name="padron.csv", finished_at=timezone.now())
    assert eligible_count(process) == 4


def test_cold_and_warm_cache_cost_the_same_number_of_queries() -> None:
    district = DistrictFactory()
    CensusRecordFactory.create_batch(2, district=district)
    process = process_page(scope_district=district)
    with CaptureQueriesContext(connection) as cold:
        assert eligible_count(process) == 2
    with CaptureQueriesContext(connection) as warm:
        assert eligible_count(process) == 2
    assert len(cold) == len(warm) == 1
