"""The demo bill: a 33-article water ordinance in Spanish, annotated, amendments in every state, two versions."""

from __future__ import annotations

import pytest

from accounts import demo as accounts_demo
from legislation import demo
from legislation.demo_text import TITLE
from legislation.models import Amendment, Annotation, Draft, Section, Version
from proposals import demo as proposals_demo

pytestmark = pytest.mark.django_db


def test_seed_builds_the_ordinance_and_a_second_run_changes_nothing() -> None:
    accounts_demo.seed()
    proposals_demo.seed()
    demo.seed()
    draft = Draft.objects.get(proposal__title=TITLE)
    assert Section.objects.filter(draft=draft, kind="article").count() >= 30
    assert Annotation.objects.filter(draft=draft).count() == len(demo.ANNOTATIONS)
    assert Annotation.objects.filter(draft=draft).exclude(quote="").exists()
    states = set(Amendment.objects.filter(draft=draft).values_list("status", flat=True))
    assert states == {"proposed", "accepted", "rejected", "merged"}
    assert list(Version.objects.filter(draft=draft).values_list("number", flat=True)) == [1, 2]
    snapshot = (Annotation.objects.count(), Amendment.objects.count(), Version.objects.count())
    demo.seed()
    assert (Annotation.objects.count(), Amendment.objects.count(), Version.objects.count()) == snapshot
