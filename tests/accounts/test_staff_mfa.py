from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client, override_settings

from accounts.roles import MODERATOR
from tests.factories import UserFactory


@pytest.mark.django_db
@override_settings(DECIDE_REQUIRE_STAFF_MFA=True)
def test_staff_without_totp_are_sent_to_enrol_before_the_admin(client: Client) -> None:
    moderator = UserFactory(roles=[MODERATOR])
    client.force_login(moderator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]

    # Enrolled, but this session never typed a code: asked for it (tests/security/test_staff_mfa_everywhere.py).
    Authenticator.objects.create(user=moderator, type=Authenticator.Type.TOTP, data={"secret": "x"})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/reauthenticate/" in response["Location"]


@pytest.mark.django_db
@override_settings(DECIDE_REQUIRE_STAFF_MFA=True)
def test_citizens_are_not_asked_for_mfa(citizen_client: Client) -> None:
    assert citizen_client.get("/accounts/profile/").status_code == 200


@pytest.mark.django_db
def test_mfa_is_available_to_every_account(citizen_client: Client) -> None:
    response = citizen_client.get("/accounts/2fa/")
    assert response.status_code == 200
