"""Shared steps of the login and MFA tests: enrol a TOTP authenticator and type its current code."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from accounts.models import User

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password


def enrol_totp(user: User) -> str:
    """Give `user` a TOTP authenticator, as allauth's activation does; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
