"""After the vote: the formal answer (administrators, or the committee of the proposal's category), milestones,
attachments, overdue answers, the outcomes page and its open data."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import ADMINISTRATOR, COMMITTEE, MODERATOR
from proposals.followup.models import Answer, Attachment, CommitteeScope, Milestone
from proposals.models import Follow, Proposal
from tests.factories import CategoryFactory, ProposalFactory, UserFactory, process_page
from tests.proposals.followup import files

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(proposal: Proposal, route: str = "") -> str:
    return proposal.process.proposal_url(proposal) + route


def _answer_data(**extra: Any) -> dict[str, Any]:
    return {
        "state": "accepted",
        "text": "<p>El consejo <strong>acepta</strong> la propuesta.</p>",
        "responsible_body": "Gerencia Regional de Agricultura",
        "answered_on": "2026-11-30",
        **extra,
    }


def _notices(monkeypatch: Any) -> list[dict[str, Any]]:
    """What the answer service hands to notifications.services.notify (which waits for the commit itself)."""
    told: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "proposals.followup.services.notify",
        lambda **notice: told.append({**notice, "recipients": list(notice["recipients"])}),
    )
    return told


@pytest.fixture
def admin() -> Any:
    return UserFactory(roles=[ADMINISTRATOR])


@pytest.fixture
def qualified() -> Proposal:
    proposal: Proposal = ProposalFactory(status="qualified", category=CategoryFactory(slug="agua", name="Agua"))
    return proposal


def test_an_administrator_answers_with_a_pdf_and_the_author_and_followers_hear_of_it(
    admin: Any, qualified: Proposal, monkeypatch: Any
) -> None:
    follower = UserFactory()
    Follow.objects.create(proposal=qualified, user=follower)
    pdf = SimpleUploadedFile("respuesta.pdf", files.pdf(), content_type="application/pdf")
    told = _notices(monkeypatch)
    response = _client(admin).post(_url(qualified, "answer/"), _answer_data(document=pdf))
    assert response.status_code == 302 and response["Location"].endswith("#answer")
    answer = Answer.objects.get(proposal=qualified)
    assert answer.state == "accepted" and answer.answered_by == admin
    attachment = Attachment.objects.get(answer=answer)
    assert attachment.content_type == "application/pdf" and not attachment.download_only
    assert default_storage.exists(attachment.stored_name)
    (notice,) = told
    assert notice["kind"] == "proposal_answered" and notice["params"] == {"proposal": qualified.title}
    assert {user.pk for user in notice["recipients"]} == {qualified.author_id, follower.pk}
    assert notice["url"].endswith("#answer") and notice["actor"] == admin
    assert AuditEntry.objects.filter(action="proposal.answer", target_id=str(qualified.pk)).exists()
    page = Client().get(_url(qualified)).content.decode()
    assert "Gerencia Regional de Agricultura" in page and "<strong>acepta</strong>" in page
    assert f"/proposals/files/{attachment.pk}/respuesta.pdf" in page


def test_revising_the_text_in_the_same_state_tells_nobody_twice(
    admin: Any, qualified: Proposal, monkeypatch: Any
) -> None:
    told = _notices(monkeypatch)
    client = _client(admin)
    client.post(_url(qualified, "answer/"), _answer_data())
    client.post(_url(qualified, "answer/"), _answer_data(text="<p>Corregido.</p>"))
    assert Answer.objects.get(proposal=qualified).text == "<p>Corregido.</p>"
    assert len(told) == 1
    client.post(_url(qualified, "answer/"), _answer_data(state="implemented"))
    assert [notice["key"] for notice in told] == [
        f"official-answer:{qualified.pk}:accepted",
        f"official-answer:{qualified.pk}:implemented",
    ]


@pytest.mark.parametrize("status", ["published", "gathering", "draft"])
def test_only_qualified_or_voted_proposals_get_an_answer(admin: Any, status: str) -> None:
    proposal = ProposalFactory(status=status, author=admin if status == "draft" else UserFactory())
    response = _client(admin).post(_url(proposal, "answer/"), _answer_data())
    assert response.status_code == 403
    assert not Answer.objects.exists()


def _committee(*categories: Any) -> Any:
    member = UserFactory(roles=[COMMITTEE])
    for category in categories:
        CommitteeScope.objects.create(user=member, category=category)
    return member


def test_the_committee_answers_its_categories_only(qualified: Proposal, english: None) -> None:
    assert Group.objects.filter(name=COMMITTEE).exists()  # made by the migration
    member = _committee(qualified.category)
    other = ProposalFactory(status="in_vote", category=CategoryFactory(slug="salud", name="Salud"))
    uncategorised = ProposalFactory(status="in_vote")
    client = _client(member)
    assert client.get(_url(qualified, "answer/")).status_code == 200
    assert client.post(_url(qualified, "answer/"), _answer_data()).status_code == 302
    for refused in (other, uncategorised):
        response = client.post(_url(refused, "answer/"), _answer_data())
        assert response.status_code == 403
        assert "other categories" in response.content.decode()
    assert Answer.objects.count() == 1


@pytest.mark.parametrize("roles", [[], [MODERATOR], [COMMITTEE]], ids=["citizen", "moderator", "committee-no-scope"])
def test_others_may_not_answer(qualified: Proposal, roles: list[str]) -> None:
    response = _client(UserFactory(roles=roles)).post(_url(qualified, "answer/"), _answer_data())
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_anonymous_is_sent_to_sign_in(qualified: Proposal) -> None:
    response = Client().get(_url(qualified, "answer/"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_renamed_executable_is_refused_and_nothing_is_written(admin: Any, qualified: Proposal, english: None) -> None:
    exe = SimpleUploadedFile("acta.pdf", files.WINDOWS_EXECUTABLE, content_type="application/pdf")
    response = _client(admin).post(_url(qualified, "answer/"), _answer_data(document=exe))
    assert response.status_code == 400
    assert "checked by their content" in response.content.decode()
    assert not Answer.objects.exists() and not Attachment.objects.exists()


def test_an_oversized_file_is_refused_with_413(admin: Any, qualified: Proposal, settings: Any) -> None:
    big = SimpleUploadedFile("big.pdf", files.pdf() + b"%" + b"x" * (10 * 1024 * 1024), content_type="application/pdf")
    response = _client(admin).post(_url(qualified, "answer/"), _answer_data(document=big))
    assert response.status_code == 413
    assert not Answer.objects.exists()


def test_an_image_needs_its_alternative_text(admin: Any, qualified: Proposal) -> None:
    image = SimpleUploadedFile("foto.png", files.png(), content_type="image/png")
    response = _client(admin).post(_url(qualified, "answer/"), _answer_data(document=image))
    assert response.status_code == 400
    assert not Answer.objects.exists() and not Attachment.objects.exists()


def test_a_failed_row_removes_the_stored_file(admin: Any, qualified: Proposal, monkeypatch: Any) -> None:
    from proposals.followup import services

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record", broken)
    stored: list[str] = []
    real_store = services.file_store
    monkeypatch.setattr(
        services, "file_store", lambda checked, folder: stored.append(real_store(checked, folder=folder)) or stored[-1]
    )
    with pytest.raises(RuntimeError):
        services.answer_give(
            proposal=qualified,
            actor=admin,
            state="accepted",
            text="<p>Sí.</p>",
            responsible_body="Consejo",
            answered_on=date(2026, 11, 30),
            document=services.Upload(file=io.BytesIO(files.pdf()), name="a.pdf"),
        )
    assert stored and not default_storage.exists(stored[0])
    assert not Answer.objects.exists()


def _attach(admin: Any, proposal: Proposal, content: bytes, name: str, **extra: Any) -> Attachment:
    upload = SimpleUploadedFile(name, content)
    response = _client(admin).post(_url(proposal, "attachments/"), {"document": upload, **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    return Attachment.objects.filter(proposal=proposal).latest("id")


def test_a_pdf_with_javascript_is_served_as_download_only(admin: Any, qualified: Proposal) -> None:
    attachment = _attach(admin, qualified, files.pdf_with_javascript(), "plan.pdf")
    assert attachment.download_only
    response = Client().get(f"/proposals/files/{attachment.pk}/plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == files.pdf_with_javascript()  # type: ignore[attr-defined]


def test_a_plain_pdf_opens_inline_and_loads_nothing_else(admin: Any, qualified: Proposal) -> None:
    attachment = _attach(admin, qualified, files.pdf(), "plan.pdf")
    response = Client().get(f"/proposals/files/{attachment.pk}/plan.pdf")
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_an_image_is_served_sandboxed(admin: Any, qualified: Proposal) -> None:
    attachment = _attach(admin, qualified, files.png(), "foto.png", alt_text="Plano de la obra")
    response = Client().get(f"/proposals/files/{attachment.pk}/foto.png")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_an_image_is_stored_without_its_metadata_and_with_its_alt_text(admin: Any, qualified: Proposal) -> None:
    attachment = _attach(admin, qualified, files.jpeg_with_gps(), "obra.jpg", alt_text="Canal de riego terminado")
    stored = default_storage.open(attachment.stored_name).read()
    assert b"Canon" not in stored and b"Exif" not in stored
    page = Client().get(_url(qualified)).content.decode()
    assert 'alt="Canal de riego terminado"' in page


def test_the_file_of_a_hidden_proposal_is_hidden_too(admin: Any, qualified: Proposal) -> None:
    attachment = _attach(admin, qualified, files.pdf(), "plan.pdf")
    Proposal.objects.filter(pk=qualified.pk).update(status="hidden")
    assert Client().get(f"/proposals/files/{attachment.pk}/plan.pdf").status_code == 404
    assert _client(UserFactory()).get(f"/proposals/files/{attachment.pk}/plan.pdf").status_code == 404


def test_the_author_attaches_while_editable_and_not_after(citizen: Any) -> None:
    draft = ProposalFactory(status="draft", author=citizen, published_at=None)
    assert _attach(citizen, draft, files.pdf(), "anexo.pdf").uploaded_by == citizen
    published = ProposalFactory(status="published", author=citizen)
    response = _client(citizen).post(
        _url(published, "attachments/"), {"document": SimpleUploadedFile("a.pdf", files.pdf())}
    )
    assert response.status_code == 403


def test_milestones_move_the_progress_bar(admin: Any, qualified: Proposal) -> None:
    client = _client(admin)
    # Not accepted yet: no milestones.
    assert (
        client.post(
            _url(qualified, "milestones/"),
            {"date": "2026-12-01", "description": "x", "progress": 5, "status": "planned"},
        ).status_code
        == 403
    )
    client.post(_url(qualified, "answer/"), _answer_data())
    for day, progress, status in (("2027-01-10", 20, "in_progress"), ("2027-03-01", 60, "in_progress")):
        response = client.post(
            _url(qualified, "milestones/"),
            {"date": day, "description": f"Obra al {progress} %", "progress": progress, "status": status},
        )
        assert response.status_code == 302
        page = Client().get(_url(qualified)).content.decode()
        assert f'<progress id="progress-bar" max="100" value="{progress}">' in page
    assert Milestone.objects.filter(proposal=qualified).count() == 2
    bad = client.post(
        _url(qualified, "milestones/"), {"date": "2027-04-01", "description": "y", "progress": 140, "status": "done"}
    )
    assert bad.status_code == 400
    assert (
        _client(UserFactory(roles=[MODERATOR]))
        .post(
            _url(qualified, "milestones/"), {"date": "2027-04-01", "description": "y", "progress": 90, "status": "done"}
        )
        .status_code
        == 403
    )


def test_an_unanswered_proposal_past_the_process_date_is_overdue_publicly() -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    process = process_page(answers_due_on=yesterday)
    late = ProposalFactory(process=process, status="qualified", title="Agua potable para Otuzco")
    answered = ProposalFactory(process=process, status="accepted", title="Riego en Julcán")
    Answer.objects.create(
        proposal=answered,
        state="accepted",
        text="<p>Sí.</p>",
        responsible_body="Consejo",
        answered_on=yesterday,
        answered_by=UserFactory(),
    )
    detail = Client().get(_url(late)).content.decode()
    assert 'id="answer-overdue"' in detail
    assert 'id="answer-overdue"' not in Client().get(_url(answered)).content.decode()
    outcomes = Client().get(process.url + "outcomes/", {"state": "overdue"}).content.decode()
    assert "Agua potable para Otuzco" in outcomes and "Riego en Julcán" not in outcomes
    everything = Client().get(process.url + "outcomes/").content.decode()
    assert "Agua potable para Otuzco" in everything and "Riego en Julcán" in everything


def test_not_overdue_before_the_date() -> None:
    process = process_page(answers_due_on=timezone.localdate() + timedelta(days=5))
    proposal = ProposalFactory(process=process, status="qualified")
    assert 'id="answer-overdue"' not in Client().get(_url(proposal)).content.decode()


def test_outcomes_filter_by_district_and_category_and_publish_open_data(admin: Any) -> None:
    process = process_page()
    water = CategoryFactory(slug="agua-o", name="Agua O")
    one = ProposalFactory(process=process, status="accepted", category=water, title="Represa comunal")
    ProposalFactory(process=process, status="rejected", title="Otra cosa")
    ProposalFactory(process=process, status="published", title="Aún juntando apoyos")
    _client(admin).post(_url(one, "answer/"), _answer_data(state="implemented"))
    Milestone.objects.create(
        proposal=one, date=date(2027, 1, 1), description="Hecho", progress=100, status="done", created_by=admin
    )
    page = Client().get(process.url + "outcomes/", {"category": water.pk}).content.decode()
    assert "Represa comunal" in page and "Otra cosa" not in page and "Aún juntando apoyos" not in page
    raw = Client().get(process.url + "outcomes/csv/")
    assert raw["Content-Disposition"] == f'attachment; filename="process-{process.pk}-outcomes.csv"'
    rows = list(csv.DictReader(io.StringIO(raw.content.decode())))
    assert {r["title"] for r in rows} == {"Represa comunal", "Otra cosa"}
    represa = next(r for r in rows if r["title"] == "Represa comunal")
    assert represa["answer_state"] == "implemented" and represa["progress"] == "100"
    data = json.loads(Client().get(process.url + "outcomes/json/").content)
    assert data["milestones"][0]["progress"] == 100
    assert Client().get(process.url + "outcomes/xml/").status_code == 404


def test_answer_text_milestone_and_alt_text_are_cleaned(admin: Any, qualified: Proposal) -> None:
    payload = (
        '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a><svg onload=alert(4)>'
    )
    client = _client(admin)
    client.post(_url(qualified, "answer/"), _answer_data(text=f"<p>Respuesta</p>{payload}", responsible_body=payload))
    client.post(
        _url(qualified, "milestones/"),
        {"date": "2027-01-01", "description": f"Obra {payload}", "progress": 10, "status": "planned"},
    )
    _attach(admin, qualified, files.png(), "f.png", alt_text=f'" onerror="alert(5){payload}')
    page = Client().get(_url(qualified)).content.decode()
    for needle in ("<script>alert", "onerror=alert", 'onerror="alert', "javascript:alert", "<svg onload", "<img src=x"):
        assert needle not in page, needle


def test_the_api_tells_what_became_of_a_public_proposal(admin: Any, qualified: Proposal) -> None:
    client = _client(admin)
    client.post(_url(qualified, "answer/"), _answer_data(document=SimpleUploadedFile("r.pdf", files.pdf())))
    client.post(
        _url(qualified, "milestones/"),
        {"date": "2027-01-10", "description": "Estudio de suelos", "progress": 15, "status": "done"},
    )
    data = Client().get(f"/api/v1/proposals/{qualified.pk}/outcome").json()
    assert data["answer"]["state"] == "accepted"
    assert data["answer"]["answered_on"] == "2026-11-30"
    assert data["answer"]["documents"][0]["content_type"] == "application/pdf"
    assert data["progress"] == 15 and data["milestones"][0]["description"] == "Estudio de suelos"
    assert data["overdue"] is False
    Proposal.objects.filter(pk=qualified.pk).update(status="hidden")
    assert Client().get(f"/api/v1/proposals/{qualified.pk}/outcome").status_code == 404


def test_administrators_name_committee_scopes_in_the_admin(admin: Any, settings: Any) -> None:
    settings.DECIDE_REQUIRE_STAFF_MFA = False
    category = CategoryFactory(slug="salud-c", name="Salud C")
    member = UserFactory(roles=[COMMITTEE])
    client = _client(admin)
    listing = "/admin/snippets/proposals/committeescope/"
    assert client.get(listing).status_code == 200
    response = client.post(listing + "add/", {"user": member.pk, "category": category.pk})
    assert response.status_code == 302, response.content.decode()[:300]
    assert CommitteeScope.objects.filter(user=member, category=category).exists()
    assert _client(UserFactory(roles=[MODERATOR])).get(listing).status_code in (302, 403)


def test_an_answer_reaches_visitors_served_from_the_page_cache(
    admin: Any, qualified: Proposal, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PAGE_CACHE_ENABLED = True
    visitor = Client(headers={"accept-language": "en"})
    assert "Gerencia Regional de Agricultura" not in visitor.get(_url(qualified)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _client(admin).post(_url(qualified, "answer/"), _answer_data())
    assert "Gerencia Regional de Agricultura" in visitor.get(_url(qualified)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _client(admin).post(
            _url(qualified, "milestones/"),
            {"date": "2027-01-10", "description": "Obra iniciada", "progress": 35, "status": "in_progress"},
        )
    assert 'value="35"' in visitor.get(_url(qualified)).content.decode()
