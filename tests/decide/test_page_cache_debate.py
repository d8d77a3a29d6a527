"""The debate's page of comments, rendered once per version and shared by signed-in viewers who see it alike.

What the signed-in debate page's speed relies on (proposals/templatetags/debate_tags.py): a viewer
with marks of their own (a reaction, their own comments, moderator links) never gets another's
thread nor leaves theirs for others; each viewer's CSRF tokens are their own; a new comment is
on the next load.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token  # type: ignore[attr-defined]
from django.test import Client

from proposals.debate import services as debate_services
from proposals.models import Comment, Proposal
from tests.factories import CommentFactory, ProposalFactory, UserFactory, VerifiedUserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "page_cache")]

TOKEN_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture
def page_cache(settings: Any) -> None:
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def debate() -> Proposal:
    proposal = ProposalFactory()
    for n in range(4):
        CommentFactory(proposal=proposal, author=UserFactory(), body=f"<p>Opinión {n}</p>")
    return proposal


def _signed_in(user: Any = None) -> Client:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(user or VerifiedUserFactory())
    return client


def _url(proposal: Proposal) -> str:
    return proposal.process.url + f"{proposal.pk}/"


def _page(client: Client, proposal: Proposal) -> str:
    response = client.get(_url(proposal))
    assert response.status_code == 200
    return response.content.decode()


def _stored_threads() -> list[Any]:
    return [key for key in cache._cache if ":debate:thread:" in key]  # type: ignore[attr-defined]


def _tamper_stored_thread(marker: str) -> None:
    """Write a marker into every stored thread: a page showing it was served from the cache."""
    for raw_key in list(cache._cache):  # type: ignore[attr-defined]
        if ":debate:thread:" not in raw_key:
            continue
        key = raw_key.split(":", 2)[2]  # locmem's make_key: prefix:version:key
        version, variants = cache.get(key)
        cache.set(key, (version, {v: html + f"<li>{marker}</li>" for v, html in variants.items()}))


@pytest.mark.usefixtures("listable_cache")
def test_plain_citizens_share_the_thread_each_with_their_own_csrf_tokens(debate: Proposal) -> None:
    first = _signed_in()
    _page(first, debate)
    assert _stored_threads(), "the thread was not stored"
    _tamper_stored_thread("from-the-cache")
    second = _signed_in()
    page = _page(second, debate)
    assert "from-the-cache" in page
    secret = second.cookies["csrftoken"].value
    tokens = TOKEN_FIELD.findall(page)
    assert tokens and all(_unmask_cipher_token(token) == secret for token in tokens)
    assert secret != first.cookies["csrftoken"].value


@pytest.mark.usefixtures("listable_cache")
def test_a_viewer_with_marks_of_their_own_gets_their_own_thread_and_leaves_none(debate: Proposal) -> None:
    reactor = VerifiedUserFactory()
    comment = Comment.objects.filter(proposal=debate).first()
    assert comment is not None
    debate_services.comment_react(user=reactor, comment=comment, value=1)
    author = comment.author
    moderator = UserFactory(roles=["moderator"])
    _page(_signed_in(), debate)  # a plain viewer's thread is stored
    _tamper_stored_thread("from-the-cache")
    marks = {"reaction": 'aria-pressed="true"', "edit": r"/comments/\d+/edit/", "moderate": r"/comments/\d+/moderate/"}
    for who, mark in ((reactor, "reaction"), (author, "edit"), (moderator, "moderate")):
        page = _page(_signed_in(who), debate)
        assert "from-the-cache" not in page, who
        assert re.search(marks[mark], page), mark
    # None of their marks reached the thread other viewers are served.
    plain = _page(_signed_in(), debate)
    assert "from-the-cache" in plain
    assert not any(re.search(mark, plain) for mark in marks.values())


def test_viewers_who_may_not_report_or_reply_get_a_thread_of_their_own(debate: Proposal) -> None:
    anonymous = Client(headers={"accept-language": "en"})
    anonymous_page = anonymous.get(_url(debate)).content.decode()
    assert not re.search(r"/comments/\d+/flag/", anonymous_page)
    citizen_page = _page(_signed_in(), debate)
    assert re.search(r"/comments/\d+/flag/", citizen_page)  # a confirmed citizen may report others' comments


def test_a_new_comment_is_in_the_next_thread(debate: Proposal, django_capture_on_commit_callbacks: Any) -> None:
    viewer = _signed_in()
    _page(viewer, debate)
    with django_capture_on_commit_callbacks(execute=True):
        debate_services.comment_create(author=VerifiedUserFactory(), proposal=debate, body="<p>Recién llegada</p>")
    assert "Recién llegada" in _page(viewer, debate)
