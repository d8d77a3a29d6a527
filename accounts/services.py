"""Every write to accounts: one typed, atomic function per action."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction

from .audit import audit_record
from .display_names import display_name_generate
from .models import DeclaredGender, District, User


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    declared_gender: str,
    declared_district: District | None,
    preferred_language: str | None = None,
) -> User:
    user.display_name = display_name
    user.declared_gender = declared_gender if declared_gender in DeclaredGender.values else ""
    user.declared_district = declared_district
    fields = ["display_name", "declared_gender", "declared_district"]
    if preferred_language:
        user.preferred_language = preferred_language
        fields.append("preferred_language")
    user.full_clean()
    user.save(update_fields=fields)
    return user


@transaction.atomic
def signup_complete(*, user: User, display_name: str, preferred_language: str) -> User:
    """What allauth's sign-up form adds to the new account: the public name chosen, the language of its messages."""
    user.display_name = display_name
    known = preferred_language in dict(settings.LANGUAGES)
    user.preferred_language = preferred_language if known else settings.LANGUAGE_CODE
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=["display_name", "preferred_language"])
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Anonymise rather than delete rows: proposals and comments others replied to stay readable.

    The census binding is released so the person can verify a new account later; what they
    already did (supports, votes) stays counted, because eligibility belongs to the census record.
    """
    audit_record(actor=user, action="account.delete", target=user)
    user.email = f"deleted-{user.pk}@invalid.decide"
    user.username = f"deleted-{user.pk}"
    user.display_name = display_name_generate()  # a new neutral name: nothing links it to the old one
    user.first_name = user.last_name = ""
    user.declared_gender = ""
    user.declared_district = None
    user.census_record = None
    user.verified_at = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
