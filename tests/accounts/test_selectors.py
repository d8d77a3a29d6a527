"""What other apps read from accounts: the eligible census of a scope, lookups and the verified predicate."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import District, Province
from accounts.permissions import (
    can_assist_verification,
    can_import_census,
    can_unbind,
    can_verify_self,
    is_verified_citizen,
)
from accounts.roles import ADMINISTRATOR, OFFICER
from accounts.selectors import census_record_for, census_record_lookup, eligible_census
from tests.factories import CensusRecordFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.usefixtures("la_libertad")


def test_eligible_census_by_scope() -> None:
    trujillo, usquil = District.objects.get(code="130101"), District.objects.get(code="130614")
    CensusRecordFactory.create_batch(3, district=trujillo, area="urban")
    CensusRecordFactory.create_batch(2, district=usquil, area="rural")
    assert eligible_census().count() == 5
    assert eligible_census(scope_province=Province.objects.get(code="1306")).count() == 2
    assert eligible_census(scope_district=trujillo).count() == 3


def test_lookup_needs_document_and_birth_date() -> None:
    record = CensusRecordFactory(document="12345678K", birth_date=date(1990, 1, 2))
    assert census_record_lookup(document_number="12.345.678-k", birth_date=date(1990, 1, 2)) == record
    assert census_record_lookup(document_number="12345678K", birth_date=date(1990, 1, 3)) is None
    assert census_record_for("00000000", date(1990, 1, 2)) is None


def test_predicates_for_each_role() -> None:
    citizen, verified = UserFactory(), VerifiedUserFactory()
    officer, administrator = UserFactory(roles=[OFFICER]), UserFactory(roles=[ADMINISTRATOR])
    assert (is_verified_citizen(citizen), is_verified_citizen(verified)) == (False, True)
    assert (can_verify_self(citizen), can_verify_self(verified), can_verify_self(UserFactory(confirmed=False))) == (
        True,
        False,
        False,
    )
    verified.blocked_at = timezone.now()
    assert not is_verified_citizen(verified)
    assert [can_assist_verification(u) for u in (citizen, officer, administrator)] == [False, True, False]
    assert [can_unbind(u) for u in (citizen, officer, administrator)] == [False, False, True]
    assert [can_import_census(u) for u in (citizen, officer, administrator)] == [False, False, True]
