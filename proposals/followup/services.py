"""Every write after the vote: the formal answer, milestones, attachments. One typed, atomic function per action.

A file is checked (decide.uploads) and stored before the row is written; if the row cannot be
written the stored file is deleted again, so a refusal leaves neither a row nor a file behind.
Removing a row removes its stored files once the removal is committed (never before: a rollback
would leave a row whose file is gone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import IO, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User
from decide.cache_pages import touch_after_commit
from decide.refusals import Invalid, NotFound
from decide.rich_text import rich_text
from decide.sanitize import plain_text
from decide.uploads import ALT_TEXT_MAX, CheckedFile, file_check, file_delete, file_store
from notifications.kinds import Kind
from notifications.services import notify
from proposals.events import process_cache_scope
from proposals.models import Proposal
from proposals.notifications import interested, proposal_link

from .models import Answer, AnswerState, Attachment, AttachmentKind, Milestone, MilestoneStatus
from .permissions import answer_refusal, attachment_change_refusal, attachment_refusal, milestone_refusal

ANSWER_TEXT_MAX = 20_000
RESPONSIBLE_BODY_MAX = 200
MILESTONE_DESCRIPTION_MAX = 2000
ORIGINAL_NAME_MAX = 200

T = TypeVar("T")


@dataclass(frozen=True)
class Upload:
    """A file as a form received it: its bytes, the name the person gave it, and its alternative text."""

    file: IO[bytes]
    name: str
    alt_text: str = ""


@dataclass(frozen=True)
class _Stored:
    checked: CheckedFile
    stored_name: str
    original_name: str
    alt_text: str


def _checked_and_stored(upload: Upload | None, *, field: str = "document") -> _Stored | None:
    """Check by content, ask images for their alternative text, then store: before any row is written."""
    if upload is None:
        return None
    checked = file_check(upload.file)
    alt_text = plain_text(upload.alt_text)[:ALT_TEXT_MAX]
    if checked.is_image and not alt_text:
        raise ValidationError({"alt_text": _("Describe the image in a few words for people who cannot see it.")})
    original = plain_text(upload.name.replace("\\", "/").rsplit("/", 1)[-1])[:ORIGINAL_NAME_MAX] or _("document")
    name = file_store(checked, folder="attachments")
    return _Stored(checked=checked, stored_name=name, original_name=original, alt_text=alt_text)


def _or_delete(stored: _Stored | None, write: Callable[[], T]) -> T:
    """Run the database write; if it fails, the file stored for it goes too."""
    try:
        return write()
    except BaseException:
        if stored is not None:
            file_delete(stored.stored_name)
        raise


def _attachment_row(
    stored: _Stored,
    *,
    proposal: Proposal,
    actor: User,
    answer: Answer | None = None,
    milestone: Milestone | None = None,
) -> Attachment:
    checked = stored.checked
    attachment = Attachment(
        proposal=proposal,
        answer=answer,
        milestone=milestone,
        kind=AttachmentKind.IMAGE if checked.is_image else AttachmentKind.DOCUMENT,
        stored_name=stored.stored_name,
        original_name=stored.original_name,
        content_type=checked.content_type,
        size=checked.size,
        alt_text=stored.alt_text if checked.is_image else "",
        download_only=checked.download_only,
        uploaded_by=actor,
    )
    attachment.full_clean()
    attachment.save()
    return attachment


def _pages_stale(proposal: Proposal) -> None:
    """Anonymous visitors' cached proposal and process pages show the change on their next load."""
    touch_after_commit(f"proposal.{proposal.pk}", process_cache_scope(proposal.process_id))


def _refuse_if(refusal: Exception | None) -> None:
    if refusal is not None:
        raise refusal


def answer_give(
    *,
    proposal: Proposal,
    actor: User,
    state: str,
    text: str,
    responsible_body: str,
    answered_on: date,
    document: Upload | None = None,
) -> Answer:
    """Give (or revise) the formal answer; the author, supporters and followers hear of it after commit."""
    _refuse_if(answer_refusal(actor, proposal))
    if state not in AnswerState.values:
        raise Invalid(_("Choose the state of the answer."))
    clean_text, body = rich_text(text), plain_text(responsible_body)
    errors: dict[str, str] = {}
    if not plain_text(clean_text):
        errors["text"] = _("Write the answer.")
    elif len(clean_text) > ANSWER_TEXT_MAX:
        errors["text"] = _("Keep the answer under %(n)s characters.") % {"n": ANSWER_TEXT_MAX}
    if not body:
        errors["responsible_body"] = _("Name the body responsible for the answer.")
    if errors:
        raise ValidationError(errors)
    stored = _checked_and_stored(document)

    @transaction.atomic
    def write() -> Answer:
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        answer = Answer.objects.filter(proposal=locked).first() or Answer(proposal=locked)
        previous_state = answer.state if answer.pk else ""
        answer.state = state
        answer.text = clean_text
        answer.responsible_body = body[:RESPONSIBLE_BODY_MAX]
        answer.answered_on = answered_on
        answer.answered_by = actor
        answer.full_clean(exclude=["proposal"])
        answer.save()
        if stored is not None:
            _attachment_row(stored, proposal=locked, actor=actor, answer=answer)
        _pages_stale(locked)
        audit_record(
            actor=actor,
            action="proposal.answer",
            target=locked,
            detail={"from": previous_state, "to": state},
        )
        if previous_state != state:
            # One notice per state an answer reaches: correcting a typo tells nobody twice.
            notify(
                kind=Kind.PROPOSAL_ANSWERED,
                recipients=interested(locked),
                key=f"official-answer:{locked.pk}:{state}",
                params={"proposal": locked.title},
                url=proposal_link(locked, "#answer"),
                actor=actor,
            )
        return answer

    return _or_delete(stored, write)


def _milestone_description(*, description: str, progress: int, status: str) -> str:
    """The milestone's description as stored (plain text), or the ValidationError that says what to fix."""
    clean = plain_text(description)
    errors: dict[str, str] = {}
    if not clean:
        errors["description"] = _("Say what was done or is planned.")
    elif len(clean) > MILESTONE_DESCRIPTION_MAX:
        errors["description"] = _("Keep the description under %(n)s characters.") % {"n": MILESTONE_DESCRIPTION_MAX}
    if not 0 <= progress <= 100:
        errors["progress"] = _("Progress is a percentage from 0 to 100.")
    if status not in MilestoneStatus.values:
        errors["status"] = _("Choose the status of the milestone.")
    if errors:
        raise ValidationError(errors)
    return clean


def milestone_add(
    *,
    proposal: Proposal,
    actor: User,
    date: date,
    description: str,
    progress: int,
    status: str,
    document: Upload | None = None,
) -> Milestone:
    """Record one step of carrying out an accepted proposal, with an optional document or picture."""
    _refuse_if(milestone_refusal(actor, proposal))
    clean = _milestone_description(description=description, progress=progress, status=status)
    stored = _checked_and_stored(document)

    @transaction.atomic
    def write() -> Milestone:
        milestone = Milestone(
            proposal=proposal, date=date, description=clean, progress=progress, status=status, created_by=actor
        )
        milestone.full_clean()
        milestone.save()
        if stored is not None:
            _attachment_row(stored, proposal=proposal, actor=actor, milestone=milestone)
        _pages_stale(proposal)
        audit_record(
            actor=actor, action="proposal.milestone", target=proposal, detail={"progress": progress, "status": status}
        )
        return milestone

    return _or_delete(stored, write)


def _locked_milestone(milestone: Milestone) -> Milestone:
    locked = Milestone.objects.select_for_update().filter(pk=milestone.pk).first()
    if locked is None:
        raise NotFound(_("This milestone is no longer on the timeline."))
    return locked


@transaction.atomic
def milestone_edit(
    *, milestone: Milestone, actor: User, date: date, description: str, progress: int, status: str
) -> Milestone:
    """Correct a step of the timeline; whoever may record milestones may correct them."""
    locked = _locked_milestone(milestone)
    proposal = Proposal.objects.get(pk=locked.proposal_id)
    _refuse_if(milestone_refusal(actor, proposal))
    clean = _milestone_description(description=description, progress=progress, status=status)
    before = {"date": locked.date.isoformat(), "progress": locked.progress, "status": locked.status}
    locked.date, locked.description, locked.progress, locked.status = date, clean, progress, status
    locked.full_clean()
    locked.save(update_fields=["date", "description", "progress", "status"])
    _pages_stale(proposal)
    audit_record(
        actor=actor,
        action="proposal.milestone.edit",
        target=proposal,
        detail={
            "milestone": locked.pk,
            "from": before,
            "to": {"date": date.isoformat(), "progress": progress, "status": status},
        },
    )
    return locked


def _files_go_after_commit(names: list[str]) -> None:
    for name in names:
        transaction.on_commit(partial(file_delete, name))


@transaction.atomic
def milestone_delete(*, milestone: Milestone, actor: User) -> None:
    """Take a step off the timeline, with its documents; the progress bar goes back to the latest one left."""
    locked = _locked_milestone(milestone)
    proposal = Proposal.objects.get(pk=locked.proposal_id)
    _refuse_if(milestone_refusal(actor, proposal))
    files = list(locked.attachments.values_list("stored_name", flat=True))
    detail = {
        "milestone": locked.pk,
        "date": locked.date.isoformat(),
        "progress": locked.progress,
        "status": locked.status,
        "attachments": len(files),
    }
    locked.delete()
    _files_go_after_commit(files)
    _pages_stale(proposal)
    audit_record(actor=actor, action="proposal.milestone.delete", target=proposal, detail=detail)


def attachment_add(*, proposal: Proposal, actor: User, upload: Upload) -> Attachment:
    """Attach a document or picture to a proposal or bill itself."""
    _refuse_if(attachment_refusal(actor, proposal))
    stored = _checked_and_stored(upload)
    assert stored is not None

    @transaction.atomic
    def write() -> Attachment:
        attachment = _attachment_row(stored, proposal=proposal, actor=actor)
        _pages_stale(proposal)
        audit_record(actor=actor, action="proposal.attachment", target=proposal, detail={"attachment": attachment.pk})
        return attachment

    return _or_delete(stored, write)


def _locked_attachment(attachment: Attachment) -> Attachment:
    locked = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
    if locked is None:
        raise NotFound(_("This document is no longer attached."))
    return locked


@transaction.atomic
def attachment_edit(*, attachment: Attachment, actor: User, name: str, alt_text: str = "") -> Attachment:
    """Rename a document, or describe a picture better; whoever may attach one to that part may."""
    locked = _locked_attachment(attachment)
    proposal = Proposal.objects.get(pk=locked.proposal_id)
    _refuse_if(attachment_change_refusal(actor, locked, proposal=proposal))
    clean_name = plain_text(name)[:ORIGINAL_NAME_MAX]
    clean_alt = plain_text(alt_text)[:ALT_TEXT_MAX] if locked.kind == AttachmentKind.IMAGE else ""
    errors: dict[str, str] = {}
    if not clean_name:
        errors["name"] = _("Give the document a name.")
    if locked.kind == AttachmentKind.IMAGE and not clean_alt:
        errors["alt_text"] = _("Describe the image in a few words for people who cannot see it.")
    if errors:
        raise ValidationError(errors)
    before = {"name": locked.original_name, "alt_text": locked.alt_text}
    locked.original_name, locked.alt_text = clean_name, clean_alt
    locked.full_clean()
    locked.save(update_fields=["original_name", "alt_text"])
    _pages_stale(proposal)
    audit_record(
        actor=actor,
        action="proposal.attachment.edit",
        target=proposal,
        detail={"attachment": locked.pk, "from": before, "to": {"name": clean_name, "alt_text": clean_alt}},
    )
    return locked


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor: User) -> None:
    """Remove a document from the proposal, its answer or its milestone; the file goes once that is committed."""
    locked = _locked_attachment(attachment)
    proposal = Proposal.objects.get(pk=locked.proposal_id)
    _refuse_if(attachment_change_refusal(actor, locked, proposal=proposal))
    detail = {
        "attachment": locked.pk,
        "name": locked.original_name,
        "answer": locked.answer_id,
        "milestone": locked.milestone_id,
    }
    stored_name = locked.stored_name
    locked.delete()
    _files_go_after_commit([stored_name])
    _pages_stale(proposal)
    audit_record(actor=actor, action="proposal.attachment.delete", target=proposal, detail=detail)
