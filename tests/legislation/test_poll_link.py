"""The final version goes to a poll, and the poll page links to exactly that version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.roles import ADMINISTRATOR
from legislation.models import Version
from tests.factories import UserFactory, legislation_draft, process_page
from votes.services import poll_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_poll_page_links_to_the_version_put_to_the_vote() -> None:
    admin = UserFactory(roles=[ADMINISTRATOR])
    draft = legislation_draft(articles=3, administrator=admin)
    version = Version.objects.get(draft=draft, number=1)
    now = timezone.now()
    poll = poll_create(
        actor=admin,
        process=draft.proposal.process,
        title="Consulta sobre la ordenanza del agua",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=8),
        proposals=[draft.proposal],
        version=version,
        question_text="¿Aprueba el texto?",
    )
    assert poll.version == version
    page = Client().get(f"/polls/{poll.pk}/").content.decode()
    assert f'href="/legislation/{draft.pk}/versions/1/"' in page and "version 1 of" in page
    versions = Client().get(f"/legislation/{draft.pk}/versions/").content.decode()
    assert "put to the vote" in versions


def test_a_version_of_another_process_is_refused() -> None:
    admin = UserFactory(roles=[ADMINISTRATOR])
    draft = legislation_draft(articles=2, administrator=admin)
    other = process_page(phases_open=("vote",))
    now = timezone.now()
    with pytest.raises(ValidationError, match="poll's process"):
        poll_create(
            actor=admin,
            process=other,
            title="Otra",
            opens_at=now + timedelta(days=1),
            closes_at=now + timedelta(days=2),
            version=draft.versions.get(),
        )
