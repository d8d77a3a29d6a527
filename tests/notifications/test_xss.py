"""The XSS corpus through what notifications show: titles and names in the centre, newsletter bodies and subjects."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from notifications.kinds import Kind
from notifications.models import Notification
from notifications.newsletters import newsletter_body_clean
from tests.factories import UserFactory
from tests.security.xss_payloads import PAYLOADS, SSTI_PRODUCT

pytestmark = pytest.mark.django_db

# What would run in a browser: a script element, an on* handler attribute, or a javascript:/data: URL attribute.
RUNS = re.compile(
    r"<script|<[^>]*\son[a-z]+\s*=|<[^>]*(href|src|action|formaction)\s*=\s*['\"]?\s*(javascript|data):", re.I
)


def test_titles_and_names_in_the_centre_are_escaped_and_never_evaluated() -> None:
    owner = UserFactory(preferred_language="en")
    for n, payload in enumerate(PAYLOADS):
        Notification.objects.create(
            recipient=owner, kind=Kind.COMMENT_REPLY, key=f"x:{n}", params={"proposal": payload, "author": payload}
        )
    client = Client()
    client.force_login(owner)
    page = 1
    seen = 0
    while True:
        response = client.get(f"/notifications/?page={page}")
        html = response.content.decode()
        main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
        assert not RUNS.search(main), RUNS.search(main)
        assert SSTI_PRODUCT not in main
        seen += main.count('class="notification')
        if f"?page={page + 1}" not in html:
            break
        page += 1
    assert seen >= len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_newsletter_body_keeps_nothing_that_runs(payload: str) -> None:
    cleaned = newsletter_body_clean(f"<p>Hola</p>{payload}")
    assert not RUNS.search(cleaned), cleaned
