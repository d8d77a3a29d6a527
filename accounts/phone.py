"""Confirming a phone: a six-digit code goes by SMS to the number; typing it back confirms the number.

Only the code's HMAC is kept, one pending confirmation per account, five attempts, ten minutes.
A confirmed phone is what SMS messages are sent to and what support by SMS is recognised from.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from decide.refusals import Conflict, Invalid

from .models import PhoneConfirmation, User
from .sms import phone_normalise
from .tasks import sms_send_after_commit

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5


def _code_hash(user: User, phone: str, code: str) -> str:
    return salted_hmac("accounts.phone-confirmation", f"{user.pk}:{phone}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def phone_confirmation_start(*, user: User, phone: str) -> str:
    """Send a code to `phone` (normalised to E.164, returned) for `user` to type back."""
    normalised = phone_normalise(phone)
    if User.objects.filter(phone=normalised, phone_confirmed_at__isnull=False).exclude(pk=user.pk).exists():
        raise Conflict(_("This phone number already belongs to another account."))
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneConfirmation.objects.filter(user=user).delete()
    PhoneConfirmation.objects.create(
        user=user,
        phone=normalised,
        code_hash=_code_hash(user, normalised, code),
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    message = _("Decide: your code to confirm this phone is %(code)s. It expires in 10 minutes.") % {"code": code}
    sms_send_after_commit(phone=normalised, message=message)
    return normalised


@transaction.atomic
def phone_confirm(*, user: User, code: str) -> User:
    """The code came back: the phone is this account's, confirmed (and any STOP on it forgotten)."""
    pending = PhoneConfirmation.objects.select_for_update().filter(user=user).first()
    if pending is None or pending.expires_at <= timezone.now() or pending.attempts >= CODE_ATTEMPTS:
        PhoneConfirmation.objects.filter(user=user).delete()
        raise Invalid(_("This code has expired. Ask for a new one."))
    if not constant_time_compare(_code_hash(user, pending.phone, code.strip()), pending.code_hash):
        pending.attempts += 1
        pending.save(update_fields=["attempts"])
        raise Invalid(_("This code is not the one we sent. Check the SMS and try again."))
    if User.objects.filter(phone=pending.phone).exclude(pk=user.pk).exists():
        # An unconfirmed claim on the number by another account gives way to the one who proved it.
        User.objects.filter(phone=pending.phone, phone_confirmed_at__isnull=True).exclude(pk=user.pk).update(phone=None)
        if User.objects.filter(phone=pending.phone).exclude(pk=user.pk).exists():
            raise Conflict(_("This phone number already belongs to another account."))
    User.objects.filter(pk=user.pk).update(phone=pending.phone, phone_confirmed_at=timezone.now(), sms_opt_out_at=None)
    pending.delete()
    user.refresh_from_db(fields=["phone", "phone_confirmed_at", "sms_opt_out_at"])
    return user
