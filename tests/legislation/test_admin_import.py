"""Administrators import a bill's text in the Wagtail admin: upload or paste, check the preview, correct, confirm."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from docx import Document

from accounts.roles import ADMINISTRATOR, MODERATOR
from legislation.models import Draft, Section, Version
from tests.factories import ProposalFactory, UserFactory, bill_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _calendar(bill: Any) -> dict[str, str]:
    now = timezone.now()
    fmt = "%Y-%m-%d %H:%M"
    return {
        "proposal": str(bill.pk),
        "reading_opens": (now - timedelta(days=2)).strftime(fmt),
        "annotation_opens": (now - timedelta(days=1)).strftime(fmt),
        "annotation_closes": (now + timedelta(days=20)).strftime(fmt),
        "amendments_opens": (now - timedelta(days=1)).strftime(fmt),
        "amendments_closes": (now + timedelta(days=20)).strftime(fmt),
        "final_text_on": (now + timedelta(days=25)).strftime(fmt),
    }


def _docx() -> bytes:
    document = Document()
    document.add_heading("Capítulo I", level=1)
    for n in (1, 2, 4):
        document.add_paragraph(f"Artículo {n}. Tema {n}")
        document.add_paragraph(f"Texto del artículo {n} sobre el agua.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_upload_preview_correct_and_confirm() -> None:
    admin = UserFactory(roles=[ADMINISTRATOR])
    bill = ProposalFactory(kind="institutional", author=admin)
    client = _client(admin)
    assert client.get("/admin/legislation/import/").status_code == 200
    upload = SimpleUploadedFile("ordenanza.docx", _docx())
    preview = client.post("/admin/legislation/import/", {"step": "preview", **_calendar(bill), "file": upload})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "3 articles found." in html and "jumps from article 2 to article 4" in html
    assert not Draft.objects.exists()  # nothing saved at the preview
    # The administrator renumbers article 4 to 3 and leaves the chapter out.
    rows = [
        ("chapter", "I", "", "", "on"),
        ("article", "1", "Tema 1", "Texto del artículo 1 sobre el agua.", ""),
        ("article", "2", "Tema 2", "Texto del artículo 2 sobre el agua.", ""),
        ("article", "3", "Tema 4", "Texto del artículo 4 sobre el agua.", ""),
    ]
    data: dict[str, str] = {"step": "confirm", **_calendar(bill), "form-TOTAL_FORMS": "4", "form-INITIAL_FORMS": "4"}
    for i, (kind, number, heading, text, delete) in enumerate(rows):
        data |= {f"form-{i}-kind": kind, f"form-{i}-number": number, f"form-{i}-heading": heading}
        data |= {f"form-{i}-text": text}
        if delete:
            data[f"form-{i}-delete"] = delete
    confirmed = client.post("/admin/legislation/import/", data)
    assert confirmed.status_code == 302
    draft = Draft.objects.get(proposal=bill)
    assert [(s.kind, s.number) for s in Section.objects.filter(draft=draft)] == [
        ("article", "1"),
        ("article", "2"),
        ("article", "3"),
    ]
    assert Version.objects.get(draft=draft).number == 1
    assert "Tema 4" in client.get(f"/legislation/{draft.pk}/").content.decode()


def test_pasted_text_preview_lists_every_article() -> None:
    admin = UserFactory(roles=[ADMINISTRATOR])
    bill = ProposalFactory(kind="institutional", author=admin)
    preview = _client(admin).post(
        "/admin/legislation/import/", {"step": "preview", **_calendar(bill), "text": bill_text(12)}
    )
    assert preview.status_code == 200 and "12 articles found." in preview.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("ley.docx", b"PK\x03\x04broken", "cannot be read as a Word"),
        ("ley.exe", b"MZ", "Upload a .docx, .md or .txt file"),
        ("ley.txt", b"sin articulos", "No article was found"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_saved(name: str, data: bytes, words: str) -> None:
    admin = UserFactory(roles=[ADMINISTRATOR])
    bill = ProposalFactory(kind="institutional", author=admin)
    response = _client(admin).post(
        "/admin/legislation/import/", {"step": "preview", **_calendar(bill), "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Draft.objects.exists() and not Section.objects.exists()


def test_a_confirm_with_no_article_saves_nothing() -> None:
    admin = UserFactory(roles=[ADMINISTRATOR])
    bill = ProposalFactory(kind="institutional", author=admin)
    data = {"step": "confirm", **_calendar(bill), "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1"}
    data |= {"form-0-kind": "chapter", "form-0-number": "I", "form-0-heading": "Solo un capítulo", "form-0-text": ""}
    response = _client(admin).post("/admin/legislation/import/", data)
    assert response.status_code == 400 and "at least one article" in response.content.decode()
    assert not Draft.objects.exists() and not Section.objects.exists() and not Version.objects.exists()


def test_only_administrators_import() -> None:
    for user in (UserFactory(), UserFactory(roles=[MODERATOR])):
        response = _client(user).get("/admin/legislation/import/")
        assert response.status_code in (302, 403)
