from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.models import Page

from accounts.models import User


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_serves_the_home_page(client: Client) -> None:
    call_command("seed_demo")
    counts = (Page.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Page.objects.count(), User.objects.count()) == counts
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "Decide La Libertad" in html
