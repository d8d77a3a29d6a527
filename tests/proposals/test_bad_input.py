"""Bad input gets a clear message and a 4xx; nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from proposals.models import Flag, Follow, Proposal
from tests.factories import ProposalFactory, UserFactory, process_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GOOD = {"title": "Caminos rurales en Pataz", "summary": "Mantener los caminos.", "body": "<p>Texto.</p>"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", None),
        ("title", "x" * 151, None),
        ("title", "<script>alert(1)</script>", "Give your proposal a title"),
        ("summary", "   ", None),
        ("summary", "y" * 501, None),
        ("body", "", None),
        ("body", "z" * 20_001, None),
        ("body", "<svg><circle/></svg><math><mi>x</mi></math>", "Write the text of your proposal"),
        ("body", "<script>alert(1)</script>", "Write the text of your proposal"),
    ],
)
def test_submit_refuses_empty_oversized_and_script_only_fields(field: str, value: str, message: str | None) -> None:
    """Django's own messages (required, too long) come translated; ours are checked word for word."""
    process = process_page()
    response = _client(UserFactory()).post(process.url + "submit/", {**GOOD, field: value})
    assert response.status_code == 400
    body = response.content.decode()
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in body
    if message:
        assert message in body
    assert not Proposal.objects.exists()


def test_scripts_and_javascript_links_are_cleaned_from_the_stored_body() -> None:
    process = process_page(pre_moderation=False)
    payload = (
        '<p onmouseover="x()">Agua <a href="javascript:alert(1)">aquí</a> <a href="https://gob.pe">ley</a></p>'
        "<script>alert(1)</script><svg onload=alert(1)></svg><math><mtext>m</mtext></math>"
        '<img src=x onerror="alert(1)"><iframe src="https://evil"></iframe>'
    )
    response = _client(UserFactory()).post(process.url + "submit/", {**GOOD, "body": payload})
    assert response.status_code == 302
    stored = Proposal.objects.get()
    assert stored.status == "published"
    for bad in ("script", "javascript", "svg", "math", "onmouseover", "onerror", "iframe", "<img"):
        assert bad not in stored.body
    assert 'href="https://gob.pe"' in stored.body
    page = Client().get(process.url + f"{stored.pk}/").content.decode()
    assert "alert(1)" not in page


def test_visitor_is_sent_to_sign_in_and_unconfirmed_refused() -> None:
    process = process_page()
    assert Client().get(process.url + "submit/").status_code == 302
    response = _client(UserFactory(confirmed=False)).post(process.url + "submit/", GOOD)
    assert response.status_code == 403
    assert "Confirm your email" in response.content.decode()
    assert not Proposal.objects.exists()


def test_submit_outside_the_proposals_phase_is_refused() -> None:
    process = process_page(phases_open=("supports",))
    response = _client(UserFactory()).post(process.url + "submit/", GOOD)
    assert response.status_code == 403
    assert "not open" in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("path", ["", "edit/", "withdraw/", "flag/"])
def test_unknown_and_hidden_proposals_are_404(path: str) -> None:
    hidden = ProposalFactory(status="hidden")
    client = _client(UserFactory())
    assert client.get(hidden.process.url + f"{hidden.pk}/{path}").status_code == 404
    assert client.get(hidden.process.url + f"999999/{path}").status_code == 404
    assert client.get(hidden.process.url + f"abc/{path}").status_code == 404


def test_a_proposal_of_another_process_is_404_here() -> None:
    proposal = ProposalFactory()
    other = process_page()
    assert Client().get(other.url + f"{proposal.pk}/").status_code == 404


def test_edit_until_published_then_refused() -> None:
    proposal = ProposalFactory(status="submitted")
    client = _client(proposal.author)
    url = proposal.process.url + f"{proposal.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {**GOOD, "title": "Título corregido"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Título corregido"
    proposal.status = "published"
    proposal.save()
    assert client.post(url, {**GOOD, "title": "Otro"}).status_code == 403
    assert _client(UserFactory()).get(url).status_code in (403, 404)
    proposal.refresh_from_db()
    assert proposal.title == "Título corregido"


def test_withdraw_needs_a_reason_and_shows_it() -> None:
    proposal = ProposalFactory(status="gathering")
    client = _client(proposal.author)
    url = proposal.process.url + f"{proposal.pk}/withdraw/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "x" * 1001}).status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == "gathering"
    assert client.post(url, {"reason": "Lo presentaremos con la comunidad."}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    page = Client().get(proposal.process.url + f"{proposal.pk}/").content.decode()
    assert "Lo presentaremos con la comunidad." in page
    # Someone else cannot withdraw.
    other = ProposalFactory()
    assert _client(UserFactory()).post(other.process.url + f"{other.pk}/withdraw/", {"reason": "x"}).status_code == 403


def test_flag_once_with_a_reason() -> None:
    proposal = ProposalFactory()
    client = _client(UserFactory())
    url = proposal.process.url + f"{proposal.pk}/flag/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Datos personales"}).status_code == 302
    assert client.post(url, {"reason": "Otra vez"}).status_code == 409  # a duplicate, as for supports
    assert Flag.objects.count() == 1
    # The author cannot flag their own proposal.
    assert _client(proposal.author).post(url, {"reason": "x"}).status_code == 403


def test_follow_and_unfollow() -> None:
    proposal = ProposalFactory()
    user = UserFactory()
    client = _client(user)
    url = proposal.process.url + f"{proposal.pk}/follow/"
    assert client.post(url, {"follow": "1"}).status_code == 302
    assert Follow.objects.filter(user=user).exists()
    client.post(url, {"follow": "0"})
    assert not Follow.objects.filter(user=user).exists()
    assert Client().post(url).status_code == 302  # visitor → sign in
    assert not Follow.objects.filter(proposal=proposal).exclude(user=proposal.author).exists()


def test_withdrawn_is_not_supportable_and_author_sees_own_submitted() -> None:
    proposal = ProposalFactory(status="submitted")
    assert _client(proposal.author).get(proposal.process.url + f"{proposal.pk}/").status_code == 200
    assert _client(UserFactory()).get(proposal.process.url + f"{proposal.pk}/").status_code == 404


def test_the_author_reads_why_their_proposal_was_hidden_but_cannot_act_on_it() -> None:
    hidden = ProposalFactory(status="hidden", status_reason="Datos personales de terceros")
    client = _client(hidden.author)
    page = client.get(hidden.process.url + f"{hidden.pk}/")
    assert page.status_code == 200 and "Datos personales de terceros" in page.content.decode()
    assert client.post(hidden.process.url + f"{hidden.pk}/withdraw/", {"reason": "x"}).status_code == 403
    assert client.post(hidden.process.url + f"{hidden.pk}/edit/", GOOD).status_code == 403
