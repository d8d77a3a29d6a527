"""Issue 13 item 4: a comment's action forms (GET) open only for who may act, and never show words no longer shown.

The edit form used to open for any signed-in user on any comment, its textarea filled with
the text, including comments hidden by a moderator or deleted by their author.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.proposals.helpers import comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SECRET = "Texto-que-nadie-debe-leer"


def _signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize("state", ["shown", "hidden", "deleted"])
def test_edit_form_is_refused_to_anyone_but_its_author_and_shows_no_text(state: str) -> None:
    c = comment(body=f"<p>{SECRET}</p>")
    if state == "hidden":
        c.hidden_at = timezone.now()
    elif state == "deleted":
        c.deleted_at = timezone.now()
    c.save()
    url = reverse("proposals:comment_edit", args=[c.pk])
    response = _signed_in(UserFactory()).get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert SECRET not in html
    assert "Only its author may edit a comment." in html


@pytest.mark.parametrize("state", ["hidden", "deleted"])
def test_its_author_cannot_reopen_a_hidden_or_deleted_comment_in_the_edit_form(state: str) -> None:
    c = comment(body=f"<p>{SECRET}</p>")
    setattr(c, f"{state}_at", timezone.now())
    c.save()
    response = _signed_in(c.author).get(reverse("proposals:comment_edit", args=[c.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert SECRET not in html and "This comment is no longer shown." in html


def test_its_author_still_opens_the_edit_form_with_the_text() -> None:
    c = comment(body=f"<p>{SECRET}</p>")
    response = _signed_in(c.author).get(reverse("proposals:comment_edit", args=[c.pk]))
    assert response.status_code == 200 and SECRET in response.content.decode()


def test_delete_form_is_refused_to_anyone_but_its_author() -> None:
    c = comment(body=f"<p>{SECRET}</p>")
    response = _signed_in(UserFactory()).get(reverse("proposals:comment_delete", args=[c.pk]))
    assert response.status_code == 403
    assert SECRET not in response.content.decode()
