"""docs/operations.md: rotating SECRET_KEY with SECRET_KEY_FALLBACKS signs nobody out at once.

While the old key is a fallback, every session still works, and a visit moves it to the new key;
once the fallback is dropped, only sessions that never came back in the meantime end.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory

OLD = "old-secret-key-" + "o" * 40
NEW = "new-secret-key-" + "n" * 40


def signed_in(client: Client) -> bool:
    return client.get("/accounts/email/").status_code == 200


@pytest.mark.django_db
def test_the_old_key_as_fallback_keeps_sessions_until_it_is_dropped(settings: Any) -> None:
    settings.SECRET_KEY = OLD
    returning, away = Client(), Client()
    returning.force_login(UserFactory())
    away.force_login(UserFactory())

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    assert signed_in(returning)  # still valid, and now carried by the new key

    settings.SECRET_KEY_FALLBACKS = []
    assert signed_in(returning)
    assert not signed_in(away)
