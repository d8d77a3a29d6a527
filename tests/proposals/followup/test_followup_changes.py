"""Correcting and removing what the follow-up recorded: milestones and documents (their answer, milestone, proposal).

Who may add one may correct or remove it (the same predicate), through plain forms: an edit form, and a
confirmation page before anything is deleted. Each change is audited; a removed document's file goes too.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.roles import ADMINISTRATOR, COMMITTEE, MODERATOR
from proposals.followup import services
from proposals.followup.models import Attachment, CommitteeScope, Milestone
from proposals.models import Proposal
from tests.factories import CategoryFactory, ProposalFactory, UserFactory
from tests.proposals.followup import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _client(user: Any | None = None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def admin() -> Any:
    return UserFactory(roles=[ADMINISTRATOR])


@pytest.fixture
def accepted() -> Proposal:
    proposal: Proposal = ProposalFactory(status="accepted", category=CategoryFactory(slug="agua", name="Agua"))
    return proposal


def _pdf(name: str = "acta.pdf") -> services.Upload:
    return services.Upload(file=io.BytesIO(files.pdf()), name=name)


def _milestone(admin: Any, proposal: Proposal, **fields: Any) -> Milestone:
    values = {"date": date(2027, 1, 15), "description": "Expediente técnico aprobado", "progress": 20, "status": "done"}
    return services.milestone_add(proposal=proposal, actor=admin, **{**values, **fields})


def _detail(proposal: Proposal) -> str:
    return proposal.process.proposal_url(proposal)


# --- milestones ---------------------------------------------------------------------------------------------


def test_an_administrator_corrects_a_milestone_through_its_form(admin: Any, accepted: Proposal) -> None:
    milestone = _milestone(admin, accepted)
    client = _client(admin)
    page = client.get(_detail(accepted)).content.decode()
    url = reverse("proposals:milestone_edit", args=[milestone.pk])
    assert url in page and reverse("proposals:milestone_delete", args=[milestone.pk]) in page
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Correct the milestone" in html and "Expediente técnico aprobado</textarea>" in html
    assert 'value="20"' in html and 'enctype="multipart/form-data"' not in html
    data = {"date": "2027-02-01", "description": "Obra iniciada en Otuzco", "progress": 45, "status": "in_progress"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == _detail(accepted) + "#implementation"
    milestone.refresh_from_db()
    assert (milestone.date, milestone.description, milestone.progress, milestone.status) == (
        date(2027, 2, 1),
        "Obra iniciada en Otuzco",
        45,
        "in_progress",
    )
    entry = AuditEntry.objects.get(action="proposal.milestone.edit")
    assert entry.actor == admin and entry.target_id == str(accepted.pk)
    assert entry.detail["from"]["progress"] == 20 and entry.detail["to"]["progress"] == 45
    public = _client().get(_detail(accepted)).content.decode()
    assert "Obra iniciada en Otuzco" in public and 'id="progress-value">45%' in public
    assert url not in public


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": "   "}, "This field is required."),
        ({"description": "\u200b\u202e"}, "Say what was done or is planned."),
        ({"progress": 140}, "less than or equal to 100"),
        ({"status": "finished"}, "Select a valid choice"),
        ({"date": "mañana"}, "date"),
    ],
    ids=["blank", "invisible", "progress", "status", "date"],
)
def test_a_bad_correction_is_shown_on_the_form_and_changes_nothing(
    admin: Any, accepted: Proposal, change: dict[str, Any], message: str
) -> None:
    milestone = _milestone(admin, accepted)
    data = {"date": "2027-02-01", "description": "Obra iniciada", "progress": 45, "status": "in_progress", **change}
    response = _client(admin).post(reverse("proposals:milestone_edit", args=[milestone.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.description == "Expediente técnico aprobado" and milestone.progress == 20


def test_deleting_a_milestone_asks_first_then_takes_its_documents_and_files(
    admin: Any, accepted: Proposal, django_capture_on_commit_callbacks: Any
) -> None:
    kept = _milestone(admin, accepted, progress=10, date=date(2027, 1, 1))
    milestone = _milestone(admin, accepted, progress=60, document=_pdf())
    stored = Attachment.objects.get(milestone=milestone).stored_name
    client = _client(admin)
    url = reverse("proposals:milestone_delete", args=[milestone.pk])
    confirm = client.get(url)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Delete this milestone?" in html
    assert "Expediente técnico aprobado" in html and '<form method="post">' in html
    assert Milestone.objects.filter(pk=milestone.pk).exists()  # a GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#implementation")
    assert list(Milestone.objects.filter(proposal=accepted)) == [kept]
    assert not Attachment.objects.filter(stored_name=stored).exists() and not default_storage.exists(stored)
    entry = AuditEntry.objects.get(action="proposal.milestone.delete")
    assert entry.detail["milestone"] == milestone.pk and entry.detail["attachments"] == 1
    assert 'id="progress-value">10%' in _client().get(_detail(accepted)).content.decode()
    assert client.post(url).status_code == 404  # already gone


@pytest.mark.parametrize("roles", [[], [MODERATOR], [COMMITTEE]], ids=["citizen", "moderator", "committee"])
def test_only_who_records_milestones_may_correct_or_delete_them(
    admin: Any, accepted: Proposal, roles: list[str]
) -> None:
    milestone = _milestone(admin, accepted)
    client = _client(UserFactory(roles=roles))
    for name in ("proposals:milestone_edit", "proposals:milestone_delete"):
        url = reverse(name, args=[milestone.pk])
        assert client.get(url).status_code == 403
        data = {"date": "2027-02-01", "description": "x", "progress": 1, "status": "done"}
        assert client.post(url, data).status_code == 403
    assert Milestone.objects.get().description == "Expediente técnico aprobado"
    assert "/proposals/milestones/" not in client.get(_detail(accepted)).content.decode()


def test_anonymous_is_sent_to_sign_in_and_a_hidden_proposal_is_missing(admin: Any, accepted: Proposal) -> None:
    milestone = _milestone(admin, accepted)
    url = reverse("proposals:milestone_delete", args=[milestone.pk])
    response = _client().post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    Proposal.objects.filter(pk=accepted.pk).update(status="hidden")
    assert _client().get(url).status_code == 404
    assert _client(UserFactory()).post(url).status_code == 404
    assert Milestone.objects.exists()


# --- documents ----------------------------------------------------------------------------------------------


def test_an_administrator_renames_a_document_and_describes_a_picture_better(admin: Any, accepted: Proposal) -> None:
    pdf = services.attachment_add(proposal=accepted, actor=admin, upload=_pdf("acta-2027.pdf"))
    picture = services.attachment_add(
        proposal=accepted,
        actor=admin,
        upload=services.Upload(file=io.BytesIO(files.png()), name="foto.png", alt_text="Foto"),
    )
    client = _client(admin)
    page = client.get(_detail(accepted)).content.decode()
    assert reverse("proposals:attachment_edit", args=[pdf.pk]) in page
    form = client.get(reverse("proposals:attachment_edit", args=[pdf.pk])).content.decode()
    assert 'value="acta-2027.pdf"' in form and 'name="alt_text"' not in form  # a PDF has no description
    response = client.post(reverse("proposals:attachment_edit", args=[pdf.pk]), {"name": "Acta de inicio de obra"})
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    pdf.refresh_from_db()
    assert pdf.original_name == "Acta de inicio de obra"
    url = reverse("proposals:attachment_edit", args=[picture.pk])
    assert 'name="alt_text"' in client.get(url).content.decode()
    assert client.post(url, {"name": "foto.png", "alt_text": " "}).status_code == 400
    assert client.post(url, {"name": "foto.png", "alt_text": "Canal de riego en Julcán"}).status_code == 302
    picture.refresh_from_db()
    assert picture.alt_text == "Canal de riego en Julcán"
    assert 'alt="Canal de riego en Julcán"' in _client().get(_detail(accepted)).content.decode()
    assert AuditEntry.objects.filter(action="proposal.attachment.edit").count() == 2


def test_a_name_typed_as_markup_is_kept_as_text(admin: Any, accepted: Proposal) -> None:
    pdf = services.attachment_add(proposal=accepted, actor=admin, upload=_pdf())
    url = reverse("proposals:attachment_edit", args=[pdf.pk])
    assert _client(admin).post(url, {"name": "<b>Plan</b> & <script>x</script>"}).status_code == 302
    pdf.refresh_from_db()
    assert pdf.original_name == "Plan &"
    assert _client(admin).post(url, {"name": "<script>x</script>"}).status_code == 400  # nothing left


def test_deleting_a_document_asks_first_then_removes_row_and_file(
    admin: Any, accepted: Proposal, django_capture_on_commit_callbacks: Any
) -> None:
    pdf = services.attachment_add(proposal=accepted, actor=admin, upload=_pdf())
    url = reverse("proposals:attachment_delete", args=[pdf.pk])
    client = _client(admin)
    confirm = client.get(url).content.decode()
    assert "Delete this document?" in confirm and "acta.pdf" in confirm
    assert default_storage.exists(pdf.stored_name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    assert not Attachment.objects.exists() and not default_storage.exists(pdf.stored_name)
    entry = AuditEntry.objects.get(action="proposal.attachment.delete")
    assert entry.detail["name"] == "acta.pdf" and entry.target_id == str(accepted.pk)
    assert _client().get(f"/proposals/files/{pdf.pk}/acta.pdf").status_code == 404


def test_a_refused_delete_keeps_the_file(admin: Any, accepted: Proposal) -> None:
    pdf = services.attachment_add(proposal=accepted, actor=admin, upload=_pdf())
    assert (
        _client(UserFactory(roles=[MODERATOR])).post(reverse("proposals:attachment_delete", args=[pdf.pk])).status_code
        == 403
    )
    assert Attachment.objects.exists() and default_storage.exists(pdf.stored_name)


def test_the_answer_documents_follow_who_answers(admin: Any, django_capture_on_commit_callbacks: Any) -> None:
    qualified = ProposalFactory(status="qualified", category=CategoryFactory(slug="salud", name="Salud"))
    services.answer_give(
        proposal=qualified,
        actor=admin,
        state="under_study",
        text="En estudio.",
        responsible_body="Gerencia de Salud",
        answered_on=date(2026, 12, 1),
        document=_pdf("informe.pdf"),
    )
    attachment = Attachment.objects.get(answer__proposal=qualified)
    member, outsider = UserFactory(roles=[COMMITTEE]), UserFactory(roles=[COMMITTEE])
    CommitteeScope.objects.create(user=member, category=qualified.category)
    CommitteeScope.objects.create(user=outsider, category=CategoryFactory(slug="agua", name="Agua"))
    url = reverse("proposals:attachment_delete", args=[attachment.pk])
    assert _client(outsider).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(member).post(url)
    assert response.status_code == 302 and response["Location"].endswith("#answer")
    assert not Attachment.objects.exists()


def test_the_author_changes_documents_while_the_proposal_is_editable_only(citizen: Any) -> None:
    draft = ProposalFactory(status="draft", author=citizen, published_at=None)
    pdf = services.attachment_add(proposal=draft, actor=citizen, upload=_pdf("anexo.pdf"))
    client = _client(citizen)
    url = reverse("proposals:attachment_edit", args=[pdf.pk])
    assert client.post(url, {"name": "Anexo 1"}).status_code == 302
    Proposal.objects.filter(pk=draft.pk).update(status="published")
    assert client.post(url, {"name": "Anexo 2"}).status_code == 403
    assert client.post(reverse("proposals:attachment_delete", args=[pdf.pk])).status_code == 403
    pdf.refresh_from_db()
    assert pdf.original_name == "Anexo 1"
