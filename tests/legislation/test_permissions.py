"""Who may do what with a bill's text, for each role, before, during and after each drafting phase."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.roles import ADMINISTRATOR, MODERATOR
from legislation.models import Amendment, Draft, Section
from legislation.permissions import (
    amendment_decide_refusal,
    amendment_propose_refusal,
    amendment_support_refusal,
    annotation_refusal,
    draft_can_view,
    version_create_refusal,
)
from tests.factories import UserFactory, VerifiedUserFactory, legislation_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ROLES = ("visitor", "unconfirmed", "citizen", "verified", "blocked", "moderator", "administrator")


def _user(role: str) -> Any:
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    if role == "visitor":
        return AnonymousUser()
    if role == "unconfirmed":
        return UserFactory(confirmed=False)
    if role == "citizen":
        return UserFactory()
    if role == "verified":
        return VerifiedUserFactory()
    if role == "blocked":
        return VerifiedUserFactory(blocked_at=timezone.now())
    return UserFactory(roles=[MODERATOR if role == "moderator" else ADMINISTRATOR])


def _amendment(draft: Draft) -> Amendment:
    section = Section.objects.filter(draft=draft, kind="article").first()
    assert section is not None
    return Amendment.objects.create(
        draft=draft,
        section=section,
        base_version=draft.versions.get(),
        author=VerifiedUserFactory(),
        text="Otra redacción.",
        justification="Porque.",
    )


# (phases open) -> the roles allowed to annotate / propose / support
EXPECTED = {
    ("annotation",): ({"citizen", "verified", "moderator", "administrator"}, set(), set()),
    ("amendments",): (set(), {"verified"}, {"verified"}),
    ("annotation", "amendments"): ({"citizen", "verified", "moderator", "administrator"}, {"verified"}, {"verified"}),
    ("final_text",): (set(), set(), set()),
    (): (set(), set(), set()),
}


@pytest.mark.parametrize("phases", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_by_phase(role: str, phases: tuple[str, ...]) -> None:
    draft = legislation_draft(articles=2, phases_open=phases)
    amendment = _amendment(draft)
    user = _user(role)
    annotate, propose, support = EXPECTED[phases]
    assert (annotation_refusal(user, draft) is None) == (role in annotate)
    assert (amendment_propose_refusal(user, draft) is None) == (role in propose)
    assert (amendment_support_refusal(user, amendment) is None) == (role in support)
    staff = role in ("moderator", "administrator")
    assert (amendment_decide_refusal(user, amendment) is None) == staff
    assert (version_create_refusal(user, draft) is None) == staff
    assert draft_can_view(user, draft)


def test_every_refusal_says_why() -> None:
    draft = legislation_draft(articles=2, phases_open=("amendments",))
    assert "annotation phase" in (annotation_refusal(UserFactory(), draft) or "")
    assert "Sign in" in (annotation_refusal(_user("visitor"), draft) or "")
    assert "verified" in (amendment_propose_refusal(UserFactory(), draft) or "")
    closed = legislation_draft(articles=2, phases_open=())
    assert "amendments phase" in (amendment_propose_refusal(VerifiedUserFactory(), closed) or "")


def test_before_reading_opens_only_staff_read_and_a_locked_debate_stops_annotations() -> None:
    upcoming = legislation_draft(articles=2, phases_open=("upcoming",))
    assert not draft_can_view(_user("verified"), upcoming)
    assert draft_can_view(_user("moderator"), upcoming)
    draft = legislation_draft(articles=2, phases_open=("annotation",))
    draft.proposal.debate_locked = True
    draft.proposal.save(update_fields=["debate_locked"])
    assert "locked" in (annotation_refusal(UserFactory(), draft) or "")


def test_out_of_scope_residents_cannot_amend() -> None:
    from tests.factories import DistrictFactory

    draft = legislation_draft(articles=2, phases_open=("amendments",))
    process = draft.proposal.process
    process.scope_district = DistrictFactory()
    process.save()
    assert "area" in (amendment_propose_refusal(VerifiedUserFactory(), draft) or "")
