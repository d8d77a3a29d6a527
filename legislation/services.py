"""Every write to a bill's text: one typed, keyword-only, atomic function per action.

Each action checks its predicate from `legislation.permissions` (a view is not the only
door), raises the `decide.refusals` family for every "no", audits moderation, and
publishes its live event through `legislation.events` (sent only after commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User
from decide.refusals import Conflict, Invalid, NotAllowed
from decide.sanitize import plain_text
from proposals.debate.services import comment_create
from proposals.models import Proposal, Stance
from proposals.permissions import can_create_institutional_bill

from . import events
from .models import (
    Amendment,
    AmendmentStatus,
    AmendmentSupport,
    Annotation,
    Draft,
    Section,
    SectionKind,
    Version,
)
from .permissions import (
    amendment_decide_refusal,
    amendment_propose_refusal,
    amendment_support_refusal,
    annotation_open_refusal,
    annotation_refusal,
    version_create_refusal,
)
from .selectors import section_annotation_count, section_heat

AMENDMENT_TEXT_MAX = 10_000
JUSTIFICATION_MAX = 3_000
REASON_MAX = 1_000


@dataclass(frozen=True)
class SectionInput:
    """One section as the administrator confirmed it after the import preview."""

    kind: str
    number: str
    heading: str
    text: str


def _validated_sections(sections: Sequence[SectionInput]) -> list[SectionInput]:
    cleaned: list[SectionInput] = []
    for position, section in enumerate(sections, start=1):
        if section.kind not in SectionKind.values:
            raise Invalid(_("Section %(n)d has an unknown kind.") % {"n": position})
        text = section.text.replace("\r\n", "\n").strip()
        if section.kind == SectionKind.ARTICLE and not text:
            raise Invalid(_("Article %(n)s has no text.") % {"n": section.number or position})
        cleaned.append(
            SectionInput(
                kind=section.kind,
                number=plain_text(section.number)[:30],
                heading=plain_text(section.heading)[:300],
                text=text,
            )
        )
    if not any(s.kind == SectionKind.ARTICLE for s in cleaned):
        raise Invalid(_("A bill needs at least one article."))
    return cleaned


def _snapshot(draft: Draft) -> list[dict[str, str]]:
    return [section.snapshot() for section in draft.sections.order_by("position")]


@transaction.atomic(durable=True)
def draft_create(
    *,
    actor: User,
    proposal: Proposal,
    sections: Sequence[SectionInput],
    reading_opens: datetime,
    annotation_opens: datetime,
    annotation_closes: datetime,
    amendments_opens: datetime,
    amendments_closes: datetime,
    final_text_on: datetime,
) -> Draft:
    """Give a bill (institutional, or a proposal promoted to drafting) its structured text, as version 1.

    Durable: the import preview's confirmation writes all sections or none.
    """
    if not can_create_institutional_bill(actor):
        raise NotAllowed(_("Only administrators import the text of a bill."))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if Draft.objects.filter(proposal=proposal).exists():
        raise Conflict(_("This bill already has a text; publish a new version instead."))
    cleaned = _validated_sections(sections)
    draft = Draft(
        proposal=proposal,
        created_by=actor,
        reading_opens=reading_opens,
        annotation_opens=annotation_opens,
        annotation_closes=annotation_closes,
        amendments_opens=amendments_opens,
        amendments_closes=amendments_closes,
        final_text_on=final_text_on,
    )
    try:
        draft.full_clean(exclude=["proposal", "created_by"])
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages)) from exc
    draft.save()
    Section.objects.bulk_create(
        Section(draft=draft, position=n, kind=s.kind, number=s.number, heading=s.heading, text=s.text)
        for n, s in enumerate(cleaned, start=1)
    )
    Version.objects.create(draft=draft, number=1, sections=_snapshot(draft), created_by=actor, note=_("Imported text."))
    audit_record(actor=actor, action="legislation.draft_create", target=draft, detail={"proposal": proposal.pk})
    return draft


@transaction.atomic
def draft_calendar_update(
    *,
    actor: User,
    draft: Draft,
    reading_opens: datetime,
    annotation_opens: datetime,
    annotation_closes: datetime,
    amendments_opens: datetime,
    amendments_closes: datetime,
    final_text_on: datetime,
) -> Draft:
    """Move the drafting calendar; the phase predicates read it at every request."""
    if not can_create_institutional_bill(actor):
        raise NotAllowed(_("Only administrators change the drafting calendar."))
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    dates = {
        "reading_opens": reading_opens,
        "annotation_opens": annotation_opens,
        "annotation_closes": annotation_closes,
        "amendments_opens": amendments_opens,
        "amendments_closes": amendments_closes,
        "final_text_on": final_text_on,
    }
    for name, value in dates.items():
        setattr(locked, name, value)
    try:
        locked.full_clean()
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages)) from exc
    locked.save(update_fields=list(dates))
    audit_record(
        actor=actor, action="legislation.calendar", target=locked, detail={k: v.isoformat() for k, v in dates.items()}
    )
    return locked


def latest_version(draft: Draft) -> Version:
    version = draft.versions.order_by("-number").first()
    assert version is not None  # draft_create writes version 1 with the draft
    return version


@transaction.atomic
def annotation_create(
    *,
    author: User,
    section: Section,
    body: str,
    stance: str = Stance.NEUTRAL,
    quote: str = "",
    amendment: Amendment | None = None,
    at: datetime | None = None,
) -> Annotation:
    """A comment on one article (or a quoted passage of it, or one of its amendments): a debate comment of the bill.

    The quote must be a passage of the article's current text, checked here: the browser's
    selection is only a suggestion.
    """
    section = Section.objects.select_related("draft__proposal__process", "draft__proposal__author").get(pk=section.pk)
    draft = section.draft
    refusal = annotation_refusal(author, draft, at)
    if refusal:
        raise NotAllowed(refusal)
    quote = " ".join(quote.split())
    if quote and quote not in " ".join(section.text.split()):
        raise Invalid(_("The quoted passage is not part of this article's text."))
    if amendment is not None and amendment.section_id != section.pk:
        raise Invalid(_("This amendment belongs to another article."))
    try:
        comment = comment_create(
            author=author,
            proposal=draft.proposal,
            body=body,
            stance=stance,
            open_refusal=lambda _proposal: annotation_open_refusal(draft, at),
        )
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages)) from exc
    annotation = Annotation.objects.create(
        comment=comment,
        draft=draft,
        section=section,
        amendment=amendment,
        quote=quote[:2000],
        version_number=latest_version(draft).number,
    )
    events.publish(
        draft,
        events.AnnotationCreated(
            section=str(section.key),
            annotation=annotation.pk,
            count=section_annotation_count(section),
            heat=section_heat(section),
            html=_annotation_html(annotation),
        ),
    )
    return annotation


def _annotation_html(annotation: Annotation) -> dict[str, str]:
    html: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            html[code] = render_to_string(
                "legislation/_annotation.html", {"annotation": annotation, "comment": annotation.comment}
            )
    return html


def _clean_text(value: str, *, limit: int, empty: str, too_long: str) -> str:
    text = plain_text(value).strip() if "<" in value else value.replace("\r\n", "\n").strip()
    if not text:
        raise Invalid(empty)
    if len(text) > limit:
        raise Invalid(too_long % {"n": limit})
    return text


@transaction.atomic
def amendment_propose(
    *, author: User, section: Section, text: str, justification: str, at: datetime | None = None
) -> Amendment:
    section = Section.objects.select_related("draft__proposal__process").get(pk=section.pk)
    draft = section.draft
    refusal = amendment_propose_refusal(author, draft, at)
    if refusal:
        raise NotAllowed(refusal)
    if section.kind != SectionKind.ARTICLE:
        raise Invalid(_("Amendments are proposed to articles."))
    wording = _clean_text(
        text,
        limit=AMENDMENT_TEXT_MAX,
        empty=_("Write the new wording of the article."),
        too_long=_("The new wording can be at most %(n)d characters long."),
    )
    reason = _clean_text(
        justification,
        limit=JUSTIFICATION_MAX,
        empty=_("Say why the article should change."),
        too_long=_("The justification can be at most %(n)d characters long."),
    )
    if " ".join(wording.split()) == " ".join(section.text.split()):
        raise Invalid(_("The new wording is the same as the current text."))
    amendment = Amendment(
        draft=draft,
        section=section,
        base_version=latest_version(draft),
        author=author,
        text=wording,
        justification=reason,
    )
    amendment.full_clean()
    amendment.save()
    return amendment


@transaction.atomic
def amendment_support_add(*, amendment: Amendment, user: User, at: datetime | None = None) -> AmendmentSupport:
    """One support per person (census record): counted in the same transaction, under the amendment's row lock."""
    locked = (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("draft__proposal__process", "section")
        .get(pk=amendment.pk)
    )
    refusal = amendment_support_refusal(user, locked, at)
    if refusal:
        raise NotAllowed(refusal)
    assert user.census_record_id is not None  # the predicate checked it
    try:
        with transaction.atomic():  # the constraint is the last word if two requests slip past the lock
            support = AmendmentSupport.objects.create(
                amendment=locked, census_record_id=user.census_record_id, account=user
            )
    except IntegrityError as exc:
        raise Conflict(_("You already support this amendment.")) from exc
    Amendment.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
    locked.refresh_from_db(fields=["support_count"])
    amendment.support_count = locked.support_count
    events.publish(
        locked.draft,
        events.AmendmentSupports(amendment=locked.pk, section=str(locked.section.key), count=locked.support_count),
    )
    return support


def _status_labels(status: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = str(AmendmentStatus(status).label)
    return labels


@transaction.atomic
def amendment_decide(*, moderator: User, amendment: Amendment, accept: bool, reason: str = "") -> Amendment:
    """Accept (to be folded into the next version) or reject with a reason."""
    locked = Amendment.objects.select_for_update(of=("self",)).select_related("draft", "section").get(pk=amendment.pk)
    refusal = amendment_decide_refusal(moderator, locked)
    if refusal:
        raise NotAllowed(refusal)
    reason_text = plain_text(reason)[:REASON_MAX].strip()
    if not accept and not reason_text:
        raise Invalid(_("Give the reason for rejecting the amendment."))
    locked.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.REJECTED
    locked.decision_reason = reason_text
    locked.decided_by = moderator
    locked.decided_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit_record(
        actor=moderator,
        action=f"amendment.{locked.status}",
        target=locked,
        reason=reason_text,
        detail={"draft": locked.draft_id, "section": str(locked.section.key)},
    )
    events.publish(
        locked.draft,
        events.AmendmentDecided(
            amendment=locked.pk,
            section=str(locked.section.key),
            status=locked.status,
            labels=_status_labels(locked.status),
        ),
    )
    return locked


@transaction.atomic
def version_create(*, moderator: User, draft: Draft, note: str = "", at: datetime | None = None) -> Version:
    """Fold every accepted amendment into the text and freeze it as the next version.

    Amendments to the same article apply in the order they were accepted (the last wins).
    The draft row is locked so two moderators cannot publish the same number twice.
    """
    draft = Draft.objects.select_for_update().select_related("proposal__process").get(pk=draft.pk)
    refusal = version_create_refusal(moderator, draft, at)
    if refusal:
        raise NotAllowed(refusal)
    accepted = list(
        Amendment.objects.filter(draft=draft, status=AmendmentStatus.ACCEPTED)
        .select_related("section")
        .order_by("decided_at", "id")
    )
    if not accepted:
        raise Invalid(_("No accepted amendment is waiting to be folded into a new version."))
    for amendment in accepted:
        Section.objects.filter(pk=amendment.section_id).update(text=amendment.text)
    previous = latest_version(draft)
    version = Version.objects.create(
        draft=draft,
        number=previous.number + 1,
        sections=_snapshot(draft),
        created_by=moderator,
        note=plain_text(note)[:REASON_MAX],
    )
    Amendment.objects.filter(pk__in=[a.pk for a in accepted]).update(status=AmendmentStatus.MERGED, merged_into=version)
    audit_record(
        actor=moderator,
        action="legislation.version_create",
        target=version,
        detail={"draft": draft.pk, "number": version.number, "amendments": [a.pk for a in accepted]},
    )
    url = reverse("legislation:version", args=[draft.pk, version.number])
    message: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            message[code] = _("Version %(n)d of the text has just been published.") % {"n": version.number}
    events.publish(draft, events.VersionCreated(number=version.number, url=url, message=message))
    return version
