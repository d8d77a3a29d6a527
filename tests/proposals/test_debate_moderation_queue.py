"""The moderators' queue of reported comments in the Wagtail admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry
from proposals.debate import services as services
from proposals.models import Flag
from tests.factories import UserFactory
from tests.proposals.helpers import comment, moderator

pytestmark = pytest.mark.django_db


def reported(body: str = "<p>Palabras feas</p>") -> tuple[object, Client]:
    c = comment(body=body)
    services.comment_flag(reporter=UserFactory(), comment=c, reason="Insulta a los vecinos")
    client = Client()
    client.force_login(moderator())
    return c, client


def test_queue_lists_reported_comments_and_hides_with_a_reason() -> None:
    c, client = reported()
    queue = client.get(reverse("debate_moderation:queue"))
    assert queue.status_code == 200
    html = queue.content.decode()
    assert "Palabras feas" in html and "Insulta a los vecinos" in html
    assert client.post(reverse("debate_moderation:hide", args=[c.pk]), {"reason": ""}).status_code == 302
    c.refresh_from_db()
    assert c.hidden_at is None
    client.post(reverse("debate_moderation:hide", args=[c.pk]), {"reason": "Insultos"})
    c.refresh_from_db()
    assert c.hidden_at is not None and Flag.objects.get().resolved_at is not None
    assert (
        "Palabras feas"
        not in client.get(reverse("debate_moderation:queue")).content.decode().split("Recently hidden")[0]
    )
    client.post(reverse("debate_moderation:restore", args=[c.pk]), {"reason": "Revisado"})
    c.refresh_from_db()
    assert c.hidden_at is None
    assert {"comment.hide", "comment.restore"} <= set(AuditEntry.objects.values_list("action", flat=True))


def test_dismiss_leaves_the_comment_and_block_takes_the_author_out() -> None:
    c, client = reported()
    client.post(reverse("debate_moderation:dismiss", args=[c.pk]))
    assert Flag.objects.get().resolved_at is not None
    assert "flag.dismiss" in set(AuditEntry.objects.values_list("action", flat=True))
    client.post(reverse("debate_moderation:block", args=[c.pk]), {"reason": "Spam"})
    c.author.refresh_from_db()
    assert c.author.blocked_at is not None
    assert AuditEntry.objects.filter(action="user.block", target_id=str(c.author.pk)).exists()


def test_citizens_cannot_use_the_queue() -> None:
    c, _ = reported()
    citizen = Client()
    citizen.force_login(UserFactory())
    assert citizen.get(reverse("debate_moderation:queue")).status_code in {302, 403}
    citizen.post(reverse("debate_moderation:hide", args=[c.pk]), {"reason": "x"})
    c.refresh_from_db()
    assert c.hidden_at is None
