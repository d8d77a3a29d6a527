"""Writes of the officer desk: find or register a person without email, issue and redeem one-time codes."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import CensusRecord, LoginCode, User
from accounts.permissions import can_assist_verification
from accounts.roles import is_staff_member
from accounts.selectors import census_record_lookup
from accounts.sms import phone_normalise
from decide.refusals import Conflict, Invalid, NotAllowed
from decide.sanitize import plain_text

LOGIN_CODE_HOURS = 72
DISPLAY_NAME_MAX = 80


@dataclass(frozen=True)
class DeskPerson:
    """What the desk found: the person and their new sign-in code, or the problem (the lookup is audited either way)."""

    person: User | None
    created: bool = False
    login_code: str = ""
    problem: str = ""


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").upper().encode()).hexdigest()


def _new_code() -> str:
    """60 random bits as 12 base32 characters in three groups: read out or printed, typed on any phone."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()[:12]
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def login_code_issue(*, officer: User, person: User, location: str) -> str:
    """A one-time sign-in code for `person`, valid LOGIN_CODE_HOURS; only its hash is stored."""
    code = _new_code()
    LoginCode.objects.create(
        user=person,
        code_hash=_code_hash(code),
        issued_by=officer,
        location=location,
        expires_at=timezone.now() + timedelta(hours=LOGIN_CODE_HOURS),
    )
    return code


@transaction.atomic
def login_code_redeem(*, code: str) -> User:
    """The account a valid, unused, unexpired code opens; the code is spent."""
    entry = (
        LoginCode.objects.select_for_update()
        .select_related("user")
        .filter(code_hash=_code_hash(code or ""), used_at__isnull=True)
        .first()
    )
    if entry is None or entry.expires_at <= timezone.now() or not entry.user.is_active:
        raise Invalid(_("This code is not valid: it may be mistyped, used already or expired. Ask at the desk."))
    if is_staff_member(entry.user):  # staff sign in through allauth with their second factor, never with a desk code
        raise Invalid(_("This code is not valid: it may be mistyped, used already or expired. Ask at the desk."))
    entry.used_at = timezone.now()
    entry.save(update_fields=["used_at"])
    return entry.user


@transaction.atomic
def desk_person_register(
    *,
    officer: User,
    document_number: str,
    birth_date: date,
    location: str,
    display_name: str = "",
    phone: str = "",
) -> DeskPerson:
    """Find the person in the census; find their account or open one without email; hand over a sign-in code.

    Every lookup is audited with the officer and the place, whatever it found (never the document).
    """
    if not can_assist_verification(officer):
        raise NotAllowed(_("Only officers register people at the desk."))
    location = plain_text(location)[:200]
    if not location:
        raise Invalid(_("Say where you are (booth or office)."))
    record: CensusRecord | None = census_record_lookup(document_number=document_number, birth_date=birth_date)
    if record is None:
        audit_record(actor=officer, action="desk.lookup", location=location, detail={"found": False})
        return DeskPerson(
            person=None,
            problem=_("No one in the census has this document number and birth date. Check both with the person."),
        )
    person = User.objects.filter(census_record=record).first()
    created = person is None
    if person is None:
        person = _person_open(record=record, display_name=display_name, phone=phone)
    elif not person.is_active or person.blocked_at is not None:
        audit_record(actor=officer, action="desk.lookup", target=person, location=location, detail={"found": True})
        return DeskPerson(
            person=None, problem=_("This person's account is blocked or closed; a moderator can tell them why.")
        )
    code = login_code_issue(officer=officer, person=person, location=location)
    audit_record(
        actor=officer,
        action="desk.person_registered" if created else "desk.person_found",
        target=person,
        location=location,
        detail={"found": True},
    )
    return DeskPerson(person=person, created=created, login_code=code)


def _person_open(*, record: CensusRecord, display_name: str, phone: str) -> User:
    name = plain_text(display_name)[:DISPLAY_NAME_MAX]
    if not name:
        raise Invalid(_("Ask the person for a public name (a first name or a pseudonym is fine): others will see it."))
    normalised = phone_normalise(phone) if phone.strip() else None
    if normalised and User.objects.filter(phone=normalised).exists():
        raise Conflict(_("This phone number already belongs to another account."))
    person = User(
        username=f"desk-{secrets.token_hex(8)}",
        email=None,
        display_name=name,
        census_record=record,
        verified_at=timezone.now(),
        phone=normalised,
    )
    person.set_unusable_password()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # the census record bound itself elsewhere meanwhile (one account per record)
        raise Conflict(_("This person was registered a moment ago at another desk. Find them again.")) from exc
    return person
