"""Binding accounts to census records: by the citizen, by an officer in person, and undoing it.

A census record binds to at most one account: the one-to-one column is a unique
index, so two accounts racing for the same record cannot both win, whatever the
checks above it saw. What a citizen is told never says whether a document exists
or is taken: "no match" and "bound to another account" read the same.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from decide.refusals import NotAllowed

from .audit import audit_record
from .models import CensusRecord, User, VerificationCode
from .permissions import can_assist_verification, can_unbind, can_verify_self
from .selectors import census_record_lookup
from .tasks import sms_send_after_commit

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5
_PHONE = re.compile(r"^\+?[0-9]{9,15}$")


class Outcome(StrEnum):
    VERIFIED = "verified"
    NO_MATCH = "no_match"  # also what a citizen hears when the record is bound elsewhere
    CODE_SENT = "code_sent"
    CODE_WRONG = "code_wrong"
    CODE_EXPIRED = "code_expired"


class AssistedOutcome(StrEnum):
    NO_MATCH = "no_match"
    CHECKED = "checked"  # identity confirmed at the booth, no account involved
    VERIFIED = "verified"
    ALREADY_THIS_ACCOUNT = "already_this_account"
    ACCOUNT_NOT_FOUND = "account_not_found"
    ACCOUNT_ALREADY_VERIFIED = "account_already_verified"
    RECORD_BOUND_ELSEWHERE = "record_bound_elsewhere"


@dataclass(frozen=True)
class AssistedResult:
    outcome: AssistedOutcome
    record: CensusRecord | None = None
    account: User | None = None
    record_has_account: bool = False


def sms_step_enabled() -> bool:
    return bool(getattr(settings, "CENSUS_VERIFY_SMS", False))


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s().\-]", "", phone)


@transaction.atomic
def citizen_verify(*, user: User, document_number: str, birth_date: date, phone: str = "") -> Outcome:
    """A citizen gives document and birth date; a free matching record binds (or, with SMS on, gets a code)."""
    if not can_verify_self(user):
        raise NotAllowed(_("Your account cannot be verified now."))
    record = census_record_lookup(document_number=document_number, birth_date=birth_date)
    if record is None:
        return Outcome.NO_MATCH
    if User.objects.filter(census_record=record).exclude(pk=user.pk).exists():
        _audit_conflict(user, record)
        return Outcome.NO_MATCH
    if sms_step_enabled():
        return _send_code(user, record, phone)
    return _bind_or_conflict(user, record)


@transaction.atomic
def citizen_verify_code(*, user: User, code: str) -> Outcome:
    """The SMS step: the code sent to the citizen's phone completes the binding."""
    pending = VerificationCode.objects.select_for_update().filter(user=user).select_related("census_record").first()
    if pending is None or pending.expires_at < timezone.now() or pending.attempts >= CODE_ATTEMPTS:
        VerificationCode.objects.filter(user=user).delete()
        return Outcome.CODE_EXPIRED
    if not constant_time_compare(_code_hash(user, code.strip()), pending.code_hash):
        pending.attempts += 1
        pending.save(update_fields=["attempts"])
        return Outcome.CODE_WRONG
    record = pending.census_record
    pending.delete()
    if not can_verify_self(user):
        raise NotAllowed(_("Your account cannot be verified now."))
    return _bind_or_conflict(user, record)


@transaction.atomic
def census_assisted_verify(
    *, officer: User, document_number: str, birth_date: date, location: str, account_email: str = ""
) -> AssistedResult:
    """An officer checks a person's document in person; with an account email, binds that account.

    Every lookup is audited with the officer and the place, whatever it found, so
    lookups cannot be used quietly to probe the census.
    """
    if not can_assist_verification(officer):
        raise NotAllowed(_("Only officers verify people in person."))
    if not location.strip():
        raise ValidationError(_("Say where you are (booth or office)."))
    record = census_record_lookup(document_number=document_number, birth_date=birth_date)
    result = _assisted(officer, record, account_email.strip(), location.strip())
    audit_record(
        actor=officer,
        action="census.assisted_verification",
        target=result.account or record,
        location=location.strip()[:200],
        detail={"outcome": result.outcome.value, "census_record": record.pk if record else None},
    )
    return result


@transaction.atomic
def census_unbind(*, actor: User, account: User, reason: str) -> User:
    """An administrator releases an account's census record (lost access, fraud); the person may verify again."""
    if not can_unbind(actor):
        raise NotAllowed(_("Only administrators can unbind a census record."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for unbinding."))
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.census_record_id is None:
        raise ValidationError(_("This account is not verified: there is nothing to unbind."))
    audit_record(
        actor=actor,
        action="census.unbind",
        target=account,
        reason=reason.strip(),
        detail={"census_record": account.census_record_id},
    )
    account.census_record = None
    account.verified_at = None
    account.full_clean(exclude=["password"])
    account.save(update_fields=["census_record", "verified_at"])
    return account


def _assisted(officer: User, record: CensusRecord | None, email: str, location: str) -> AssistedResult:
    if record is None:
        return AssistedResult(AssistedOutcome.NO_MATCH)
    holder = User.objects.filter(census_record=record).first()
    if not email:
        return AssistedResult(AssistedOutcome.CHECKED, record, record_has_account=holder is not None)
    account = User.objects.filter(email__iexact=email, is_active=True).first()
    if account is None:
        return AssistedResult(AssistedOutcome.ACCOUNT_NOT_FOUND, record, record_has_account=holder is not None)
    if holder is not None and holder.pk == account.pk:
        return AssistedResult(AssistedOutcome.ALREADY_THIS_ACCOUNT, record, account, True)
    if holder is not None:
        return AssistedResult(AssistedOutcome.RECORD_BOUND_ELSEWHERE, record, account, True)
    if account.census_record_id is not None:
        return AssistedResult(AssistedOutcome.ACCOUNT_ALREADY_VERIFIED, record, account)
    if not _bind(account, record, actor=officer, action="census.verify_assisted", location=location):
        return AssistedResult(AssistedOutcome.RECORD_BOUND_ELSEWHERE, record, account, True)
    return AssistedResult(AssistedOutcome.VERIFIED, record, account, True)


def _bind_or_conflict(user: User, record: CensusRecord) -> Outcome:
    if _bind(user, record, actor=user, action="census.verify"):
        return Outcome.VERIFIED
    _audit_conflict(user, record)
    return Outcome.NO_MATCH


def _bind(user: User, record: CensusRecord, *, actor: User, action: str, location: str = "") -> bool:
    """Bind in a savepoint; False when another account holds the record (the unique index decides)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            # A conditional UPDATE rather than save(): an account verified meanwhile is not rebound.
            bound = User.objects.filter(pk=user.pk, census_record__isnull=True).update(
                census_record=record, verified_at=now
            )
    except IntegrityError:
        return False
    if not bound:
        return User.objects.filter(pk=user.pk, census_record=record).exists()
    user.census_record, user.verified_at = record, now
    audit_record(actor=actor, action=action, target=user, location=location, detail={"census_record": record.pk})
    return True


def _audit_conflict(user: User, record: CensusRecord) -> None:
    """Someone gave the details of a record another account holds: worth an administrator's look."""
    audit_record(actor=user, action="census.verify_conflict", target=record, detail={"census_record": record.pk})


def _send_code(user: User, record: CensusRecord, phone: str) -> Outcome:
    phone = normalise_phone(phone)
    if not _PHONE.match(phone):
        raise ValidationError({"phone": _("Enter a mobile number with 9 to 15 digits.")})
    code = f"{secrets.randbelow(10**6):06d}"
    VerificationCode.objects.filter(user=user).delete()
    pending = VerificationCode(
        user=user,
        census_record=record,
        code_hash=_code_hash(user, code),
        phone_hint=phone[-3:],
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    pending.full_clean()
    pending.save()
    message = _("Your Decide verification code is %(code)s. It expires in 10 minutes.") % {"code": code}
    sms_send_after_commit(phone=phone, message=message)  # sent by the task worker, never inside the request
    return Outcome.CODE_SENT


def _code_hash(user: User, code: str) -> str:
    return salted_hmac("accounts.verification-code", f"{user.pk}:{code}", algorithm="sha256").hexdigest()
