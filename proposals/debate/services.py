"""Every write to a proposal's debate: one typed, atomic function per action.

Each action checks its predicate from `proposals.debate.permissions` (a view is not the only
door), stores user HTML through `decide.rich_text.rich_text` (cleaned by decide.sanitize), audits moderation, and
publishes its live event through `proposals.events` (sent only after commit).
Comments are never removed from the table: deleted and hidden ones keep their
author, so they still count as participation in the inclusion statistics.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User
from decide.refusals import Conflict, NotAllowed
from decide.rich_text import rich_text
from decide.sanitize import plain_text
from proposals import events, notifications
from proposals.debate.permissions import (
    OpenRefusal,
    comment_can_delete,
    comment_can_flag,
    comment_can_moderate,
    comment_edit_refusal,
    comment_is_visible,
    comment_post_refusal,
    comment_react_refusal,
    debate_can_lock,
    debate_open_refusal,
)
from proposals.debate.rendering import comment_html, comment_main_html, render_per_language
from proposals.models import Comment, CommentReaction, Flag, Proposal, Stance

COMMENT_MAX_CHARS = 5000
REASON_MAX_CHARS = 1000


def _clean_body(body: str) -> str:
    if len(body) > COMMENT_MAX_CHARS * 2:
        raise ValidationError(_("A comment can be at most %(max)d characters long.") % {"max": COMMENT_MAX_CHARS})
    cleaned = rich_text(body)
    if not plain_text(cleaned):
        raise ValidationError(_("Write a comment before sending it."), code="empty")
    if len(plain_text(cleaned)) > COMMENT_MAX_CHARS:
        raise ValidationError(_("A comment can be at most %(max)d characters long.") % {"max": COMMENT_MAX_CHARS})
    return cleaned


def _clean_reason(reason: str, *, required: bool) -> str:
    text = plain_text(reason)[:REASON_MAX_CHARS]
    if required and not text:
        raise ValidationError(_("Give a reason."), code="reason_required")
    return text


def _stance(stance: str) -> str:
    if stance not in Stance.values:
        raise ValidationError(_("Choose for, neutral or against."), code="stance")
    return stance


def _fresh(comment: Comment) -> Comment:
    """The comment row locked for this transaction, with what the predicates and templates read."""
    return (
        Comment.objects.select_for_update(of=("self",)).select_related("author", "proposal__process").get(pk=comment.pk)
    )


@transaction.atomic
def comment_create(
    *,
    author: User,
    proposal: Proposal,
    body: str,
    stance: str = Stance.NEUTRAL,
    parent: Comment | None = None,
    open_refusal: OpenRefusal = debate_open_refusal,
) -> Comment:
    """A comment (or reply) in `proposal`'s debate; `open_refusal` says when writing is open (default: its phase)."""
    proposal = Proposal.objects.select_related("process").get(pk=proposal.pk)
    refusal = comment_post_refusal(author, proposal, open_refusal=open_refusal)
    if refusal:
        raise NotAllowed(refusal)
    if parent is not None:
        parent = Comment.objects.select_related("author").get(pk=parent.pk)
        if parent.proposal_id != proposal.pk:
            raise ValidationError(_("You can only reply to a comment on the same proposal."), code="parent")
        if not comment_is_visible(parent):
            raise ValidationError(_("This comment is no longer shown, so it cannot be answered."), code="parent")
    comment = Comment(proposal=proposal, parent=parent, author=author, body=_clean_body(body), stance=_stance(stance))
    comment.full_clean()
    comment.save()
    events.comment_created(comment, comment_html(comment))
    notifications.comment_posted(comment)
    return comment


@transaction.atomic
def comment_edit(*, author: User, comment: Comment, body: str, stance: str) -> Comment:
    locked = _fresh(comment)
    refusal = comment_edit_refusal(author, locked)
    if refusal:
        raise NotAllowed(refusal)
    locked.body = _clean_body(body)
    locked.stance = _stance(stance)
    locked.edited_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["body", "stance", "edited_at"])
    events.comment_edited(locked, comment_main_html(locked))
    return locked


@transaction.atomic
def comment_delete(*, author: User, comment: Comment) -> Comment:
    """The author withdraws their words; the thread keeps a "deleted" mark so replies still make sense."""
    locked = _fresh(comment)
    if not comment_can_delete(author, locked):
        raise NotAllowed(_("Only its author may delete a comment."))
    locked.deleted_at = timezone.now()
    locked.is_pinned = False
    locked.full_clean()
    locked.save(update_fields=["deleted_at", "is_pinned"])
    events.comment_removed(locked, comment_main_html(locked), reason="deleted")
    return locked


@transaction.atomic
def comment_react(*, user: User, comment: Comment, value: int) -> Comment:
    """Set this person's reaction to `value`: 1 agree, -1 disagree, 0 none (take it back).

    A set, not a toggle: asking twice for the same reaction leaves it as it is, so a
    double-clicked "agree" never cancels itself (issue 13). The counts on the comment move
    in the same transaction as the reaction row, with F() updates so concurrent reactions
    never lose one another.
    """
    if value != 0 and value not in CommentReaction.Value.values:
        raise ValidationError(_("Choose agree or disagree."), code="value")
    locked = _fresh(comment)
    refusal = comment_react_refusal(user, locked)
    if refusal:
        raise NotAllowed(refusal)
    field = {1: "agree_count", -1: "disagree_count"}
    existing = CommentReaction.objects.select_for_update().filter(comment=locked, user=user).first()
    deltas: dict[str, int] = {}
    if (existing.value if existing is not None else 0) == value:
        return locked  # already so: nothing to change, nothing to tell the viewers
    if value == 0:
        assert existing is not None
        existing.delete()
        deltas[field[existing.value]] = -1
    elif existing is None:
        try:
            with transaction.atomic():
                CommentReaction.objects.create(comment=locked, user=user, value=value)
        except IntegrityError:  # a double click raced us to it: the first one counts
            return locked
        deltas[field[value]] = 1
    else:
        deltas[field[existing.value]] = -1
        existing.value = value
        existing.save(update_fields=["value"])
        deltas[field[value]] = 1
    Comment.objects.filter(pk=locked.pk).update(**{name: F(name) + delta for name, delta in deltas.items()})
    locked.refresh_from_db(fields=["agree_count", "disagree_count"])
    events.comment_reactions(locked)
    return locked


@transaction.atomic
def comment_flag(*, reporter: User, comment: Comment, reason: str) -> Flag:
    comment = Comment.objects.select_related("author", "proposal").get(pk=comment.pk)
    if not comment_can_flag(reporter, comment):
        raise NotAllowed(_("You cannot report this comment."))
    flag = Flag(comment=comment, reporter=reporter, reason=_clean_reason(reason, required=True))
    flag.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError as exc:
        raise Conflict(_("You have already reported this comment.")) from exc
    notifications.moderation_queue_grew()
    return flag


def _require_moderator(user: User) -> None:
    if not comment_can_moderate(user):
        raise NotAllowed(_("Only moderators may do this."))


def _resolve_flags(comment: Comment, moderator: User) -> int:
    return Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )


@transaction.atomic
def comment_hide(*, moderator: User, comment: Comment, reason: str) -> Comment:
    _require_moderator(moderator)
    locked = _fresh(comment)
    if locked.hidden_at is not None:
        return locked
    locked.hidden_at = timezone.now()
    locked.hidden_reason = _clean_reason(reason, required=True)
    locked.is_pinned = False
    locked.full_clean()
    locked.save(update_fields=["hidden_at", "hidden_reason", "is_pinned"])
    resolved = _resolve_flags(locked, moderator)
    audit_record(
        actor=moderator,
        action="comment.hide",
        target=locked,
        reason=locked.hidden_reason,
        detail={"proposal": locked.proposal_id, "flags_resolved": resolved},
    )
    events.comment_removed(locked, comment_main_html(locked), reason="hidden")
    return locked


@transaction.atomic
def comment_restore(*, moderator: User, comment: Comment, reason: str) -> Comment:
    _require_moderator(moderator)
    locked = _fresh(comment)
    if locked.hidden_at is None:
        return locked
    locked.hidden_at = None
    locked.hidden_reason = ""
    locked.full_clean()
    locked.save(update_fields=["hidden_at", "hidden_reason"])
    audit_record(
        actor=moderator,
        action="comment.restore",
        target=locked,
        reason=_clean_reason(reason, required=True),
        detail={"proposal": locked.proposal_id},
    )
    if comment_is_visible(locked):
        events.comment_restored(locked, comment_html(locked))
    return locked


@transaction.atomic
def comment_set_official(*, moderator: User, comment: Comment, official: bool) -> Comment:
    """Mark (or unmark) a comment as the institution's official answer."""
    _require_moderator(moderator)
    locked = _fresh(comment)
    if not comment_is_visible(locked):
        raise ValidationError(_("A hidden or deleted comment cannot be an official answer."), code="not_visible")
    locked.is_official = official
    locked.full_clean()
    locked.save(update_fields=["is_official"])
    audit_record(
        actor=moderator,
        action="comment.official" if official else "comment.unofficial",
        target=locked,
        detail={"proposal": locked.proposal_id},
    )
    events.comment_edited(locked, comment_main_html(locked))
    if official:
        notifications.official_answer(locked, moderator=moderator)
    return locked


@transaction.atomic
def comment_set_pinned(*, moderator: User, comment: Comment, pinned: bool) -> Comment:
    """Pinned comments lead the thread; only top-level comments can be pinned."""
    _require_moderator(moderator)
    locked = _fresh(comment)
    if pinned and (locked.parent_id is not None or not comment_is_visible(locked)):
        raise ValidationError(_("Only a shown, top-level comment can be pinned."), code="not_pinnable")
    locked.is_pinned = pinned
    locked.full_clean()
    locked.save(update_fields=["is_pinned"])
    audit_record(
        actor=moderator,
        action="comment.pin" if pinned else "comment.unpin",
        target=locked,
        detail={"proposal": locked.proposal_id},
    )
    events.comment_edited(locked, comment_main_html(locked))
    return locked


@transaction.atomic
def debate_set_locked(*, moderator: User, proposal: Proposal, locked: bool, reason: str) -> Proposal:
    if not debate_can_lock(moderator, proposal):
        raise NotAllowed(_("Only moderators may do this."))
    row = Proposal.objects.select_for_update().get(pk=proposal.pk)
    reason_text = _clean_reason(reason, required=locked)
    row.debate_locked = locked
    row.save(update_fields=["debate_locked", "updated_at"])
    audit_record(actor=moderator, action="debate.lock" if locked else "debate.unlock", target=row, reason=reason_text)
    message = render_per_language("proposals/debate/_lock_notice.html", {"proposal": row})
    events.debate_lock_changed(row, message)
    proposal.debate_locked = locked
    return row


@transaction.atomic
def flag_dismiss(*, moderator: User, flag: Flag, reason: str = "") -> Flag:
    """The moderator read the report and left the comment as it is."""
    _require_moderator(moderator)
    row = Flag.objects.select_for_update().get(pk=flag.pk)
    if row.resolved_at is None:
        row.resolved_at = timezone.now()
        row.resolved_by = moderator
        row.save(update_fields=["resolved_at", "resolved_by"])
        audit_record(
            actor=moderator,
            action="flag.dismiss",
            target=row,
            reason=_clean_reason(reason, required=False),
            detail={"comment": row.comment_id, "proposal": row.proposal_id},
        )
    return row


def debate_remove_comments_of(user: User) -> int:
    """Take a just-blocked user's comments off every open page (proposals.services.user_block calls it).

    Their rows stay (participation statistics, the moderators' record); the thread
    shows them as removed because their author is blocked.
    """
    user.blocked_at = user.blocked_at or timezone.now()
    count = 0
    visible = (
        Comment.objects.filter(author=user, deleted_at__isnull=True, hidden_at__isnull=True)
        .select_related("author", "proposal__process")
        .order_by("id")
    )
    for comment in visible:
        comment.author = user
        events.comment_removed(comment, comment_main_html(comment), reason="blocked")
        count += 1
    return count
