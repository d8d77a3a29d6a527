"""Writes of offline participation: supports and proposals at the desk, signature sheets, supports by SMS.

Each is one atomic function; supports go through `services.support_record` under the proposal's
row lock, so one support per census record holds across online, assisted, paper and SMS.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import audit_record
from accounts.census import document_hash
from accounts.models import CensusRecord, District, User
from accounts.permissions import can_assist_verification
from accounts.selectors import census_record_lookup
from accounts.sms import InboundSms
from accounts.tasks import sms_send_after_commit
from decide.refusals import Conflict, Invalid, NotAllowed

from .. import permissions, services
from ..models import (
    Category,
    ProcessPage,
    Proposal,
    SignatureRow,
    SignatureRowOutcome,
    SignatureSheet,
    SmsInbound,
    Support,
    SupportChannel,
)
from .permissions import sheet_entry_refusal
from .sheets import SheetLine

# --- the desk ------------------------------------------------------------------------------------


@transaction.atomic
def assisted_support_add(*, officer: User, person: User, location: str, proposal: Proposal) -> Support:
    """An officer registers a support on behalf of the person present at the desk (channel "assisted")."""
    if not can_assist_verification(officer):
        raise NotAllowed(_("Only officers act on behalf of a person at the desk."))
    locked = services.support_lock(proposal)
    if not permissions.can_support(person, locked):
        raise NotAllowed(
            _(
                "This person cannot support this proposal now: "
                "it is not collecting supports, or they live outside its area."
            )
        )
    assert person.census_record_id is not None  # can_support checked it
    try:
        support = services.support_record(
            locked=locked,
            census_record_id=person.census_record_id,
            channel=SupportChannel.ASSISTED,
            account=person,
            recorded_by=officer,
            location=location,
        )
    except services.AlreadySupportedError as exc:
        raise Conflict(_("This person already supports this proposal (counted once).")) from exc
    audit_record(
        actor=officer,
        action="assisted.support",
        target=locked,
        location=location,
        detail={"person": person.pk, "support": support.pk},
    )
    proposal.support_count, proposal.status = locked.support_count, locked.status
    return support


@transaction.atomic
def assisted_proposal_submit(
    *,
    officer: User,
    person: User,
    location: str,
    process: ProcessPage,
    title: str,
    summary: str,
    body: str,
    category: Category | None = None,
    district: District | None = None,
) -> Proposal:
    """An officer types a proposal for the person present, in their name (their account is its author)."""
    if not can_assist_verification(officer):
        raise NotAllowed(_("Only officers act on behalf of a person at the desk."))
    proposal = services.proposal_create(
        process=process,
        author=person,
        title=title,
        summary=summary,
        body=body,
        category=category,
        district=district,
    )
    Proposal.objects.filter(pk=proposal.pk).update(channel=SupportChannel.ASSISTED)
    proposal.channel = SupportChannel.ASSISTED
    audit_record(
        actor=officer, action="assisted.proposal", target=proposal, location=location, detail={"person": person.pk}
    )
    return proposal


# --- paper signature sheets ----------------------------------------------------------------------


def _sheet_hash(proposal: Proposal, reference: str, lines: list[SheetLine]) -> str:
    """The same sheet entered twice hashes the same: keyed census hashes, never the document numbers."""
    digest = hashlib.sha256(f"{proposal.pk}|{reference.strip().upper()}".encode())
    for line in lines:
        keyed = document_hash(line.document_number) if line.document_number else ""
        digest.update(f"|{line.line}:{keyed}:{line.birth_date or line.problem}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class SheetEntry:
    sheet: SignatureSheet
    created: bool  # False: this very sheet was entered before, nothing changed


@transaction.atomic
def signature_sheet_enter(
    *, actor: User, proposal: Proposal, lines: list[SheetLine], reference: str = "", location: str = ""
) -> SheetEntry:
    """Enter a paper sheet: each valid row a "paper" support, every other row reported by line with its reason.

    One atomic step: the valid rows count while the invalid ones are reported, as on a real
    signature sheet; the same sheet entered again changes nothing.
    """
    locked = services.support_lock(proposal)
    if reason := sheet_entry_refusal(actor, locked):
        raise NotAllowed(reason)
    if not lines:
        raise Invalid(_("The sheet has no rows: type at least one document number and birth date."))
    content_hash = _sheet_hash(locked, reference, lines)
    existing = SignatureSheet.objects.filter(proposal=locked, content_hash=content_hash).first()
    if existing is not None:
        return SheetEntry(sheet=existing, created=False)
    sheet = SignatureSheet.objects.create(
        proposal=locked,
        reference=reference.strip()[:40],
        content_hash=content_hash,
        entered_by=actor,
        location=location,
    )
    seen: set[int] = set()
    outcomes: list[SignatureRow] = []
    for line in lines:
        record = None
        if line.problem or line.birth_date is None:
            outcome = SignatureRowOutcome.INVALID
        else:
            record = census_record_lookup(document_number=line.document_number, birth_date=line.birth_date)
            outcome = _row_outcome(locked, record, seen)
        if outcome == SignatureRowOutcome.COUNTED and record is not None:
            try:
                services.support_record(
                    locked=locked,
                    census_record_id=record.pk,
                    channel=SupportChannel.PAPER,
                    recorded_by=actor,
                    location=location,
                    sheet=sheet,
                )
            except services.AlreadySupportedError:
                outcome = SignatureRowOutcome.DUPLICATE
        if record is not None:
            seen.add(record.pk)
        outcomes.append(SignatureRow(sheet=sheet, line=line.line, census_record=record, outcome=outcome))
    SignatureRow.objects.bulk_create(outcomes)
    counted = sum(1 for row in outcomes if row.outcome == SignatureRowOutcome.COUNTED)
    duplicate = sum(1 for row in outcomes if row.outcome == SignatureRowOutcome.DUPLICATE)
    SignatureSheet.objects.filter(pk=sheet.pk).update(
        rows_total=len(outcomes),
        rows_counted=counted,
        rows_duplicate=duplicate,
        rows_rejected=len(outcomes) - counted - duplicate,
    )
    sheet.refresh_from_db()
    audit_record(
        actor=actor,
        action="assisted.signature_sheet",
        target=locked,
        location=location,
        detail={"sheet": sheet.pk, "counted": counted, "rows": len(outcomes)},
    )
    proposal.support_count, proposal.status = locked.support_count, locked.status
    return SheetEntry(sheet=sheet, created=True)


def _row_outcome(proposal: Proposal, record: CensusRecord | None, seen: set[int]) -> SignatureRowOutcome:
    if record is None:
        return SignatureRowOutcome.NOT_FOUND
    if record.pk in seen:
        return SignatureRowOutcome.REPEATED
    if not permissions.census_in_process_scope(record, proposal.process):
        return SignatureRowOutcome.OUT_OF_SCOPE
    if Support.objects.filter(proposal=proposal, census_record=record).exists():
        return SignatureRowOutcome.DUPLICATE
    return SignatureRowOutcome.COUNTED


# --- SMS ------------------------------------------------------------------------------------------

SUPPORT_WORDS = {"APOYO", "APOYAR", "APOYA", "SUPPORT", "SOUTIEN"}
STOP_WORDS = {"STOP", "BAJA", "PARAR", "ALTO"}
START_WORDS = {"START", "ALTA", "INICIO"}
HELP_WORDS = {"AYUDA", "HELP", "AIDE", "INFO"}


def _words(text: str) -> list[str]:
    """Upper-case words without accents: 'apóyo  k3f9q' reads as ['APOYO', 'K3F9Q']."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[A-Z0-9]+", plain.upper())


def _sms_rate_limited(phone: str) -> bool:
    limit = int(getattr(settings, "SMS_INBOUND_RATE_PER_HOUR", 20))
    since = timezone.now() - timedelta(hours=1)
    return SmsInbound.objects.filter(phone=phone, received_at__gte=since).count() >= limit


@transaction.atomic
def sms_inbound_handle(*, message: InboundSms) -> SmsInbound:
    """Act on one text message, once per provider message id, and queue the reply (never an error to the sender)."""
    previous = SmsInbound.objects.filter(provider_id=message.message_id).first()
    if previous is not None:
        return previous  # the provider resent its webhook: already handled, no second reply
    limited = _sms_rate_limited(message.phone)
    person = User.objects.filter(phone=message.phone, phone_confirmed_at__isnull=False, is_active=True).first()
    words = _words(message.text)
    keyword = words[0] if words else ""
    language = person.preferred_language if person is not None else "es"
    with translation.override(language or "es"):
        if limited:
            outcome, reply = "rate_limited", ""
        else:
            outcome, reply = _sms_act(person=person, keyword=keyword, words=words)
    entry = SmsInbound.objects.create(
        provider_id=message.message_id,
        phone=message.phone,
        account=person,
        keyword=keyword[:16],
        outcome=outcome,
        reply=reply[:320],
    )
    if reply:
        sms_send_after_commit(phone=message.phone, message=reply)
    return entry


def _sms_act(*, person: User | None, keyword: str, words: list[str]) -> tuple[str, str]:
    help_text = _("Decide: to support a proposal, text APOYO and its code (e.g. APOYO K3F9Q). STOP: no more messages.")
    if keyword in HELP_WORDS:
        return "help", help_text
    if person is None:
        return "unknown_number", _(
            "Decide: this number is not linked to a verified account. Ask at your district's desk to register it."
        )
    if keyword in STOP_WORDS:
        User.objects.filter(pk=person.pk).update(sms_opt_out_at=timezone.now())
        return "stopped", _("Decide: you will not receive more messages. Text START to receive them again.")
    if keyword in START_WORDS:
        User.objects.filter(pk=person.pk).update(sms_opt_out_at=None)
        return "started", _("Decide: you will receive our messages again. STOP to stop them.")
    if keyword not in SUPPORT_WORDS:
        return "not_understood", help_text
    if len(words) < 2:
        return "no_code", _(
            "Decide: add the proposal's code after APOYO (e.g. APOYO K3F9Q). It is on its page and sheet."
        )
    return _sms_support(person=person, code=words[1])


def _sms_support(*, person: User, code: str) -> tuple[str, str]:
    proposal = Proposal.objects.select_related("process").filter(short_code=code[:8]).first()
    if proposal is None or not permissions.can_view_proposal(person, proposal):
        return "unknown_code", _(
            "Decide: no proposal has the code %(code)s. Check it on the proposal's page or sheet."
        ) % {"code": code[:8]}
    locked = services.support_lock(proposal)
    title = locked.title[:60]
    if person.census_record_id is None:
        return "unverified", _("Decide: your account is not verified. Ask at your district's desk.")
    if not permissions.supports_open(locked) or locked.author.blocked_at is not None:
        return "closed", _("Decide: “%(title)s” is not collecting supports now.") % {"title": title}
    if not permissions.in_process_scope(person, locked.process):
        return "out_of_scope", _("Decide: “%(title)s” is not in your district; only its residents can support it.") % {
            "title": title
        }
    try:
        services.support_record(
            locked=locked, census_record_id=person.census_record_id, channel=SupportChannel.SMS, account=person
        )
    except services.AlreadySupportedError:
        return "already", _("Decide: your support for “%(title)s” was already counted (once).") % {"title": title}
    reply = ngettext(
        "Decide: your support for “%(title)s” is counted. It now has %(count)s support.",
        "Decide: your support for “%(title)s” is counted. It now has %(count)s supports.",
        locked.support_count,
    )
    return "counted", reply % {"title": title, "count": locked.support_count}
