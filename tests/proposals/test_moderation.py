"""Moderators work the queue in the Wagtail admin: approve, hide, restore, dismiss reports, block authors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import AuditEntry
from proposals.models import Flag, Proposal, ProposalStatus
from tests.factories import CategoryFactory, CommentFactory, ProposalFactory, UserFactory, process_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def moderator() -> Any:
    return UserFactory(roles=["moderator"])


def test_queue_lists_submitted_and_flagged_proposals(moderator: Any) -> None:
    waiting = ProposalFactory(status="submitted", title="Espera moderación")
    flagged = ProposalFactory(title="Con reporte")
    Flag.objects.create(proposal=flagged, reporter=UserFactory(), reason="Insultos")
    ProposalFactory(title="Tranquila")
    body = _client(moderator).get("/admin/moderation/").content.decode()
    assert waiting.title in body and flagged.title in body and "Insultos" in body
    assert "Tranquila" not in body


@pytest.mark.parametrize("role", [None, "officer"])
def test_queue_is_refused_to_citizens_and_officers(role: str | None) -> None:
    user = UserFactory(roles=[role] if role else [])
    response = _client(user).get("/admin/moderation/")
    assert response.status_code in (302, 403)
    assert _client(user).post(f"/admin/moderation/{ProposalFactory(status='submitted').pk}/approve/").status_code in (
        302,
        403,
    )
    assert Proposal.objects.get().status == "submitted"


def test_hide_needs_a_reason_then_hides_everywhere_and_restore_brings_it_back(moderator: Any) -> None:
    proposal = ProposalFactory(status="gathering", title="Riego visible")
    Flag.objects.create(proposal=proposal, reporter=UserFactory(), reason="Spam")
    client = _client(moderator)
    empty = client.post(f"/admin/moderation/{proposal.pk}/hide/", {"reason": ""})
    assert empty.status_code == 400
    assert Proposal.objects.get().status == "gathering"

    response = client.post(f"/admin/moderation/{proposal.pk}/hide/", {"reason": "Publicidad"}, follow=True)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.HIDDEN and proposal.status_reason == "Publicidad"
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    public = Client()
    assert public.get(proposal.process.url + f"{proposal.pk}/").status_code == 404
    assert proposal.title not in public.get(proposal.process.url + "?q=riego").content.decode()
    # Moderators still see it on the site.
    assert client.get(proposal.process.url + f"{proposal.pk}/").status_code == 200

    client.post(f"/admin/moderation/{proposal.pk}/restore/")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.GATHERING
    assert public.get(proposal.process.url + f"{proposal.pk}/").status_code == 200
    actions = list(AuditEntry.objects.order_by("created_at", "id").values_list("action", "reason"))
    assert actions == [("proposal.hidden", "Publicidad"), ("proposal.gathering", "")]


def test_dismiss_reports(moderator: Any) -> None:
    proposal = ProposalFactory()
    Flag.objects.create(proposal=proposal, reporter=UserFactory(), reason="No me gusta")
    _client(moderator).post(f"/admin/moderation/{proposal.pk}/dismiss-flags/")
    assert Flag.objects.get().resolved_by == moderator
    assert AuditEntry.objects.filter(action="proposal.flags_dismissed").exists()


def test_block_author_hides_their_proposals_and_unblock_restores(moderator: Any) -> None:
    proposal = ProposalFactory()
    other = ProposalFactory(process=proposal.process, author=proposal.author)
    CommentFactory(proposal=other, author=proposal.author)
    client = _client(moderator)
    assert client.post(f"/admin/moderation/{proposal.pk}/block-author/", {"reason": ""}).status_code == 400
    client.post(f"/admin/moderation/{proposal.pk}/block-author/", {"reason": "Acoso reiterado"})
    author = proposal.author
    author.refresh_from_db()
    assert author.blocked_at is not None and author.blocked_reason == "Acoso reiterado"
    public = Client()
    for p in (proposal, other):
        assert public.get(p.process.url + f"{p.pk}/").status_code == 404
    assert public.get(proposal.process.url).context["proposals"] == []
    client.post(f"/admin/moderation/{proposal.pk}/unblock-author/")
    author.refresh_from_db()
    assert author.blocked_at is None
    assert public.get(proposal.process.url + f"{proposal.pk}/").status_code == 200
    assert [a for a in AuditEntry.objects.values_list("action", flat=True) if a.startswith("user.")] == [
        "user.unblock",
        "user.block",
    ]


def test_moderator_cannot_block_themselves(moderator: Any) -> None:
    proposal = ProposalFactory(author=moderator)
    _client(moderator).post(f"/admin/moderation/{proposal.pk}/block-author/", {"reason": "x"})
    moderator.refresh_from_db()
    assert moderator.blocked_at is None


def test_approve_twice_is_a_clear_message_not_an_error(moderator: Any) -> None:
    proposal = ProposalFactory(status="submitted")
    client = _client(moderator)
    client.post(f"/admin/moderation/{proposal.pk}/approve/")
    response = client.post(f"/admin/moderation/{proposal.pk}/approve/", follow=True)
    assert response.status_code == 200
    assert "cannot go from" in response.content.decode()
    assert AuditEntry.objects.filter(action="proposal.published").count() == 1


def test_unknown_proposal_in_the_admin_is_404(moderator: Any) -> None:
    assert _client(moderator).get("/admin/moderation/999999/").status_code == 404


def test_administrators_create_institutional_bills_that_enter_published() -> None:
    admin = UserFactory(roles=["administrator"])
    process = process_page()
    category = CategoryFactory()
    response = _client(admin).post(
        "/admin/moderation/institutional-bill/",
        {
            "process": process.pk,
            "title": "Ley regional de recursos hídricos",
            "summary": "Propuesta del Consejo Regional.",
            "body": "<p>Artículo 1.</p><svg><script>x</script></svg>",
            "category": category.pk,
        },
    )
    assert response.status_code == 302
    bill = Proposal.objects.get()
    assert bill.kind == "institutional" and bill.status == "published" and "svg" not in bill.body
    assert AuditEntry.objects.filter(action="proposal.published", actor=admin).exists()


def test_moderators_cannot_create_institutional_bills(moderator: Any) -> None:
    process = process_page()
    response = _client(moderator).post(
        "/admin/moderation/institutional-bill/",
        {"process": process.pk, "title": "X", "summary": "Y", "body": "Z"},
    )
    # The Wagtail admin turns a refusal into a redirect to its dashboard with a message.
    assert response.status_code in (302, 403) and "institutional-bill" not in response.get("Location", "")
    assert not Proposal.objects.exists()


def test_moderators_manage_categories_in_the_admin(moderator: Any) -> None:
    client = _client(moderator)
    assert client.get("/admin/snippets/proposals/category/").status_code == 200
    response = client.post("/admin/snippets/proposals/category/add/", {"name": "Agua y riego", "slug": "agua-riego"})
    assert response.status_code == 302
    from proposals.models import Category

    assert Category.objects.filter(slug="agua-riego").exists()


def test_all_proposals_list_finds_any_state(moderator: Any) -> None:
    ProposalFactory(title="Riego oculto", status="hidden")
    ProposalFactory(title="Caminos publicados")
    client = _client(moderator)
    body = client.get("/admin/moderation/all/?q=riego").content.decode()
    assert "Riego oculto" in body and "Caminos publicados" not in body
    body = client.get("/admin/moderation/all/?status=published").content.decode()
    assert "Caminos publicados" in body and "Riego oculto" not in body
    assert _client(UserFactory()).get("/admin/moderation/all/").status_code == 302
