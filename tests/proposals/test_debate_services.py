"""Debate services: the rules hold whoever calls them, and live events leave only after commit."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEntry
from decide.refusals import Conflict, NotAllowed
from proposals.debate import services as services
from proposals.debate.selectors import debate_thread
from proposals.models import Comment, CommentReaction, Flag, ProposalEvent
from tests.factories import ProposalFactory, UserFactory, process_page
from tests.proposals.helpers import comment, decode, moderator

pytestmark = pytest.mark.django_db


def events_of(kind: str) -> list[dict]:
    return [decode(e.text) for e in ProposalEvent.objects.filter(kind=kind).order_by("id")]


def test_comment_create_threads_replies_and_publishes_rendered_html() -> None:
    proposal = ProposalFactory()
    ana, ben = UserFactory(display_name="Ana"), UserFactory(display_name="Ben")
    top = services.comment_create(author=ana, proposal=proposal, body="<p>Necesitamos agua</p>", stance="for")
    reply = services.comment_create(author=ben, proposal=proposal, body="No estoy seguro", parent=top)
    assert reply.parent_id == top.pk
    thread = debate_thread(proposal)
    assert [c.pk for c in thread] == [top.pk]
    assert [c.pk for c in thread[0].thread_replies] == [reply.pk]
    created = events_of("comment.created")
    assert [e["data"]["comment"] for e in created] == [top.pk, reply.pk]
    assert created[1]["data"]["parent"] == top.pk
    html = created[0]["data"]["html"]
    assert set(html) == {"es", "en", "fr"}
    assert f'id="comment-{top.pk}"' in html["en"] and "Necesitamos agua" in html["en"] and "Ana" in html["en"]


def test_script_payload_is_cleaned_and_an_only_script_comment_refused() -> None:
    proposal = ProposalFactory()
    author = UserFactory()
    saved = services.comment_create(
        author=author,
        proposal=proposal,
        body='<p onclick="x()">Hola<script>alert(1)</script><a href="javascript:x">l</a></p>',
    )
    assert "script" not in saved.body and "onclick" not in saved.body and "javascript" not in saved.body
    assert "Hola" in saved.body
    with pytest.raises(ValidationError):
        services.comment_create(author=author, proposal=proposal, body="<script>alert(1)</script>")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "setup",
    ["locked", "debate_closed", "not_public", "blocked", "unconfirmed"],
)
def test_who_may_not_comment(setup: str) -> None:
    proposal = ProposalFactory()
    author = UserFactory()
    if setup == "locked":
        proposal.debate_locked = True
        proposal.save()
    elif setup == "debate_closed":
        proposal = ProposalFactory(process=process_page(phases_open=("supports",)))
    elif setup == "not_public":
        proposal.status = "submitted"
        proposal.save()
    elif setup == "blocked":
        author.blocked_at = timezone.now()
        author.save()
    elif setup == "unconfirmed":
        author = UserFactory(confirmed=False)
    with pytest.raises(NotAllowed):
        services.comment_create(author=author, proposal=proposal, body="Hola")
    assert not Comment.objects.exists() and not ProposalEvent.objects.exists()


def test_reply_to_a_comment_of_another_proposal_is_refused() -> None:
    other = comment()
    with pytest.raises(ValidationError):
        services.comment_create(author=UserFactory(), proposal=ProposalFactory(), body="Hola", parent=other)


def test_edit_within_the_window_only() -> None:
    c = comment(body="<p>typo</p>")
    services.comment_edit(author=c.author, comment=c, body="<p>fixed</p>", stance="against")
    c.refresh_from_db()
    assert c.body == "<p>fixed</p>" and c.stance == "against" and c.edited_at is not None
    assert events_of("comment.edited")[0]["data"]["comment"] == c.pk
    Comment.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(NotAllowed):
        services.comment_edit(author=c.author, comment=c, body="<p>later</p>", stance="for")
    with pytest.raises(NotAllowed):
        services.comment_edit(author=UserFactory(), comment=c, body="<p>not mine</p>", stance="for")


def test_delete_leaves_a_deleted_mark_and_keeps_replies_and_participation() -> None:
    c = comment()
    reply = comment(proposal=c.proposal, parent=c)
    services.comment_delete(author=c.author, comment=c)
    thread = debate_thread(c.proposal)
    assert thread[0].pk == c.pk and thread[0].deleted_at is not None
    assert thread[0].thread_replies[0].pk == reply.pk
    removed = events_of("comment.removed")[0]["data"]
    assert removed["reason"] == "deleted" and "deleted" in removed["html"]["en"]
    assert c.body not in removed["html"]["en"]
    # The row (and so its author, for the inclusion statistics) stays.
    assert Comment.objects.filter(author=c.author).count() == 1


def test_reactions_set_switch_unset_and_keep_counts_in_step() -> None:
    c = comment()
    ana, ben = UserFactory(), UserFactory()
    services.comment_react(user=ana, comment=c, value=1)
    services.comment_react(user=ben, comment=c, value=1)
    c.refresh_from_db()
    assert (c.agree_count, c.disagree_count) == (2, 0)
    services.comment_react(user=ana, comment=c, value=-1)  # switch
    c.refresh_from_db()
    assert (c.agree_count, c.disagree_count) == (1, 1)
    services.comment_react(user=ben, comment=c, value=1)  # the same again: a set, not a toggle (issue 13)
    c.refresh_from_db()
    assert (c.agree_count, c.disagree_count) == (1, 1)
    services.comment_react(user=ben, comment=c, value=0)  # take back
    c.refresh_from_db()
    assert (c.agree_count, c.disagree_count) == (0, 1)
    assert CommentReaction.objects.count() == 1
    last = events_of("comment.reactions")[-1]["data"]
    assert (last["agree"], last["disagree"]) == (0, 1)
    with pytest.raises(NotAllowed):
        services.comment_react(user=c.author, comment=c, value=1)
    with pytest.raises(ValidationError):
        services.comment_react(user=ana, comment=c, value=5)


def test_hide_and_restore_are_audited_and_resolve_flags() -> None:
    c = comment()
    reporter = UserFactory()
    services.comment_flag(reporter=reporter, comment=c, reason="Insulta a otros")
    with pytest.raises(Conflict):
        services.comment_flag(reporter=reporter, comment=c, reason="otra vez")
    mod = moderator()
    with pytest.raises(NotAllowed):
        services.comment_hide(moderator=UserFactory(), comment=c, reason="no")
    services.comment_hide(moderator=mod, comment=c, reason="Insultos")
    c.refresh_from_db()
    assert c.hidden_at is not None and c.hidden_reason == "Insultos"
    assert Flag.objects.get().resolved_by == mod
    assert debate_thread(c.proposal) == []  # hidden, no replies: gone from the thread
    assert events_of("comment.removed")[0]["data"]["reason"] == "hidden"
    services.comment_restore(moderator=mod, comment=c, reason="Revisado")
    assert [x.pk for x in debate_thread(c.proposal)] == [c.pk]
    assert events_of("comment.restored")[0]["data"]["comment"] == c.pk
    actions = list(AuditEntry.objects.filter(target_id=str(c.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["comment.hide", "comment.restore"]


def test_official_pin_and_lock() -> None:
    first = comment()
    second = comment(proposal=first.proposal)
    mod = moderator()
    services.comment_set_official(moderator=mod, comment=second, official=True)
    services.comment_set_pinned(moderator=mod, comment=second, pinned=True)
    thread = debate_thread(first.proposal)
    assert [c.pk for c in thread] == [second.pk, first.pk]
    assert "Official answer" in events_of("comment.edited")[0]["data"]["html"]["en"]
    reply = comment(proposal=first.proposal, parent=first)
    with pytest.raises(ValidationError):
        services.comment_set_pinned(moderator=mod, comment=reply, pinned=True)
    services.debate_set_locked(moderator=mod, proposal=first.proposal, locked=True, reason="Se desvió el debate")
    with pytest.raises(NotAllowed):
        services.comment_create(author=UserFactory(), proposal=first.proposal, body="Hola")
    assert events_of("debate.locked")[0]["data"]["locked"] is True
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "comment.official",
        "comment.pin",
        "debate.lock",
    }


def test_blocked_authors_comments_leave_the_thread_but_still_count() -> None:
    from proposals.services import user_block

    c = comment()
    kept = comment(proposal=c.proposal)
    user_block(user=c.author, actor=moderator(), reason="Spam")
    assert [x.pk for x in debate_thread(c.proposal)] == [kept.pk]
    removed = events_of("comment.removed")
    assert [(e["data"]["comment"], e["data"]["reason"]) for e in removed] == [(c.pk, "blocked")]
    assert Comment.objects.filter(author=c.author).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_events_are_sent_only_after_commit_and_never_on_rollback() -> None:
    proposal = ProposalFactory()
    author = UserFactory()
    with mock.patch("decide.live.publish.send_to_group_now") as send:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.comment_create(author=author, proposal=proposal, body="Hola")
            assert send.call_count == 0  # inside the transaction: nothing sent yet
            raise RuntimeError("rolled back")
        assert send.call_count == 0
        assert not Comment.objects.exists() and not ProposalEvent.objects.exists()
        services.comment_create(author=author, proposal=proposal, body="Hola")
        assert send.call_count == 1
        group, text = send.call_args.args
        assert group == f"proposal.{proposal.pk}" and decode(text)["kind"] == "comment.created"


def test_deleted_hidden_and_blocked_comments_still_count_as_debate_participation() -> None:
    from proposals.services import user_block
    from tests.factories import CensusRecordFactory, DistrictFactory, VerifiedUserFactory
    from votes.results.stats import DEBATING, process_stage_counts

    rural = DistrictFactory(area="rural")
    women = [VerifiedUserFactory(census_record=CensusRecordFactory(district=rural, gender="female")) for _ in range(3)]
    proposal = ProposalFactory()
    written = [services.comment_create(author=w, proposal=proposal, body=f"Opinión {n}") for n, w in enumerate(women)]
    mod = moderator()
    services.comment_delete(author=women[0], comment=written[0])
    services.comment_hide(moderator=mod, comment=written[1], reason="Fuera de tema")
    user_block(user=women[2], actor=mod, reason="Spam")
    assert debate_thread(proposal)[0].deleted_at is not None  # only the deleted mark is shown
    assert process_stage_counts(proposal.process)[DEBATING][("female", "rural")] == 3
