"""Every write to proposals, supports, follows and flags: one typed, atomic function per action.

Each status change goes through `proposal_transition`, which checks the table in
`proposals.transitions`, writes an audit entry and publishes the status event after commit.
Permission predicates are checked here too, so no view can forget them.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import District, User
from decide.refusals import Conflict, NotAllowed
from decide.rich_text import rich_text
from decide.sanitize import plain_text
from proposals.debate.services import debate_remove_comments_of

from . import events, notifications, permissions
from .models import (
    Category,
    Flag,
    Follow,
    ProcessPage,
    Proposal,
    ProposalKind,
    ProposalStatus,
    SignatureSheet,
    Support,
    SupportChannel,
)
from .selectors import process_support_threshold
from .transitions import transition_allowed


class ProposalTransitionError(Conflict):
    """A status change the proposal life does not allow from its current status (e.g. draft → accepted)."""


class AlreadySupportedError(Conflict):
    """This person (census record) already supports the proposal."""


@transaction.atomic
def proposal_transition(*, proposal: Proposal, to_status: str, actor: User | None, reason: str = "") -> Proposal:
    """Move `proposal` to `to_status` if the life of a proposal allows it; audit it; tell its viewers.

    The row is locked for the move so two moderators (or a moderator and a support)
    cannot both move the same proposal from the same status.
    """
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    from_status = locked.status
    allowed = transition_allowed(kind=locked.kind, from_status=from_status, to_status=to_status)
    if from_status == ProposalStatus.HIDDEN and locked.status_before_hidden:
        allowed = allowed and to_status == locked.status_before_hidden
    if not allowed:
        raise ProposalTransitionError(
            _("A proposal cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": ProposalStatus(from_status).label,
                "to": ProposalStatus(to_status).label if to_status in ProposalStatus.values else to_status,
            }
        )
    update_fields = ["status", "status_reason", "updated_at"]
    if to_status == ProposalStatus.HIDDEN:
        locked.status_before_hidden = from_status
        update_fields.append("status_before_hidden")
    elif from_status == ProposalStatus.HIDDEN:
        locked.status_before_hidden = ""
        update_fields.append("status_before_hidden")
    if to_status == ProposalStatus.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
        update_fields.append("published_at")
    locked.status = to_status
    locked.status_reason = reason
    locked.full_clean()
    locked.save(update_fields=update_fields)
    audit_record(
        actor=actor,
        action=f"proposal.{to_status}",
        target=locked,
        reason=reason,
        detail={"from": from_status, "to": to_status},
    )
    events.status_changed(locked)
    notifications.status_changed(
        proposal=locked, from_status=from_status, to_status=to_status, reason=reason, actor=actor
    )
    # The caller's instance reflects the move too.
    for field in (*update_fields, "support_count"):
        setattr(proposal, field, getattr(locked, field))
    return proposal


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


TITLE_MAX, SUMMARY_MAX, BODY_MAX = 150, 500, 20_000


def _content(*, title: str, summary: str, body: str) -> tuple[str, str, str]:
    """Titles and summaries are plain text; the body keeps the small allowlist of decide.sanitize."""
    clean_title, clean_summary, clean_body = plain_text(title), plain_text(summary), rich_text(body)
    errors: dict[str, str] = {}
    if not clean_title:
        errors["title"] = _("Give your proposal a title.")
    elif len(clean_title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(n)s characters.") % {"n": TITLE_MAX}
    if not clean_summary:
        errors["summary"] = _("Summarise your proposal in a sentence or two.")
    elif len(clean_summary) > SUMMARY_MAX:
        errors["summary"] = _("Keep the summary under %(n)s characters.") % {"n": SUMMARY_MAX}
    if not plain_text(clean_body):
        errors["body"] = _("Write the text of your proposal.")
    elif len(clean_body) > BODY_MAX:
        errors["body"] = _("Keep the text under %(n)s characters.") % {"n": BODY_MAX}
    if errors:
        raise ValidationError(errors)
    return clean_title, clean_summary, clean_body


def _draft_save(
    *,
    process: ProcessPage,
    author: User,
    kind: str,
    title: str,
    summary: str,
    body: str,
    category: Category | None,
    district: District | None,
) -> Proposal:
    """A new proposal saved as a draft with cleaned content; the caller moves it on with proposal_transition."""
    clean_title, clean_summary, clean_body = _content(title=title, summary=summary, body=body)
    proposal = Proposal(
        process=process,
        author=author,
        title=clean_title,
        summary=clean_summary,
        body=clean_body,
        category=category,
        district=district,
        kind=kind,
        status=ProposalStatus.DRAFT,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_create(
    *,
    process: ProcessPage,
    author: User,
    title: str,
    summary: str,
    body: str,
    category: Category | None = None,
    district: District | None = None,
    at: datetime | None = None,
) -> Proposal:
    """A citizen's proposal: submitted to the moderators' queue, or published at once without pre-moderation."""
    _require(
        permissions.can_submit_proposal(author, process, at),
        _("Proposals can only be submitted by citizens with a confirmed email while the proposals phase is open."),
    )
    proposal = _draft_save(
        process=process,
        author=author,
        kind=ProposalKind.CITIZEN,
        title=title,
        summary=summary,
        body=body,
        category=category,
        district=district,
    )
    Follow.objects.get_or_create(proposal=proposal, user=author)
    target = ProposalStatus.SUBMITTED if process.pre_moderation else ProposalStatus.PUBLISHED
    return proposal_transition(proposal=proposal, to_status=target, actor=author)


@transaction.atomic
def proposal_update(
    *,
    proposal: Proposal,
    actor: User,
    title: str,
    summary: str,
    body: str,
    category: Category | None = None,
    district: District | None = None,
) -> Proposal:
    """Authors edit until their proposal is published."""
    locked = Proposal.objects.select_for_update().select_related("author").get(pk=proposal.pk)
    _require(permissions.can_edit_proposal(actor, locked), _("This proposal can no longer be edited."))
    locked.title, locked.summary, locked.body = _content(title=title, summary=summary, body=body)
    locked.category = category
    locked.district = district
    locked.full_clean()
    locked.save(update_fields=["title", "summary", "body", "category", "district", "updated_at"])
    return locked


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor: User, reason: str) -> Proposal:
    """The author takes a proposal back, saying why; it stays readable with the reason."""
    _require(permissions.can_withdraw_proposal(actor, proposal), _("You cannot withdraw this proposal."))
    reason = plain_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why you withdraw the proposal.")})
    return proposal_transition(proposal=proposal, to_status=ProposalStatus.WITHDRAWN, actor=actor, reason=reason)


@transaction.atomic
def proposal_approve(*, proposal: Proposal, actor: User) -> Proposal:
    _require(permissions.can_moderate(actor), _("Only moderators approve proposals."))
    return proposal_transition(proposal=proposal, to_status=ProposalStatus.PUBLISHED, actor=actor)


@transaction.atomic
def proposal_hide(*, proposal: Proposal, actor: User, reason: str) -> Proposal:
    _require(permissions.can_moderate(actor), _("Only moderators hide proposals."))
    reason = plain_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the proposal is hidden; the author will see it.")})
    proposal = proposal_transition(proposal=proposal, to_status=ProposalStatus.HIDDEN, actor=actor, reason=reason)
    _resolve_flags(proposal=proposal, actor=actor)
    return proposal


@transaction.atomic
def proposal_restore(*, proposal: Proposal, actor: User) -> Proposal:
    _require(permissions.can_moderate(actor), _("Only moderators restore proposals."))
    locked = Proposal.objects.get(pk=proposal.pk)
    if locked.status != ProposalStatus.HIDDEN:
        raise ProposalTransitionError(_("Only a hidden proposal can be restored."))
    target = locked.status_before_hidden or ProposalStatus.PUBLISHED
    return proposal_transition(proposal=proposal, to_status=target, actor=actor)


@transaction.atomic
def institutional_bill_create(
    *,
    process: ProcessPage,
    actor: User,
    title: str,
    summary: str,
    body: str,
    category: Category | None = None,
    district: District | None = None,
) -> Proposal:
    """A bill from the council: enters published, and may go to a vote without supports."""
    _require(permissions.can_create_institutional_bill(actor), _("Only administrators create institutional bills."))
    proposal = _draft_save(
        process=process,
        author=actor,
        kind=ProposalKind.INSTITUTIONAL,
        title=title,
        summary=summary,
        body=body,
        category=category,
        district=district,
    )
    return proposal_transition(proposal=proposal, to_status=ProposalStatus.PUBLISHED, actor=actor)


# --- supports ---------------------------------------------------------------------------


def _after_support_change(*, proposal: Proposal, url: str) -> None:
    """Move the (locked, fresh) proposal along with its support count; caller holds the row lock."""
    threshold = process_support_threshold(proposal.process)
    status = proposal.status
    if status == ProposalStatus.PUBLISHED and proposal.support_count > 0:
        status = proposal_transition(proposal=proposal, to_status=ProposalStatus.GATHERING, actor=None).status
    if status == ProposalStatus.GATHERING and proposal.support_count >= threshold:
        # Its people hear of it from proposal_transition (notifications.status_changed).
        proposal_transition(
            proposal=proposal, to_status=ProposalStatus.QUALIFIED, actor=None, reason=_("Support threshold reached.")
        )
    elif status == ProposalStatus.QUALIFIED and proposal.support_count < threshold:
        proposal_transition(
            proposal=proposal, to_status=ProposalStatus.GATHERING, actor=None, reason=_("Below the support threshold.")
        )
    events.support_count_changed(proposal)


def support_lock(proposal: Proposal) -> Proposal:
    """The proposal's row, locked for the rest of the transaction: every support of any channel counts under it."""
    return Proposal.objects.select_for_update().select_related("process", "author").get(pk=proposal.pk)


def support_record(
    *,
    locked: Proposal,
    census_record_id: int,
    channel: str = SupportChannel.ONLINE,
    account: User | None = None,
    recorded_by: User | None = None,
    location: str = "",
    sheet: SignatureSheet | None = None,
    url: str = "",
) -> Support:
    """Count one support of one person (census record), whatever the channel; the caller holds `support_lock`.

    The predicate of the channel is the caller's; here: one per census record across every
    channel (checked, and the unique constraint is the last word), the counter, the status.
    """
    if Support.objects.filter(proposal=locked, census_record_id=census_record_id).exists():
        raise AlreadySupportedError(_("You already support this proposal."))
    support = Support(
        proposal=locked,
        census_record_id=census_record_id,
        account=account,
        channel=channel,
        recorded_by=recorded_by,
        location=location,
        sheet=sheet,
    )
    try:
        with transaction.atomic():  # the constraint is the last word if two requests slip past the check
            support.save()
    except IntegrityError as exc:
        raise AlreadySupportedError(_("You already support this proposal.")) from exc
    Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
    locked.refresh_from_db(fields=["support_count"])
    _after_support_change(proposal=locked, url=url)
    return support


@transaction.atomic
def support_add(*, proposal: Proposal, user: User, url: str = "", at: datetime | None = None) -> Support:
    """One support per person (census record): counted in the same transaction, under the row lock."""
    locked = support_lock(proposal)
    _require(
        permissions.can_support(user, locked, at),
        _("Only verified citizens of the process area can support, while the supports phase is open."),
    )
    assert user.census_record_id is not None  # can_support checked it
    support = support_record(locked=locked, census_record_id=user.census_record_id, account=user, url=url)
    proposal.support_count, proposal.status = locked.support_count, locked.status
    return support


@transaction.atomic
def support_withdraw(*, proposal: Proposal, user: User, at: datetime | None = None) -> None:
    locked = Proposal.objects.select_for_update().select_related("process", "author").get(pk=proposal.pk)
    _require(
        permissions.can_withdraw_support(user, locked, at),
        _("Supports can only be withdrawn while the supports phase is open."),
    )
    deleted, _rows = Support.objects.filter(proposal=locked, census_record_id=user.census_record_id).delete()
    if not deleted:
        raise Conflict(_("You do not support this proposal."))
    Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") - 1)
    locked.refresh_from_db(fields=["support_count"])
    _after_support_change(proposal=locked, url="")
    proposal.support_count, proposal.status = locked.support_count, locked.status


# --- follows and flags --------------------------------------------------------------------


@transaction.atomic
def follow_set(*, proposal: Proposal, user: User, follow: bool) -> bool:
    """Follow (or stop following) a proposal's news by email; returns whether the user now follows."""
    _require(permissions.can_follow(user, proposal), _("Sign in to follow proposals."))
    if follow:
        Follow.objects.get_or_create(proposal=proposal, user=user)
    else:
        Follow.objects.filter(proposal=proposal, user=user).delete()
    return follow


@transaction.atomic
def flag_create(*, proposal: Proposal, reporter: User, reason: str) -> Flag:
    _require(permissions.can_flag(reporter, proposal), _("You cannot report this proposal."))
    reason = plain_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with this proposal.")})
    if len(reason) > 1000:
        raise ValidationError({"reason": _("Keep the reason under 1000 characters.")})
    if Flag.objects.filter(proposal=proposal, reporter=reporter).exists():
        raise Conflict(_("You already reported this proposal; moderators will look at it."))
    flag = Flag(proposal=proposal, reporter=reporter, reason=reason)
    flag.full_clean()
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError as exc:
        raise Conflict(_("You already reported this proposal; moderators will look at it.")) from exc
    notifications.moderation_queue_grew()
    return flag


def _resolve_flags(*, proposal: Proposal, actor: User) -> int:
    return Flag.objects.filter(proposal=proposal, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )


@transaction.atomic
def flags_dismiss(*, proposal: Proposal, actor: User) -> int:
    """A moderator looked and found nothing to act on: the proposal's open flags close."""
    _require(permissions.can_moderate(actor), _("Only moderators handle reports."))
    count = _resolve_flags(proposal=proposal, actor=actor)
    audit_record(actor=actor, action="proposal.flags_dismissed", target=proposal, detail={"flags": count})
    return count


# --- authors ----------------------------------------------------------------------------


@transaction.atomic
def user_block(*, user: User, actor: User, reason: str) -> User:
    """Block an author: their proposals and comments disappear from every list and page at once."""
    if refusal := permissions.user_block_refusal(actor, user):
        raise refusal
    reason = plain_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the user is blocked.")})
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot block yourself."))
    if user.blocked_at is not None:
        raise ValidationError(_("This user is already blocked."))
    user.blocked_at = timezone.now()
    user.blocked_reason = reason
    user.save(update_fields=["blocked_at", "blocked_reason"])
    audit_record(actor=actor, action="user.block", target=user, reason=reason)
    # Live viewers of the debates lose the blocked author's comments now, not on their next reload.
    debate_remove_comments_of(user)
    return user


@transaction.atomic
def user_unblock(*, user: User, actor: User) -> User:
    if refusal := permissions.user_block_refusal(actor, user):
        raise refusal
    if user.blocked_at is None:
        raise ValidationError(_("This user is not blocked."))
    user.blocked_at = None
    user.blocked_reason = ""
    user.save(update_fields=["blocked_at", "blocked_reason"])
    audit_record(actor=actor, action="user.unblock", target=user)
    return user
