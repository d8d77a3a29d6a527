"""Issue 13, item 11: the smaller findings, each driven the way a person would meet it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, User
from accounts.roles import OFFICER
from decide.csp import widget_init_hashes
from proposals.models import CommentReaction
from tests.factories import (
    CensusRecordFactory,
    CommentFactory,
    PollFactory,
    ProposalFactory,
    UserFactory,
    process_page,
)
from votes.models import Booth

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- reactions: set and unset, never a toggle ------------------------------------------


def react(client: Client, comment: Any, value: int) -> Any:
    return client.post(reverse("proposals:comment_react", args=[comment.pk]), {"value": str(value)})


def test_a_double_clicked_agree_does_not_cancel_itself(citizen: User) -> None:
    comment = CommentFactory()
    client = signed_in(citizen)
    react(client, comment, 1)
    react(client, comment, 1)  # the second click of a double click
    comment.refresh_from_db()
    assert comment.agree_count == 1
    assert CommentReaction.objects.get(comment=comment, user=citizen).value == 1


def test_a_reaction_is_taken_back_by_asking_for_none_and_switched_by_asking_for_the_other(citizen: User) -> None:
    comment = CommentFactory()
    client = signed_in(citizen)
    react(client, comment, 1)
    react(client, comment, -1)
    comment.refresh_from_db()
    assert (comment.agree_count, comment.disagree_count) == (0, 1)
    react(client, comment, 0)
    react(client, comment, 0)
    comment.refresh_from_db()
    assert (comment.agree_count, comment.disagree_count) == (0, 0)
    assert not CommentReaction.objects.filter(comment=comment).exists()


def test_the_pressed_button_asks_to_take_the_reaction_back(citizen: User) -> None:
    comment = CommentFactory()
    client = signed_in(citizen)
    react(client, comment, 1)
    page = client.get(comment.proposal.process.specific.proposal_url(comment.proposal)).content.decode()
    assert 'name="value" value="0" class="secondary" aria-pressed="true"' in page
    assert 'name="value" value="-1" class="secondary" aria-pressed="false"' in page


# --- a duplicate report answers 409, as a duplicate support does -------------------------


def test_reporting_a_comment_twice_answers_409(citizen: User) -> None:
    comment = CommentFactory()
    client = signed_in(citizen)
    url = reverse("proposals:comment_flag", args=[comment.pk])
    assert client.post(url, {"reason": "Insultos"}).status_code in (200, 302)
    assert client.post(url, {"reason": "Insultos"}).status_code == 409


def test_reporting_a_proposal_twice_answers_409(citizen: User) -> None:
    proposal = ProposalFactory()
    client = signed_in(citizen)
    url = proposal.process.specific.proposal_url(proposal, "proposal_flag")
    assert client.post(url, {"reason": "Publicidad"}).status_code in (200, 302)
    assert client.post(url, {"reason": "Publicidad"}).status_code == 409


# --- every census lookup at a booth desk is audited, never with the document number ------


def test_each_census_lookup_at_the_booth_desk_is_audited_without_the_document() -> None:
    officer = UserFactory(roles=[OFFICER])
    poll = PollFactory(allow_booth=True)
    booth = Booth.objects.create(poll=poll, name="Mesa 3", opened_by=officer)
    person = CensusRecordFactory(document="45678912")
    client = signed_in(officer)
    url = reverse("votes:booth_desk", args=[poll.pk, booth.pk])
    found = client.post(url, {"document_number": "45678912", "birth_date": person.birth_date.isoformat()})
    missing = client.post(url, {"document_number": "11111111", "birth_date": date(1990, 1, 1).isoformat()})
    assert (found.status_code, missing.status_code) == (200, 404)
    entries = list(AuditEntry.objects.filter(action="census.lookup").order_by("created_at", "pk"))
    assert len(entries) == 2
    assert all(entry.actor_id == officer.pk for entry in entries)
    assert [entry.detail["found"] for entry in entries] == [True, False]
    assert entries[0].detail["booth"] == booth.pk
    for entry in entries:
        stored = f"{entry.reason} {entry.location} {entry.detail} {entry.target_id}"
        assert "45678912" not in stored and "11111111" not in stored


# --- the OpenAPI document declares what the routes can answer ---------------------------


def test_the_openapi_document_declares_the_refusals_the_routes_can_answer(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert "422" in declared, (method, path)  # malformed query or path parameters
            assert "404" in declared, (method, path)  # an unknown object, or a page past the last
            if path.startswith(("/api/v1/results/", "/api/v1/statistics/polls/")):
                assert "403" in declared, (method, path)  # results not yet published


# --- the admins' pages get a Content Security Policy -------------------------------------


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/django-admin/"])
def test_admin_pages_carry_a_content_security_policy_without_unsafe_scripts(path: str) -> None:
    response = signed_in(UserFactory(is_superuser=True, is_staff=True)).get(path)
    assert response.status_code == 200
    directives = {
        part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split(";") if part.strip()
    }
    # 'self', and at most the hashes of Wagtail's own widget initialisers (never 'unsafe-inline' or 'unsafe-eval')
    assert directives["script-src"][0] == "'self'"
    assert all(source.startswith("'sha256-") for source in directives["script-src"][1:])
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


def test_only_wagtails_widget_initialisers_are_allowed_inline_in_the_admin() -> None:
    init = 'initDateTimeChooser("id_vote_opens", {"dayOfWeekStart": 1, "format": "Y-m-d H:i"});'
    html = f"<script>{init}</script><script>alert(1)</script><script>{init}alert(2)</script>"
    assert widget_init_hashes(html) == widget_init_hashes(f"<script>{init}</script>")
    assert len(widget_init_hashes(html)) == 1
    page = process_page()
    response = signed_in(UserFactory(is_superuser=True, is_staff=True)).get(f"/admin/pages/{page.pk}/edit/")
    policy = [part.split() for part in response["Content-Security-Policy"].split(";")]
    script_src = next(words[1:] for words in policy if words[:1] == ["script-src"])
    assert script_src[0] == "'self'"
    assert script_src[1:] == widget_init_hashes(response.content.decode())
    assert len(script_src) > 1  # the editor's date-time fields are initialised, not silently blocked
