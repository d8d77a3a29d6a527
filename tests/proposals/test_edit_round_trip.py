"""Edit forms of user text, used as a person does: open the form, read the textarea, send it back unchanged.

The bug: the comment edit form showed the stored, cleaned HTML (`<p>…</p>`), so the author saw tags they never
typed, and sending it back could nest or escape them again. Every edit form of rich text in proposals is
tried here: the comment, the proposal's text, the official answer.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import ADMINISTRATOR
from decide.sanitize import clean_html
from proposals.demo_debate import DEBATES
from proposals.followup.models import Answer
from proposals.models import Comment, Proposal
from tests.factories import CommentFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO_COMMENT = clean_html(next(iter(DEBATES.values())).comments[0][4])  # stored as the demo stores it
TYPED = (
    "Primer párrafo con <strong>negrita</strong> & un enlace: https://x.org/a?b=1&c=2\n\nSegundo 5 < 7\ny otra línea"
)


def _client(user: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def _textarea(page: str, name: str) -> str:
    """The text a browser puts in the textarea (Django writes a newline after the opening tag; browsers drop it)."""
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, flags=re.DOTALL)
    assert match is not None, f"no textarea {name!r}"
    return html.unescape(match.group(1))


def _as_sent(text: str) -> str:
    return text.replace("\n", "\r\n")  # what a browser sends for a textarea's line breaks


def _assert_readable(text: str) -> None:
    assert "<p>" not in text and "</p>" not in text and "<br>" not in text and "rel=" not in text
    assert "&amp;" not in text and "&lt;" not in text


def test_a_demo_comment_edits_as_text_and_saving_it_unchanged_changes_nothing() -> None:
    comment: Comment = CommentFactory(body=DEMO_COMMENT)
    client = _client(comment.author)
    url = reverse("proposals:comment_edit", args=[comment.pk])
    shown = _textarea(client.get(url).content.decode(), "body")
    _assert_readable(shown)
    assert shown == html.unescape(DEMO_COMMENT.removeprefix("<p>").removesuffix("</p>"))
    response = client.post(url, {"body": _as_sent(shown), "stance": comment.stance})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == DEMO_COMMENT


def test_a_comment_typed_with_paragraphs_links_and_signs_comes_back_as_typed() -> None:
    proposal = ProposalFactory()
    author = UserFactory()
    client = _client(author)
    client.post(reverse("proposals:comment_create", args=[proposal.pk]), {"body": _as_sent(TYPED), "stance": "for"})
    comment = Comment.objects.get()
    assert comment.body.startswith("<p>Primer párrafo") and "<p><p>" not in comment.body
    url = reverse("proposals:comment_edit", args=[comment.pk])
    for _ in range(3):  # edited again and again, it never grows escapes or tags
        shown = _textarea(client.get(url).content.decode(), "body")
        assert shown == TYPED
        assert client.post(url, {"body": _as_sent(shown), "stance": "for"}).status_code == 302
    stored = comment.body
    comment.refresh_from_db()
    assert comment.body == stored


def _input_value(page: str, name: str) -> str:
    match = re.search(rf'<input type="text" name="{name}" value="([^"]*)"', page)
    assert match is not None, f"no input {name!r}"
    return html.unescape(match.group(1))


@pytest.mark.parametrize(
    ("typed_title", "stored_title"),
    [
        ('Agua & luz "ya" para 3 < 5 caseríos', 'Agua & luz "ya" para 3 < 5 caseríos'),
        # Plain text that decodes to markup used to change on every save ("<b>Ley</b>", then "Ley").
        ("&lt;b&gt;Ley&lt;/b&gt; del agua", "Ley del agua"),
    ],
)
def test_a_draft_proposal_edits_as_typed_and_round_trips(typed_title: str, stored_title: str) -> None:
    author = UserFactory()
    process = ProposalFactory().process
    client = _client(author)
    data = {"title": typed_title, "summary": "Riego & agua < 5 km", "body": _as_sent("Uno & dos\n\nTres")}
    assert client.post(process.url + "submit/", data).status_code == 302
    proposal = Proposal.objects.get(author=author)
    assert proposal.title == stored_title and proposal.body == "<p>Uno &amp; dos</p><p>Tres</p>"
    url = process.proposal_url(proposal, "proposal_edit")
    for _ in range(2):
        page = client.get(url).content.decode()
        shown = {
            "title": _input_value(page, "title"),
            "summary": _textarea(page, "summary"),
            "body": _textarea(page, "body"),
        }
        assert shown == {"title": stored_title, "summary": "Riego & agua < 5 km", "body": "Uno & dos\n\nTres"}
        assert client.post(url, {**shown, "body": _as_sent(shown["body"])}).status_code == 302
        proposal.refresh_from_db()
        assert (proposal.title, proposal.summary, proposal.body) == (
            stored_title,
            "Riego & agua < 5 km",
            "<p>Uno &amp; dos</p><p>Tres</p>",
        )


def test_the_official_answer_edits_as_text_and_round_trips() -> None:
    admin = UserFactory(roles=[ADMINISTRATOR])
    proposal: Proposal = ProposalFactory(status="qualified")
    stored = clean_html(
        "<p>El consejo <strong>acepta</strong>.</p><ul><li>Plazo: 2027</li></ul><p>Ver https://x.org</p>"
    )
    Answer.objects.create(
        proposal=proposal,
        state="accepted",
        text=stored,
        responsible_body="Gerencia",
        answered_on=date(2026, 11, 30),
        answered_by=admin,
    )
    client = _client(admin)
    url = proposal.process.proposal_url(proposal) + "answer/"
    shown = _textarea(client.get(url).content.decode(), "text")
    assert shown == "El consejo <strong>acepta</strong>.\n\n<ul><li>Plazo: 2027</li></ul>\n\nVer https://x.org"
    data = {"state": "accepted", "text": _as_sent(shown), "responsible_body": "Gerencia", "answered_on": "2026-11-30"}
    assert client.post(url, data).status_code == 302
    assert Answer.objects.get(proposal=proposal).text == stored
