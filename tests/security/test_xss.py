"""Every payload of the corpus through every user-writable field, the pages that show it rendered in Chromium.

Payloads go in the way a person sends them (Django's test client posting the real forms; poll texts are
an administrator's, written through the model as the admin form would); the pages are rendered by
Debian's Chromium with their real headers (tests/security/xss.py). The live path (a comment pushed over
the WebSocket into an open page) needs a real ASGI server, so that test runs on PostgreSQL with Redis.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connections
from django.http import HttpResponse
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Dialog, sync_playwright

from accounts.audit import audit_record
from accounts.audit_admin import PAGE_SIZE as AUDIT_PAGE_SIZE
from accounts.models import AuditEntry, CensusImport, User
from accounts.roles import ADMINISTRATOR, MODERATOR, OFFICER
from notifications.kinds import Kind
from notifications.models import Newsletter, Notification
from notifications.selectors import INBOX_PAGE
from proposals.debate.selectors import proposal_page_url
from proposals.models import Comment, Flag, Proposal, SignatureSheet
from tests.conftest import ON_POSTGRES
from tests.factories import (
    CensusRecordFactory,
    PollFactory,
    ProposalFactory,
    UserFactory,
    VerifiedUserFactory,
    process_page,
)
from tests.security.xss import CHROMIUM, CHROMIUM_ARGS, XSS_FIELDS, Renderer, Visit, XssField
from tests.security.xss_payloads import PAYLOADS, short

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}")
LIVE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "live-debate.js"


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls stay synchronous.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def renderer(browser: Browser, settings: Any) -> Renderer:
    settings.RATELIMIT_ENABLE = False  # a hundred comments from one person in a minute is the point here
    settings.DECIDE_REQUIRE_STAFF_MFA = False  # the admin pages are looked at, not their sign-in
    return Renderer(browser)


def _client(user: User | None = None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _rotate(payloads: Sequence[str], by: int) -> list[str]:
    return [payloads[(i + by) % len(payloads)] for i in range(len(payloads))]


def _assert_posted(response: Any, what: str) -> None:
    assert response.status_code in (200, 302, 400), f"{what}: answered {response.status_code}"
    assert response.status_code < 500


# --- the fields ------------------------------------------------------------------------------------------


def write_proposals(payloads: Sequence[str]) -> list[Visit]:
    """Title, summary and body by a citizen through the submit form; the search box of the list page."""
    process = process_page()
    author = UserFactory()
    writer = _client(author)
    base = process.get_url()
    submit = base + process.reverse_subpage("proposal_submit")
    refused = []
    for title, summary, body in zip(payloads, _rotate(payloads, 1), _rotate(payloads, 2), strict=True):
        response = writer.post(submit, {"title": short(title, 150), "summary": short(summary, 500), "body": body})
        _assert_posted(response, f"proposal {title!r}")
        if response.status_code == 400:  # empty once cleaned: refused, and the form shows what was typed
            refused.append(Visit(writer, submit, response))
    proposals = list(Proposal.objects.filter(process=process))
    # A sanity floor, not a rule: titles are plain text read until stable (decide.sanitize.plain_text), so a title
    # of entity-encoded markup ("&lt;script&gt;…") is now markup too and is refused when nothing else is left;
    # the refused forms are visited as well (they echo what was typed).
    assert len(proposals) > len(payloads) // 4, f"only {len(proposals)} proposals were accepted"
    visits = [
        *refused,
        # Fetched now: once published (below) the author may no longer edit it.
        Visit(
            writer,
            edit := base + process.reverse_subpage("proposal_edit", kwargs={"proposal_id": proposals[0].pk}),
            writer.get(edit),
        ),
    ]
    Proposal.objects.filter(process=process).update(status="published", published_at=timezone.now())
    anonymous = _client()
    pages = (len(payloads) + 19) // 20
    visits += [Visit(anonymous, f"{base}?page={n}") for n in range(1, pages + 1)]
    visits += [Visit(anonymous, proposal_page_url(p)) for p in proposals]
    query = reverse("api:proposal_list")
    visits.append(Visit(anonymous, query))
    from urllib.parse import urlencode

    # A double quote in the search box is a separate defect on SQLite (test_search_box_takes_any_text).
    searched = [p for p in payloads if '"' not in p or ON_POSTGRES]
    visits += [Visit(anonymous, f"{base}?{urlencode({'q': short(p, 200)})}") for p in searched]
    return visits


def write_debate(payloads: Sequence[str]) -> list[Visit]:
    """Display names, comments, edits, flag reasons and moderation reasons, each through its form."""
    proposal = ProposalFactory()
    moderator = UserFactory(roles=[MODERATOR])
    moderating = _client(moderator)
    create = reverse("proposals:comment_create", kwargs={"proposal_id": proposal.pk})
    clients, refused = [], []
    reporter = _client(UserFactory())
    for name, body in zip(payloads, _rotate(payloads, 3), strict=True):
        client = _client(UserFactory())
        _assert_posted(
            client.post(reverse("accounts:profile"), {"display_name": short(name, 80), "declared_gender": ""}),
            "profile",
        )
        response = client.post(create, {"body": body, "stance": "for"})
        _assert_posted(response, f"comment {body!r}")
        if response.status_code == 400:  # empty once cleaned: refused, and the form shows what was typed
            refused.append(Visit(client, create, response))
        else:
            clients.append(client)
    comments = list(Comment.objects.filter(proposal=proposal).order_by("pk"))
    assert len(comments) == len(clients) > len(payloads) // 3, f"only {len(comments)} comments were accepted"
    for client, comment, edited, reason in zip(clients, comments, _rotate(payloads, 5), _rotate(payloads, 7)):  # noqa: B905
        url = reverse("proposals:comment_edit", kwargs={"comment_id": comment.pk})
        response = client.post(url, {"body": edited, "stance": "against"})
        _assert_posted(response, "edit")
        if response.status_code == 400:
            refused.append(Visit(client, url, response))
        flag = reverse("proposals:comment_flag", kwargs={"comment_id": comment.pk})
        response = reporter.post(flag, {"reason": short(reason, 1000)})
        _assert_posted(response, "flag")
        if response.status_code == 400:
            refused.append(Visit(reporter, flag, response))
    assert Flag.objects.filter(comment__proposal=proposal).exists()
    for comment, reason in zip(comments[::4], _rotate(payloads, 11)[::4], strict=False):
        url = reverse("proposals:comment_moderate", kwargs={"comment_id": comment.pk})
        _assert_posted(moderating.post(url, {"action": "hide", "reason": short(reason, 500)}), "hide")
    anonymous = _client()
    page_url = proposal_page_url(proposal)
    pages = (len(payloads) + 19) // 20
    visits = refused + [Visit(anonymous, f"{page_url}?page={n}") for n in range(1, pages + 1)]
    visits += [Visit(clients[1], f"{page_url}?page={n}") for n in range(1, pages + 1)]
    visits += [Visit(moderating, reverse("debate_moderation:queue"))]
    visits += [
        Visit(reporter, reverse("proposals:comment_flag", kwargs={"comment_id": comments[i].pk}))
        for i in range(1, len(comments), 9)
    ]
    visits += [
        Visit(clients[i], reverse("proposals:comment_edit", kwargs={"comment_id": comments[i].pk}))
        for i in range(1, len(comments), 3)
        if i % 4  # every fourth comment was hidden by the moderator: its author may no longer edit it
    ]
    visits += [Visit(moderating, reverse("proposals:comment_moderate", kwargs={"comment_id": comments[0].pk}))]
    return visits


def write_proposal_moderation(payloads: Sequence[str]) -> list[Visit]:
    """Flag reasons on proposals (citizens) and hide reasons (a moderator), on the moderation screens."""
    process = process_page()
    moderator = UserFactory(roles=[MODERATOR])
    moderating = _client(moderator)
    proposals = [ProposalFactory(process=process, title=f"Propuesta {i}") for i in range(0, len(payloads), 10)]
    reporter = _client(UserFactory())
    for i, reason in enumerate(payloads):
        proposal = proposals[i // 10]
        flag_url = process.get_url() + process.reverse_subpage("proposal_flag", kwargs={"proposal_id": proposal.pk})
        _assert_posted(_client(UserFactory()).post(flag_url, {"reason": short(reason, 1000)}), "flag")
    hidden = proposals[-1]
    hide = reverse("proposals_moderation:hide", kwargs={"pk": hidden.pk})
    _assert_posted(moderating.post(hide, {"reason": short(payloads[0], 1000)}), "hide")
    del reporter
    visits = [Visit(moderating, reverse("proposals_moderation:queue"))]
    visits += [Visit(moderating, reverse("proposals_moderation:detail", kwargs={"pk": p.pk})) for p in proposals]
    return visits


def write_polls(payloads: Sequence[str]) -> list[Visit]:
    """Poll title, description and option labels, an administrator's texts."""
    from votes.models import Option

    verified = _client(VerifiedUserFactory())
    process = process_page(phases_open=("vote",))
    visits = []
    for start in range(0, len(payloads), 10):
        chunk = payloads[start : start + 10]
        poll = PollFactory(process=process, title=short(chunk[0], 200), description="\n".join(chunk))
        question = poll.questions.get()
        question.text = short(chunk[-1], 300)
        question.save()
        for position, label in enumerate(chunk, start=3):
            Option.objects.create(question=question, label=short(label, 200), position=position)
        visits += [
            Visit(verified, reverse("votes:detail", kwargs={"poll_id": poll.pk})),
            Visit(verified, reverse("votes:ballot", kwargs={"poll_id": poll.pk})),
        ]
    anonymous = _client()
    visits += [Visit(anonymous, reverse("votes:list")), Visit(anonymous, process.get_url())]
    return visits


def write_census_import(payloads: Sequence[str]) -> list[Visit]:
    """An administrator's census file whose cells are payloads: the import lists each row's problem."""
    from accounts.admin_views import _run_import, _store_upload

    administrator = _client(UserFactory(roles=[ADMINISTRATOR]))
    rows = ["document_number,birth_date,district_code,gender"]
    for payload in payloads:
        cell = '"' + payload.replace('"', '""') + '"'
        rows.append(f"{cell},{cell},{cell},{cell}")
    upload = io.BytesIO(("\n".join(rows) + "\n").encode())
    upload.name = "padron.csv"
    response = administrator.post(reverse("census:import"), {"file": upload})
    _assert_posted(response, "census upload")
    census_import = CensusImport.objects.latest("created_at")
    if census_import.status not in ("done", "rejected"):
        # The upload's task runs after commit; this test's transaction never commits, so run it here.
        upload.seek(0)
        from django.core.files.uploadedfile import SimpleUploadedFile

        _run_import(census_import.pk, _store_upload(SimpleUploadedFile("padron.csv", upload.read())))
    census_import.refresh_from_db()
    assert census_import.problems, "the census import found no problem in a file of payloads"
    return [Visit(administrator, reverse("census:import_detail", kwargs={"pk": census_import.pk}))]


def write_booths(payloads: Sequence[str]) -> list[Visit]:
    """An officer's booth names and locations, and the notes of paper tallies."""
    from votes.models import Booth

    officer_user = UserFactory(roles=[OFFICER])
    officer = _client(officer_user)
    poll = PollFactory()
    booths_url = reverse("votes:booth_list", kwargs={"poll_id": poll.pk})
    visits = []
    for name, location in zip(payloads, _rotate(payloads, 1), strict=True):
        response = officer.post(booths_url, {"name": short(name, 120), "location": short(location, 200)})
        _assert_posted(response, f"booth {name!r}")
        if response.status_code == 400:
            visits.append(Visit(officer, booths_url, response))
    booths = list(Booth.objects.filter(poll=poll))
    assert len(booths) > len(payloads) // 3, f"only {len(booths)} booths were opened"
    visits.append(Visit(officer, booths_url))
    visits += [
        Visit(officer, reverse("votes:booth_desk", kwargs={"poll_id": poll.pk, "booth_id": b.pk})) for b in booths[::7]
    ]
    closed = PollFactory(opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(hours=1))
    booth = Booth.objects.create(poll=closed, name="Mesa 1", opened_by=officer_user)
    tally = reverse("votes:booth_tally", kwargs={"poll_id": closed.pk, "booth_id": booth.pk})
    counts = {f"option_{o.pk}": 3 for o in closed.questions.get().options.all()}
    for count, note in enumerate(payloads[::6], start=1):
        response = officer.post(tally, {**counts, "note": short(note, 300), **dict.fromkeys(counts, count)})
        _assert_posted(response, f"tally note {note!r}")
        visits.append(Visit(officer, tally, officer.get(tally) if response.status_code == 302 else response))
    return visits


def write_proposal_reasons(payloads: Sequence[str]) -> list[Visit]:
    """An author's withdrawal reason and a moderator's debate-lock reason, on the proposal page."""
    process = process_page()
    author = UserFactory()
    writer, moderating = _client(author), _client(UserFactory(roles=[MODERATOR]))
    anonymous = _client()
    visits = []
    for reason in payloads[::5]:
        withdrawn = ProposalFactory(process=process, author=author)
        locked = ProposalFactory(process=process, author=author)
        url = process.get_url() + process.reverse_subpage("proposal_withdraw", kwargs={"proposal_id": withdrawn.pk})
        response = writer.post(url, {"reason": short(reason, 1000)})
        _assert_posted(response, f"withdraw {reason!r}")
        lock = reverse("proposals:debate_lock", kwargs={"proposal_id": locked.pk})
        response = moderating.post(lock, {"locked": "on", "reason": short(reason, 500)})
        _assert_posted(response, f"lock {reason!r}")
        visits += [Visit(anonymous, proposal_page_url(withdrawn)), Visit(anonymous, proposal_page_url(locked))]
    return visits


def write_signup(payloads: Sequence[str]) -> list[Visit]:
    """The public name chosen at sign-up: a refused one is shown again in the form, an accepted one in the
    profile and beside the person's comment. Each person signs up from their own address (one phone each)."""
    proposal = ProposalFactory()
    create = reverse("proposals:comment_create", kwargs={"proposal_id": proposal.pk})
    password = "Quipu-Trujillo-2027"
    visits = []
    for n, name in enumerate(payloads):
        email = f"signup-xss-{n}@example.org"
        client = Client(raise_request_exception=False, REMOTE_ADDR=f"10.17.{n // 250}.{n % 250 + 1}")
        data = {"email": email, "display_name": short(name, 80), "password1": password, "password2": password}
        response = client.post("/accounts/signup/", data)
        _assert_posted(response, f"sign-up {name!r}")
        person = User.objects.filter(email=email).first()
        if person is None:
            visits.append(Visit(client, "/accounts/signup/", response))
            continue
        EmailAddress.objects.filter(user=person).update(verified=True)  # as if the link in the email was followed
        signed_in = _client(person)
        _assert_posted(signed_in.post(create, {"body": "Apoyo esta propuesta.", "stance": "for"}), "comment")
        if n % 4 == 0:
            visits.append(Visit(signed_in, reverse("accounts:profile")))
    assert User.objects.filter(email__startswith="signup-xss-").count() > len(payloads) // 3
    pages = (len(payloads) + 19) // 20
    visits += [Visit(_client(), f"{proposal_page_url(proposal)}?page={n}") for n in range(1, pages + 1)]
    return visits


def write_officer_desk(payloads: Sequence[str]) -> list[Visit]:
    """The officer desk: the public name of a person registered there and the place the officer types."""
    officer = _client(UserFactory(roles=[OFFICER]))
    desk = reverse("accounts:desk")
    visits = []
    for name, location in zip(payloads, _rotate(payloads, 1), strict=True):
        document = f"71{len(visits):06d}"
        record = CensusRecordFactory(document=document)
        data = {
            "document_number": document,
            "birth_date": record.birth_date.isoformat(),
            "location": short(location, 200),
            "display_name": short(name, 80),
            "phone": "",
        }
        response = officer.post(desk, data)
        _assert_posted(response, f"desk {name!r} at {location!r}")
        visits.append(Visit(officer, desk, response))  # the code issued, or the form re-shown with its refusal
    assert AuditEntry.objects.filter(action="desk.person_registered").count() > len(payloads) // 3
    # The visit under way (the last person) as the desk and the acts done for that person show it.
    visits += [
        Visit(officer, desk),
        Visit(officer, reverse("proposals:desk_support")),
        Visit(officer, reverse("proposals:desk_propose")),
        Visit(officer, reverse("accounts:desk_acts")),
        Visit(_client(UserFactory(roles=[ADMINISTRATOR])), reverse("accounts:desk_acts")),
    ]
    return visits


def write_signature_sheets(payloads: Sequence[str]) -> list[Visit]:
    """A paper signature sheet's number and place (an officer), on the sheet page; typed rows echoed on refusal."""
    officer = _client(UserFactory(roles=[OFFICER]))
    proposal = ProposalFactory()
    enter = reverse("proposals:sheet_new", kwargs={"proposal_id": proposal.pk})
    supporter = CensusRecordFactory(document=(supporter_document := "72000001"))
    visits = []
    for reference, location in zip(payloads, _rotate(payloads, 2), strict=True):
        row = {"document_1": supporter_document, "birth_1": supporter.birth_date.strftime("%d/%m/%Y")}
        response = officer.post(enter, {"reference": short(reference, 40), "location": short(location, 200), **row})
        _assert_posted(response, f"sheet {reference!r} at {location!r}")
        if response.status_code == 302:
            visits.append(Visit(officer, response["Location"]))
        else:
            visits.append(Visit(officer, enter, response))
    assert SignatureSheet.objects.filter(proposal=proposal).count() > len(payloads) // 3
    # Rows typed as payloads, the place left empty: refused, and the form shows every row as typed.
    for chunk in range(0, len(payloads), 20):
        rows = {}
        for line, payload in enumerate(payloads[chunk : chunk + 20], start=1):
            rows[f"document_{line}"], rows[f"birth_{line}"] = short(payload, 30), short(payload, 10)
        response = officer.post(enter, {"reference": "", "location": "", **rows})
        assert response.status_code == 400, response.status_code
        visits.append(Visit(officer, enter, response))
    visits.append(Visit(officer, reverse("accounts:desk_acts")))
    return visits


def write_notifications(payloads: Sequence[str]) -> list[Visit]:
    """In-app notifications built from a proposal's title and a replier's display name (a reply to a comment)."""
    recipient = UserFactory()
    reader = _client(recipient)
    for title, name in zip(payloads, _rotate(payloads, 4), strict=True):
        proposal = ProposalFactory(title=short(title, 150))
        replier = _client(UserFactory(display_name=short(name, 80)))
        create = reverse("proposals:comment_create", kwargs={"proposal_id": proposal.pk})
        with TestCase.captureOnCommitCallbacks(execute=True):
            first = reader.post(create, {"body": "Primero", "stance": "for"})
        assert first.status_code in (200, 302), first.status_code
        parent = Comment.objects.filter(proposal=proposal, author=recipient).get()
        with TestCase.captureOnCommitCallbacks(execute=True):
            reply = replier.post(create, {"body": "Respuesta", "stance": "against", "parent": parent.pk})
        assert reply.status_code in (200, 302), reply.status_code
    told = Notification.objects.filter(recipient=recipient, kind=Kind.COMMENT_REPLY).count()
    assert told == len(payloads), f"{told} notifications for {len(payloads)} replies"
    pages = (len(payloads) + INBOX_PAGE - 1) // INBOX_PAGE
    return [Visit(reader, f"{reverse('notifications:list')}?page={n}") for n in range(1, pages + 1)]


def _contentstate(texts: Sequence[str], links: Sequence[str]) -> str:
    """Draftail's format (what the admin's rich-text editor posts): one paragraph per text, a link per paragraph."""
    blocks, entities = [], {}
    for n, (text, url) in enumerate(zip(texts, links, strict=True)):
        entities[str(n)] = {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url}}
        blocks.append(
            {
                "key": f"b{n}",
                "type": ("unstyled", "header-two", "unordered-list-item")[n % 3],
                "depth": 0,
                "text": text,
                "inlineStyleRanges": [{"offset": 0, "length": min(3, len(text)), "style": "BOLD"}],
                "entityRanges": [{"offset": 0, "length": len(text), "key": n}] if text else [],
                "data": {},
            }
        )
    return json.dumps({"blocks": blocks, "entityMap": entities})


def write_newsletters(payloads: Sequence[str]) -> list[Visit]:
    """Newsletters an administrator writes in the Wagtail admin (subject, rich text with links), then sends."""
    # A superuser: no migration gives the administrator group the newsletter permissions Wagtail's snippet
    # views check, so a plain administrator is sent back from the add form (reported, notifications' to fix).
    administrator = UserFactory(roles=[ADMINISTRATOR], is_superuser=True)
    admin = _client(administrator)
    reader = UserFactory()
    add = reverse("wagtailsnippets_notifications_newsletter:add")
    visits: list[Visit] = []
    for n, subject in enumerate(payloads):
        chunk = _rotate(payloads, n)[:5]
        body = _contentstate(chunk, _rotate(payloads, n + 1)[:5])
        # The admin form also shows status, recipient count and creation time (reported): posted as it shows them.
        shown = {"status": "draft", "recipient_count": "0", "created_at": timezone.now().strftime("%Y-%m-%d %H:%M")}
        response = admin.post(add, {"subject": short(subject, 150), "body": body, "segment": "everyone", **shown})
        # Refused (200, the form re-shown: a NUL, an escape sequence Draftail's text keeps) or saved (302). The
        # editor itself is not rendered: its process chooser's inline initialiser is blocked by the admin CSP
        # whatever the text (reported), which would hide what a payload does.
        assert response.status_code in (200, 302), f"newsletter {subject!r}: answered {response.status_code}"
    newsletters = list(Newsletter.objects.order_by("pk"))
    assert len(newsletters) > len(payloads) // 3, f"only {len(newsletters)} newsletters were saved"
    for newsletter in newsletters:
        send = reverse("notifications_newsletter_send", args=[newsletter.pk])
        visits.append(Visit(admin, send))  # the preview (the stored body, shown as HTML) before sending
        with TestCase.captureOnCommitCallbacks(execute=True):
            admin.post(send, {"action": "test"})
            admin.post(send, {"action": "send"})
    visits.append(Visit(admin, reverse("wagtailsnippets_notifications_newsletter:list")))
    # The email's HTML part, as a mail client would show it (no CSP there: nothing may even be present).
    emails = [m for m in mail.outbox if m.alternatives]
    assert emails, "no newsletter email was sent"
    visits += [
        Visit(admin, f"/email/{n}/", HttpResponse(f"<!doctype html><html><body>{html}</body></html>"))
        for n, html in enumerate(dict.fromkeys(str(m.alternatives[0][0]) for m in emails))
    ]
    pages = (len(newsletters) + INBOX_PAGE - 1) // INBOX_PAGE
    reading = _client(reader)
    visits += [Visit(reading, f"{reverse('notifications:list')}?page={n}") for n in range(1, pages + 1)]
    return visits


def write_followup(payloads: Sequence[str]) -> list[Visit]:
    """Official answer text and responsible body, milestone description, a picture's alternative text (issue 20)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.proposals.followup.files import png

    process = process_page()
    admin = _client(UserFactory(roles=[ADMINISTRATOR]))
    anonymous = _client()
    visits = []
    for text, body, note in list(zip(payloads, _rotate(payloads, 1), _rotate(payloads, 2), strict=True))[::4]:
        proposal = ProposalFactory(process=process, status="accepted")
        base = process.get_url() + f"{proposal.pk}/"
        answered = admin.post(
            base + "answer/",
            {"state": "accepted", "text": text, "responsible_body": short(body, 200), "answered_on": "2026-12-01"},
        )
        _assert_posted(answered, f"answer {text!r}")
        if answered.status_code == 400:  # nothing left once cleaned: the form shows what was typed
            visits.append(Visit(admin, base + "answer/", answered))
        milestone = admin.post(
            base + "milestones/",
            {"date": "2027-01-01", "description": short(note, 2000), "progress": 40, "status": "in_progress"},
        )
        _assert_posted(milestone, f"milestone {note!r}")
        picture = SimpleUploadedFile("foto.png", png())
        attached = admin.post(base + "attachments/", {"document": picture, "alt_text": short(body, 250)})
        _assert_posted(attached, f"alt text {body!r}")
        visits += [Visit(anonymous, base), Visit(admin, base + "answer/")]
    visits.append(Visit(anonymous, process.get_url() + "outcomes/"))
    return visits


def write_followup_changes(payloads: Sequence[str]) -> list[Visit]:
    """A corrected milestone's description; a document renamed, a picture described anew (their edit forms)."""
    import io

    from proposals.followup import services as followup
    from proposals.followup.models import Attachment, Milestone
    from tests.proposals.followup.files import pdf, png

    process = process_page()
    user = UserFactory(roles=[ADMINISTRATOR])
    admin = _client(user)
    anonymous = _client()
    visits = []
    for note, name, alt in list(zip(payloads, _rotate(payloads, 1), _rotate(payloads, 2), strict=True))[::4]:
        proposal = ProposalFactory(process=process, status="accepted")
        milestone = Milestone.objects.create(
            proposal=proposal,
            date=timezone.localdate(),
            description="Obra",
            progress=10,
            status="planned",
            created_by=user,
        )
        document = followup.attachment_add(
            proposal=proposal, actor=user, upload=followup.Upload(file=io.BytesIO(pdf()), name="acta.pdf")
        )
        picture = followup.attachment_add(
            proposal=proposal,
            actor=user,
            upload=followup.Upload(file=io.BytesIO(png()), name="foto.png", alt_text="Foto"),
        )
        edit = reverse("proposals:milestone_edit", args=[milestone.pk])
        data = {"date": "2027-01-01", "description": short(note, 2000), "progress": 50, "status": "in_progress"}
        edited = admin.post(edit, data)
        _assert_posted(edited, f"milestone {note!r}")
        renamed = admin.post(reverse("proposals:attachment_edit", args=[document.pk]), {"name": short(name, 200)})
        _assert_posted(renamed, f"document name {name!r}")
        described = admin.post(
            reverse("proposals:attachment_edit", args=[picture.pk]),
            {"name": short(name, 200), "alt_text": short(alt, 250)},
        )
        _assert_posted(described, f"alt text {alt!r}")
        base = process.get_url() + f"{proposal.pk}/"
        visits += [
            Visit(anonymous, base),
            Visit(admin, base),
            Visit(admin, edit),
            Visit(admin, reverse("proposals:milestone_delete", args=[milestone.pk])),
            Visit(admin, reverse("proposals:attachment_edit", args=[picture.pk])),
            Visit(admin, reverse("proposals:attachment_delete", args=[document.pk])),
        ]
        for response, url in ((edited, edit), (renamed, reverse("proposals:attachment_edit", args=[document.pk]))):
            if response.status_code == 400:  # nothing left once cleaned: the form again, with what was typed
                visits.append(Visit(admin, url, response))
    assert Attachment.objects.filter(proposal__process=process).exists()
    return visits


def write_audit_log(payloads: Sequence[str]) -> list[Visit]:
    """Reasons and details in the audit log (administrators' view), and its filter echoing what was typed."""
    moderator = UserFactory(roles=[MODERATOR])
    administrator = _client(UserFactory(roles=[ADMINISTRATOR]))
    hidden = ProposalFactory()
    hide = reverse("proposals_moderation:hide", kwargs={"pk": hidden.pk})
    _assert_posted(_client(moderator).post(hide, {"reason": short(payloads[0], 1000)}), "hide")
    for text in payloads:  # the writer every moderation and administration service calls
        audit_record(actor=moderator, action="proposal.hide", target=hidden, reason=text, detail={"title": text})
    index = reverse("audit_log:index")
    pages = -(-(len(payloads) + 1) // AUDIT_PAGE_SIZE)
    visits = [Visit(administrator, f"{index}?page={n}") for n in range(1, pages + 1)]
    visits += [Visit(administrator, f"{index}?{urlencode({'actor': short(p, 150)})}") for p in payloads[::7]]
    return visits


XSS_FIELDS.extend(
    [
        XssField("proposal title, summary, body; list search box", write_proposals),
        XssField("display name, comment, comment edit, comment flag and moderation reasons", write_debate),
        XssField("proposal flag reason, hide reason", write_proposal_moderation),
        XssField("poll title, description, question and options (administrator)", write_polls),
        XssField("census import problems echo", write_census_import),
        XssField("booth name and location, paper tally note (officer)", write_booths),
        XssField("withdrawal reason, debate lock reason", write_proposal_reasons),
        XssField("public name chosen at sign-up", write_signup),
        XssField("officer desk: public name of a person registered, place (officer)", write_officer_desk),
        XssField("paper signature sheet: number, place, typed rows (officer)", write_signature_sheets),
        XssField("in-app notification text (proposal title, replier's name)", write_notifications),
        XssField("newsletter subject and rich text (administrator), its email", write_newsletters),
        XssField("official answer, responsible body, milestone, picture alt text (administrator)", write_followup),
        XssField(
            "corrected milestone, renamed document, picture described anew (administrator)", write_followup_changes
        ),
        XssField("audit log reasons and details, its filter (administrator)", write_audit_log),
    ]
)


@pytest.mark.django_db
@pytest.mark.parametrize("xss_field", XSS_FIELDS, ids=[f.name for f in XSS_FIELDS])
def test_no_payload_runs_where_the_field_is_shown(renderer: Renderer, xss_field: XssField) -> None:
    renderer.visit(xss_field.write(PAYLOADS))
    assert not renderer.problems, f"{xss_field.name}: {len(renderer.problems)} problem(s):\n" + "\n".join(
        renderer.problems[:40]
    )


@pytest.mark.django_db
def test_forms_echo_what_was_typed_without_running_it(renderer: Renderer) -> None:
    """Verification, assisted verification and the booth lookup re-show a refused input: escaped."""
    citizen = _client(UserFactory())
    url = reverse("accounts:verify")
    renderer.show(url, (citizen.post(url, {"document_number": p, "birth_date": p}) for p in PAYLOADS))
    officer_user = UserFactory(roles=[OFFICER])
    officer = _client(officer_user)
    url = reverse("accounts:assisted_verify")
    renderer.show(
        url,
        (
            officer.post(url, {"document_number": p, "birth_date": p, "location": short(q, 120), "account_email": p})
            for p, q in zip(PAYLOADS[::3], _rotate(PAYLOADS, 1)[::3], strict=True)
        ),
    )
    from votes.models import Booth

    poll = PollFactory()
    booth = Booth.objects.create(poll=poll, name="Mesa 1", opened_by=officer_user)
    url = reverse("votes:booth_desk", kwargs={"poll_id": poll.pk, "booth_id": booth.pk})
    renderer.show(url, (officer.post(url, {"document_number": p, "birth_date": p}) for p in PAYLOADS[::3]))
    assert not renderer.problems, "\n".join(renderer.problems[:40])


@pytest.mark.django_db
def test_search_box_takes_any_text() -> None:
    """Found by the corpus: an unbalanced double quote was an FTS syntax error on SQLite (now words only)."""
    from urllib.parse import urlencode

    ProposalFactory(process=(process := process_page()), title="Agua para la sierra")
    anonymous = _client()
    statuses = {p: anonymous.get(f"{process.get_url()}?{urlencode({'q': p})}").status_code for p in PAYLOADS}
    assert all(status == 200 for status in statuses.values()), {p: s for p, s in statuses.items() if s != 200}


def test_the_renderer_sees_what_a_payload_would_do(browser: Browser) -> None:
    """The detector itself: unescaped payloads in a page with no CSP must be caught, each of them."""
    renderer = Renderer(browser)
    for payload in ("<img src=x onerror=alert(1)>", "<a href=javascript:alert(1)>x</a>", "<script>alert(1)</script>"):
        renderer.problems.clear()
        renderer.show("/t/", [HttpResponse(f"<!doctype html><html><body><main>{payload}</main></body></html>")])
        assert renderer.problems, f"the renderer missed {payload!r}"
    renderer.problems.clear()
    page = HttpResponse(b"<!doctype html><body><img src=x onerror=alert(1)></body>")
    page["Content-Security-Policy"] = "script-src 'self'"
    renderer.show("/t/", [page])
    assert any("CSP" in problem for problem in renderer.problems), renderer.problems


# --- the live path -----------------------------------------------------------------------------------------


def _in_thread(function: Any) -> Any:
    """Database work away from Playwright's event loop, committed, so the server process sees it."""

    def run() -> Any:
        try:
            return function()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _comment_or_refusal(author: User, proposal: Proposal, body: str, index: int) -> int:
    """1 when the comment was posted (and so pushed live), 0 when refused as empty once cleaned."""
    from django.core.exceptions import ValidationError

    from proposals.debate import services as debate_services

    try:
        debate_services.comment_create(
            author=author, proposal=proposal, body=body, stance=("for", "against")[index % 2]
        )
    except ValidationError:
        return 0
    return 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_comments_pushed_live_into_an_open_page_do_not_run(browser: Browser) -> None:
    from playwright.sync_api import expect

    from tests.proposals.helpers import asgi_server

    proposal = ProposalFactory()
    authors = [UserFactory(display_name=short(p, 80)) for p in PAYLOADS[:40]]
    path = proposal_page_url(proposal)
    problems: list[str] = []
    with asgi_server() as port:
        context = browser.new_context()
        context.add_init_script(
            "window.__xss=[];for(const n of ['alert','confirm','prompt','print'])"
            "{window[n]=(...a)=>window.__xss.push(n+'('+a.join(',')+')')}"
            ";document.addEventListener('securitypolicyviolation',"
            "e=>window.__xss.push('CSP '+e.violatedDirective),true)"
        )
        context.route(
            "**/static/js/live-*.js",
            lambda route: route.fulfill(path=str(LIVE_JS.parent / route.request.url.split("?")[0].rsplit("/", 1)[-1])),
        )
        page = context.new_page()

        def on_dialog(dialog: Dialog) -> None:
            problems.append(f"a {dialog.type} dialog opened: {dialog.message!r}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(f"http://127.0.0.1:{port}{path}")
        expect(page.locator("[data-role=live-status]")).to_contain_text("Live", timeout=15_000)
        created = 0
        for index, body in enumerate(PAYLOADS[:80]):
            created += _in_thread(lambda a=authors[index % 40], b=body, n=index: _comment_or_refusal(a, proposal, b, n))
        # The count reads "28 comments" (its plural form moves with it): the number is what arrived live.
        expect(page.locator("[data-role=comment-count]")).to_have_text(re.compile(rf"^\s*{created}\b"), timeout=30_000)
        page.wait_for_timeout(300)
        from tests.security.xss import _SCAN

        problems += page.evaluate(_SCAN, "")
        context.close()
    assert not problems, "\n".join(problems[:40])


@pytest.mark.django_db
def test_texted_payloads_keep_words_only_and_no_page_shows_text_messages(settings: Any) -> None:
    """The SMS channel (proposals.offline.sms_inbound_handle): what a person texts is kept only as its first word
    (letters and digits) and the reply is plain text for the phone, with a proposal's title unescaped in it. No page
    renders the stored messages today (no admin, no snippet, no template): when one does, add its field above."""
    from django.contrib import admin
    from wagtail.snippets.models import get_snippet_models

    from accounts.sms import InboundSms
    from proposals.models import SmsInbound
    from proposals.offline.services import sms_inbound_handle

    settings.SMS_INBOUND_RATE_PER_HOUR = 10 * len(PAYLOADS)
    person = VerifiedUserFactory(phone="+51987000999", phone_confirmed_at=timezone.now())
    for n, payload in enumerate(PAYLOADS):
        entry = sms_inbound_handle(message=InboundSms(message_id=f"xss-{n}", phone="+51987000999", text=payload))
        assert entry.keyword.isalnum() or entry.keyword == "", entry.keyword
        assert entry.keyword == entry.keyword.upper() and entry.keyword.isascii()
    proposal = ProposalFactory(title=short(PAYLOADS[0], 150))
    entry = sms_inbound_handle(
        message=InboundSms(message_id="xss-support", phone=person.phone or "", text=f"APOYO {proposal.short_code}")
    )
    assert PAYLOADS[0][:60] in entry.reply, entry.reply  # plain text: an SMS is not HTML
    assert SmsInbound not in admin.site._registry and SmsInbound not in get_snippet_models()
