"""The debate as a citizen and a moderator use it without JavaScript: real forms, redirects, page loads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from proposals.debate.selectors import proposal_page_url
from proposals.models import Comment, Flag
from tests.factories import ProposalFactory, UserFactory
from tests.proposals.helpers import comment, moderator

pytestmark = pytest.mark.django_db


def english() -> Client:
    """The page in English, the source language the assertions read (the site default is Spanish)."""
    return Client(headers={"accept-language": "en"})


def signed_in(user: object) -> Client:
    client = english()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_citizen_comments_and_replies_through_the_page_form() -> None:
    proposal = ProposalFactory()
    ana = UserFactory(display_name="Ana Quispe")
    client = signed_in(ana)
    page = client.get(proposal_page_url(proposal))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="comment-form"' in html and "live-debate.js" in html and 'aria-live="polite"' in html
    response = client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "<p>Riego por goteo en Otuzco</p>", "stance": "for"},
        follow=True,
    )
    top = Comment.objects.get()
    assert response.redirect_chain[-1][0] == f"{proposal_page_url(proposal)}#comment-{top.pk}"
    html = response.content.decode()
    assert "Riego por goteo en Otuzco" in html and "Ana Quispe" in html and f'id="comment-{top.pk}"' in html

    ben = signed_in(UserFactory(display_name="Ben"))
    form_page = ben.get(proposal_page_url(proposal), {"reply_to": top.pk})
    assert f'name="parent" value="{top.pk}"' in form_page.content.decode()
    ben.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "¿Y el costo?", "stance": "neutral", "parent": top.pk},
    )
    reply = Comment.objects.get(parent=top)
    html = ben.get(proposal_page_url(proposal)).content.decode()
    # The reply sits inside its parent's replies list.
    top_at = html.index(f'id="comment-{top.pk}"')
    replies_at = html.index('data-role="replies"', top_at)
    reply_at = html.index(f'id="comment-{reply.pk}" data-comment-id="{reply.pk}" data-parent-id="{top.pk}"')
    assert top_at < replies_at < reply_at


def test_visitors_read_the_debate_and_are_asked_to_sign_in() -> None:
    c = comment(body="<p>Opinión pública</p>")
    client = english()
    html = client.get(proposal_page_url(c.proposal)).content.decode()
    assert "Opinión pública" in html and "Sign in to take part in the debate." in html
    assert 'id="comment-form" data-role="comment-form"' not in html
    response = client.post(reverse("proposals:comment_create", args=[c.proposal_id]), {"body": "x", "stance": "for"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Comment.objects.count() == 1


def test_script_payloads_are_stored_clean_and_empty_comments_refused() -> None:
    proposal = ProposalFactory()
    client = signed_in(UserFactory())
    url = reverse("proposals:comment_create", args=[proposal.pk])
    client.post(url, {"body": '<img src=x onerror="alert(1)">Hola<script>alert(2)</script>', "stance": "for"})
    saved = Comment.objects.get()
    assert "onerror" not in saved.body and "script" not in saved.body and "Hola" in saved.body
    assert "alert(2)" not in client.get(proposal_page_url(proposal)).content.decode()
    response = client.post(url, {"body": "<script>alert(3)</script>", "stance": "for"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
    response = client.post(url, {"body": "Hola", "stance": "maybe"})
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_edit_within_the_window_then_refused_with_a_reason() -> None:
    c = comment(body="<p>tipo</p>")
    client = signed_in(c.author)
    url = reverse("proposals:comment_edit", args=[c.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "<p>typo fixed</p>", "stance": "against"}, follow=True)
    assert "typo fixed" in response.content.decode()
    Comment.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    response = client.post(url, {"body": "<p>too late</p>", "stance": "for"})
    assert response.status_code == 403 and "15 minutes" in response.content.decode()
    assert signed_in(UserFactory()).post(url, {"body": "x", "stance": "for"}).status_code == 403
    c.refresh_from_db()
    assert c.body == "<p>typo fixed</p>"


def test_delete_leaves_deleted_in_the_thread() -> None:
    c = comment(body="<p>Me arrepiento</p>")
    client = signed_in(c.author)
    assert signed_in(UserFactory()).post(reverse("proposals:comment_delete", args=[c.pk])).status_code == 403
    response = client.post(reverse("proposals:comment_delete", args=[c.pk]), follow=True)
    html = response.content.decode()
    assert "deleted by its author" in html and "Me arrepiento" not in html and f'id="comment-{c.pk}"' in html


def test_reactions_through_the_buttons() -> None:
    c = comment()
    client = signed_in(UserFactory())
    url = reverse("proposals:comment_react", args=[c.pk])
    response = client.post(url, {"value": "1"}, follow=True)
    c.refresh_from_db()
    assert c.agree_count == 1
    assert 'aria-pressed="true"' in response.content.decode()
    client.post(url, {"value": "-1"})
    c.refresh_from_db()
    assert (c.agree_count, c.disagree_count) == (0, 1)
    client.post(url, {"value": "7"})
    c.refresh_from_db()
    assert (c.agree_count, c.disagree_count) == (0, 1)


def test_flag_then_moderator_hides_restores_marks_official_and_pins() -> None:
    c = comment(body="<p>Palabras feas</p>")
    reporter = signed_in(UserFactory())
    flag_url = reverse("proposals:comment_flag", args=[c.pk])
    assert reporter.get(flag_url).status_code == 200
    reporter.post(flag_url, {"reason": "Insulta"})
    assert Flag.objects.filter(comment=c, resolved_at__isnull=True).count() == 1
    again = reporter.post(flag_url, {"reason": "Otra vez"})
    assert again.status_code == 409 and "already reported" in again.content.decode()  # a duplicate, as for supports

    moderate_url = reverse("proposals:comment_moderate", args=[c.pk])
    assert reporter.get(moderate_url).status_code == 404
    mod = signed_in(moderator())
    no_reason = mod.post(moderate_url, {"action": "hide", "reason": ""})
    assert no_reason.status_code == 400
    mod.post(moderate_url, {"action": "hide", "reason": "Insultos"})
    assert "Palabras feas" not in english().get(proposal_page_url(c.proposal)).content.decode()
    assert Flag.objects.get().resolved_at is not None
    mod.post(moderate_url, {"action": "restore", "reason": "Revisado"})
    mod.post(moderate_url, {"action": "official"})
    mod.post(moderate_url, {"action": "pin"})
    html = english().get(proposal_page_url(c.proposal)).content.decode()
    assert "Palabras feas" in html and "Official answer" in html and "comment-pinned" in html


def test_moderator_locks_the_debate() -> None:
    proposal = ProposalFactory()
    lock_url = reverse("proposals:debate_lock", args=[proposal.pk])
    citizen = signed_in(UserFactory())
    assert citizen.post(lock_url, {"locked": "True", "reason": "x"}).status_code == 404
    mod = signed_in(moderator())
    assert mod.post(lock_url, {"locked": "True", "reason": ""}).status_code == 400
    mod.post(lock_url, {"locked": "True", "reason": "Debate agotado"})
    proposal.refresh_from_db()
    assert proposal.debate_locked
    page = citizen.get(proposal_page_url(proposal)).content.decode()
    assert "locked this debate" in page and 'id="comment-form" data-role="comment-form"' not in page
    refused = citizen.post(reverse("proposals:comment_create", args=[proposal.pk]), {"body": "Hola", "stance": "for"})
    assert refused.status_code == 403 and "locked" in refused.content.decode()
    assert not Comment.objects.exists()


def test_blocked_authors_comments_are_not_shown() -> None:
    c = comment(body="<p>Spam spam</p>")
    c.author.blocked_at = timezone.now()
    c.author.save()
    assert "Spam spam" not in english().get(proposal_page_url(c.proposal)).content.decode()


def test_posting_too_fast_gets_a_429_with_words(rate_window: None) -> None:
    proposal = ProposalFactory()
    client = signed_in(UserFactory())
    url = reverse("proposals:comment_create", args=[proposal.pk])
    statuses = [client.post(url, {"body": f"Comentario {n}", "stance": "for"}).status_code for n in range(7)]
    assert statuses[:6] == [302] * 6
    assert statuses[6] == 429
    response = client.post(url, {"body": "otro", "stance": "for"})
    assert response.status_code == 429 and "faster than the debate allows" in response.content.decode()
    assert Comment.objects.count() == 6


def test_a_reply_to_a_comment_of_another_proposal_is_refused() -> None:
    elsewhere = comment()
    proposal = ProposalFactory()
    client = signed_in(UserFactory())
    response = client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "Hola", "stance": "for", "parent": elsewhere.pk},
    )
    assert response.status_code == 400 and "no longer in this debate" in response.content.decode()
    assert Comment.objects.count() == 1


def test_one_address_cannot_flood_the_debate_through_many_accounts(rate_window: None) -> None:
    proposal = ProposalFactory()
    url = reverse("proposals:comment_create", args=[proposal.pk])
    statuses = []
    for person in range(6):
        client = signed_in(UserFactory())
        statuses += [client.post(url, {"body": f"Voz {person}-{n}", "stance": "for"}).status_code for n in range(5)]
    assert statuses == [302] * 30  # no account went over its own limit; the address is at 30
    fresh = signed_in(UserFactory()).post(url, {"body": "Una más", "stance": "for"})
    assert fresh.status_code == 429 and "faster than the debate allows" in fresh.content.decode()
    assert Comment.objects.count() == 30
