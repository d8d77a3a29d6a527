"""A long debate comes in pages: a reader goes back to older comments without JavaScript, at a constant cost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.debate.selectors import COMMENTS_PER_PAGE, debate_comment_count, proposal_page_url
from proposals.models import Comment, Proposal
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def _debate(proposal: Proposal, n: int) -> list[Comment]:
    """`n` top-level comments, one minute apart, oldest first; bodies say their position."""
    author = UserFactory(display_name="Rosa")
    start = timezone.now() - timedelta(days=2)
    made = Comment.objects.bulk_create(
        Comment(proposal=proposal, author=author, body=f"<p>Opinion number {i}</p>") for i in range(n)
    )
    for i, comment in enumerate(made):
        Comment.objects.filter(pk=comment.pk).update(created_at=start + timedelta(minutes=i))
    return list(Comment.objects.filter(proposal=proposal).order_by("created_at", "id"))


def _shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"<p>Opinion number (\d+)</p>", html)]


def _link(html: str, text: str) -> str:
    match = re.search(r'<a href="([^"]*)"[^>]*>' + re.escape(text) + "</a>", html)
    assert match, f"no link {text!r}"
    return match.group(1).replace("&amp;", "&")


def test_a_reader_goes_back_to_older_comments_page_by_page() -> None:
    proposal = ProposalFactory()
    per_page = COMMENTS_PER_PAGE
    comments = _debate(proposal, per_page * 2 + 20)
    Comment.objects.filter(pk=comments[3].pk).update(is_pinned=True)
    reply = Comment.objects.create(
        proposal=proposal, author=UserFactory(), parent=comments[10], body="<p>An answer to ten</p>"
    )
    url = proposal_page_url(proposal)
    client = english()

    newest = client.get(url).content.decode()
    # The newest page, oldest first so the conversation reads down; the pinned one on top.
    assert _shown(newest) == [3, *range(per_page + 20, 2 * per_page + 20)]
    assert "Page 1 of 3" in newest and "Newer comments" not in newest
    assert 'data-role="thread"' in newest and 'data-role="comment-count"' in newest

    older_url = _link(newest, "Older comments")
    assert older_url == "?comments_page=2#debate"
    second = client.get(url + older_url.split("#")[0]).content.decode()
    assert _shown(second) == list(range(20, per_page + 20))
    assert "Page 2 of 3" in second

    third = client.get(url + _link(second, "Older comments").split("#")[0]).content.decode()
    assert _shown(third) == [i for i in range(20) if i != 3]
    assert "Older comments" not in third
    # A reply travels with the comment it answers, inside its replies list.
    assert third.index(f'id="comment-{comments[10].pk}"') < third.index(f'id="comment-{reply.pk}"')
    back = _link(third, "Newer comments")
    assert back == "?comments_page=2#debate"
    assert _link(second, "Newer comments") == f"{url}#debate"


@pytest.mark.parametrize("raw", ["0", "99", "abc", "-1", "²"])
def test_a_page_number_out_of_range_shows_the_nearest_page(raw: str) -> None:
    proposal = ProposalFactory()
    _debate(proposal, COMMENTS_PER_PAGE + 5)
    response = english().get(proposal_page_url(proposal), {"comments_page": raw})
    assert response.status_code == 200
    expected = list(range(5)) if raw == "99" else list(range(5, COMMENTS_PER_PAGE + 5))
    assert _shown(response.content.decode()) == expected


def test_replying_to_an_old_comment_comes_back_to_its_page() -> None:
    proposal = ProposalFactory()
    comments = _debate(proposal, COMMENTS_PER_PAGE + 10)
    old = comments[2]
    ana = UserFactory(display_name="Ana")
    client = english()
    client.force_login(ana)
    url = proposal_page_url(proposal)
    second = client.get(url, {"comments_page": 2}).content.decode()
    reply_link = f"?comments_page=2&amp;reply_to={old.pk}#comment-form"
    assert reply_link in second
    form_page = client.get(url + reply_link.replace("&amp;", "&").split("#")[0]).content.decode()
    assert f'name="parent" value="{old.pk}"' in form_page and _shown(form_page)[0] == 0

    response = client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "<p>Still true today</p>", "stance": "for", "parent": old.pk},
        follow=True,
    )
    reply = Comment.objects.get(parent=old)
    assert response.redirect_chain[-1][0] == f"{url}?comments_page=2#comment-{reply.pk}"
    assert "Still true today" in response.content.decode()


def _detail_queries(client: Client, proposal: Proposal) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(proposal_page_url(proposal))
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_queries_of_the_proposal_page_do_not_grow_with_the_debate(signed_in: bool) -> None:
    small, large = ProposalFactory(), ProposalFactory()
    _debate(small, 3)
    many = _debate(large, COMMENTS_PER_PAGE * 3)
    for parent in many[-20:]:
        Comment.objects.create(proposal=large, author=parent.author, parent=parent, body="<p>Reply</p>")
    client = english()
    if signed_in:
        client.force_login(UserFactory())
    _detail_queries(client, small)  # warm caches (site, locale) out of the count
    assert _detail_queries(client, large) == _detail_queries(client, small)


def test_the_count_says_how_many_comments_are_shown_whatever_the_page() -> None:
    proposal = ProposalFactory()
    comments = _debate(proposal, COMMENTS_PER_PAGE + 6)
    now = timezone.now()
    Comment.objects.filter(pk=comments[0].pk).update(hidden_at=now)
    Comment.objects.filter(pk=comments[1].pk).update(deleted_at=now)
    blocked = UserFactory(blocked_at=now)
    Comment.objects.create(proposal=proposal, author=blocked, body="<p>Spam</p>")
    expected = COMMENTS_PER_PAGE + 4
    assert debate_comment_count(proposal) == expected
    for number in ("1", "2"):
        html = english().get(proposal_page_url(proposal), {"comments_page": number}).content.decode()
        assert 'data-role="comment-count"' in html and f">{expected} comments</span>" in html
