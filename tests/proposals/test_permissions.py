"""Each permission for every role, before, during and after the phase it depends on.

Roles: visitor (anonymous), citizen (confirmed email), verified citizen (census record),
author, moderator, administrator. Phases are placed before / during / after `now`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from proposals import permissions
from proposals.models import ProcessPage, ProposalStatus
from tests.factories import ProposalFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

ROLES = ("visitor", "unconfirmed", "citizen", "verified", "author", "moderator", "administrator", "blocked")
WHEN = ("before", "during", "after")


def _user(role: str, proposal: Any) -> Any:
    if role == "visitor":
        return AnonymousUser()
    if role == "unconfirmed":
        return UserFactory(confirmed=False)
    if role == "citizen":
        return UserFactory()
    if role == "verified":
        return VerifiedUserFactory()
    if role == "author":
        return proposal.author
    if role == "blocked":
        return VerifiedUserFactory(blocked_at=timezone.now(), blocked_reason="spam")
    return UserFactory(roles=[role])


def _process(phase: str = "supports", when: str = "during", **extra: Any) -> ProcessPage:
    """A process whose `phase` lies before / around / after now; the other phases closed in the past.

    Not saved in the page tree: permissions read only its dates and scope, and publishing
    hundreds of pages would make this matrix slow.
    """
    now = timezone.now()
    day = timedelta(days=1)
    span = {
        "before": (now + day, now + 2 * day),
        "during": (now - day, now + day),
        "after": (now - 3 * day, now - 2 * day),
    }
    fields: dict[str, Any] = {}
    for name in ("proposals", "supports", "debate", "vote"):
        opens, closes = span[when] if name == phase else span["after"]
        fields[f"{name}_opens"], fields[f"{name}_closes"] = opens, closes
    fields["results_on"] = now + 10 * day
    fields.update(extra)
    return ProcessPage(title="Proceso", slug="proceso", **fields)


def _proposal(process: ProcessPage | None = None, **fields: Any) -> Any:
    fields.setdefault("author", UserFactory())
    return ProposalFactory.build(process=process or _process(), **fields)


SUBMIT = {"citizen", "verified", "author", "moderator", "administrator"}


@pytest.mark.parametrize("when", WHEN)
@pytest.mark.parametrize("role", ROLES)
def test_submit_proposal(role: str, when: str) -> None:
    process = _process("proposals", when)
    proposal = _proposal(process=process)
    expected = when == "during" and role in SUBMIT
    assert permissions.can_submit_proposal(_user(role, proposal), process) is expected


# The author of a support test is a verified citizen too, so "author" may support their own proposal.
SUPPORT = {"verified", "author"}


@pytest.mark.parametrize("when", WHEN)
@pytest.mark.parametrize("role", ROLES)
def test_support(role: str, when: str) -> None:
    process = _process("supports", when)
    proposal = _proposal(process=process, author=VerifiedUserFactory())
    expected = when == "during" and role in SUPPORT
    assert permissions.can_support(_user(role, proposal), proposal) is expected
    assert permissions.can_withdraw_support(_user(role, proposal), proposal) is expected


@pytest.mark.parametrize("when", WHEN)
@pytest.mark.parametrize("status", ["submitted", "published", "gathering", "qualified", "in_vote", "withdrawn"])
def test_support_needs_a_supportable_status(status: str, when: str) -> None:
    process = _process("supports", when)
    proposal = _proposal(process=process, status=status)
    expected = when == "during" and status in {"published", "gathering", "qualified"}
    assert permissions.can_support(VerifiedUserFactory(), proposal) is expected


def test_support_only_inside_the_process_scope() -> None:
    inside, outside = VerifiedUserFactory(), VerifiedUserFactory()
    process = _process(scope_district=inside.census_record.district)
    proposal = _proposal(process=process)
    assert permissions.can_support(inside, proposal)
    assert not permissions.can_support(outside, proposal)


EDIT = {"author"}


@pytest.mark.parametrize("status", [s.value for s in ProposalStatus])
@pytest.mark.parametrize("role", ROLES)
def test_edit_until_published(role: str, status: str) -> None:
    proposal = _proposal(status=status)
    expected = role in EDIT and status in {"draft", "submitted"}
    assert permissions.can_edit_proposal(_user(role, proposal), proposal) is expected


@pytest.mark.parametrize("status", [s.value for s in ProposalStatus])
@pytest.mark.parametrize("role", ROLES)
def test_withdraw_by_the_author_before_the_vote(role: str, status: str) -> None:
    proposal = _proposal(status=status)
    expected = role == "author" and status in {"draft", "submitted", "published", "gathering", "qualified"}
    assert permissions.can_withdraw_proposal(_user(role, proposal), proposal) is expected


def test_institutional_bills_are_not_withdrawn_by_their_author() -> None:
    admin = UserFactory(roles=["administrator"])
    bill = _proposal(kind="institutional", author=admin)
    assert not permissions.can_withdraw_proposal(admin, bill)


FLAG = {"citizen", "verified", "moderator", "administrator"}


@pytest.mark.parametrize("role", ROLES)
def test_flag(role: str) -> None:
    proposal = _proposal()
    assert permissions.can_flag(_user(role, proposal), proposal) is (role in FLAG)


@pytest.mark.parametrize("role", ROLES)
def test_follow(role: str) -> None:
    proposal = _proposal()
    assert permissions.can_follow(_user(role, proposal), proposal) is (role not in {"visitor", "blocked"})


@pytest.mark.parametrize("role", ROLES)
def test_moderate_and_create_bills(role: str) -> None:
    proposal = _proposal()
    user = _user(role, proposal)
    assert permissions.can_moderate(user) is (role in {"moderator", "administrator"})
    assert permissions.can_create_institutional_bill(user) is (role == "administrator")


@pytest.mark.parametrize("status", [s.value for s in ProposalStatus])
@pytest.mark.parametrize("role", ROLES)
def test_view(role: str, status: str) -> None:
    proposal = _proposal(status=status)
    visible_to_all = status in {
        "published",
        "gathering",
        "qualified",
        "in_vote",
        "accepted",
        "rejected",
        "archived",
        "withdrawn",
    }
    if role in {"moderator", "administrator"}:
        expected = True
    elif role == "author":
        expected = visible_to_all or status in {"draft", "submitted", "hidden"}
    else:
        expected = visible_to_all
    assert permissions.can_view_proposal(_user(role, proposal), proposal) is expected


def test_blocked_author_hides_the_proposal_from_everyone_but_moderators() -> None:
    proposal = _proposal(author=UserFactory(blocked_at=timezone.now()))
    assert not permissions.can_view_proposal(AnonymousUser(), proposal)
    assert not permissions.can_view_proposal(VerifiedUserFactory(), proposal)
    assert permissions.can_view_proposal(UserFactory(roles=["moderator"]), proposal)
