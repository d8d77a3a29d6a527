"""Inclusion statistics of a process count who annotated and who amended its bills' texts, by gender x area."""

from __future__ import annotations

import pytest

from legislation.models import Section
from legislation.services import amendment_propose, amendment_support_add, annotation_create
from tests.factories import CensusRecordFactory, UserFactory, VerifiedUserFactory, legislation_draft
from votes.results import stats

pytestmark = pytest.mark.django_db


def test_annotating_and_amending_stages_count_each_person_once_in_their_cell() -> None:
    draft = legislation_draft(articles=3)
    one, two = Section.objects.filter(draft=draft, kind="article")[:2]
    rural_woman = VerifiedUserFactory(census_record=CensusRecordFactory(gender="female", district__area="rural"))
    urban_man = VerifiedUserFactory(census_record=CensusRecordFactory(gender="male", district__area="urban"))
    undeclared = UserFactory()
    for author in (rural_woman, rural_woman, undeclared):
        annotation_create(author=author, section=one, body="<p>Comentario</p>")
    amendment = amendment_propose(author=rural_woman, section=two, text="Otro texto.", justification="Razón.")
    amendment_support_add(amendment=amendment, user=rural_woman)
    amendment_support_add(amendment=amendment, user=urban_man)
    counts = stats.process_stage_counts(draft.proposal.process)
    assert stats.PROCESS_STAGES.index("annotating") < stats.PROCESS_STAGES.index("voting")
    annotating = {cell: n for cell, n in counts["annotating"].items() if n}
    assert annotating == {("female", "rural"): 1, ("unknown", "unknown"): 1}
    amending = {cell: n for cell, n in counts["amending"].items() if n}
    assert amending == {("female", "rural"): 1, ("male", "urban"): 1}
    # Annotations are debate comments: the debating stage counts them too.
    assert sum(counts["debating"].values()) == 2
