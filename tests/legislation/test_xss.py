"""The XSS corpus through every field a person writes in a bill's text, shown in Chromium (tests/security/xss.py).

Fields: the imported text itself (headings and articles, by an administrator), annotations (comment and
quoted passage), amendments (wording, justification), rejection reasons and version notes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, sync_playwright

from accounts.models import User
from accounts.roles import ADMINISTRATOR, MODERATOR
from legislation.models import Amendment, Section
from legislation.services import SectionInput, draft_create
from tests.factories import ProposalFactory, UserFactory, VerifiedUserFactory, legislation_draft

# The corpus and the renderer come from the security suite (tests/security/xss.py, added by its own issue).
xss = pytest.importorskip("tests.security.xss")
payloads = pytest.importorskip("tests.security.xss_payloads")
CHROMIUM, CHROMIUM_ARGS, Renderer, Visit = xss.CHROMIUM, xss.CHROMIUM_ARGS, xss.Renderer, xss.Visit
PAYLOADS, short = payloads.PAYLOADS, payloads.short

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def renderer(browser: Browser, settings: Any) -> Any:
    settings.RATELIMIT_ENABLE = False
    settings.DECIDE_REQUIRE_STAFF_MFA = False
    return Renderer(browser)


def _client(user: User | None = None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def write_bill(payloads: Sequence[str]) -> list[Any]:
    admin = UserFactory(roles=[ADMINISTRATOR])
    template = legislation_draft(articles=1, administrator=admin)
    sections = [SectionInput(kind="chapter", number="I", heading=short(payloads[0], 300), text="")]
    sections += [
        SectionInput(kind="article", number=str(n), heading=short(p, 300), text=p)
        for n, p in enumerate(payloads, start=1)
    ]
    dates = {
        name: getattr(template, name)
        for name in (
            "reading_opens",
            "annotation_opens",
            "annotation_closes",
            "amendments_opens",
            "amendments_closes",
            "final_text_on",
        )
    }
    draft = draft_create(
        actor=admin, proposal=ProposalFactory(kind="institutional", author=admin), sections=sections, **dates
    )
    anonymous = _client()
    return [
        Visit(anonymous, reverse("legislation:draft", args=[draft.pk])),
        Visit(anonymous, reverse("legislation:version", args=[draft.pk, 1])),
        Visit(_client(admin), reverse("legislation_admin:list")),
    ]


def write_participation(payloads: Sequence[str]) -> list[Any]:
    draft = legislation_draft(articles=3)
    article = Section.objects.filter(draft=draft, kind="article").first()
    assert article is not None
    annotate = reverse("legislation:annotate", args=[draft.pk, article.key])
    amend = reverse("legislation:amend", args=[draft.pk, article.key])
    visits: list[Any] = []
    for payload in payloads:
        citizen = _client(VerifiedUserFactory(display_name=short(payload, 80)))
        for quote in ("", payload):
            response = citizen.post(annotate, {"body": payload, "stance": "neutral", "quote": quote})
            assert response.status_code in (302, 400, 403), response.status_code
            if response.status_code != 302:
                visits.append(Visit(citizen, annotate, response))
        response = citizen.post(amend, {"text": payload, "justification": payload})
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            visits.append(Visit(citizen, amend, response))
    moderator = _client(UserFactory(roles=[MODERATOR]))
    amendments = list(Amendment.objects.filter(draft=draft))
    assert amendments, "no amendment was accepted"
    for amendment, reason in zip(amendments, payloads, strict=False):
        moderator.post(
            reverse("legislation:amendment_decide", args=[draft.pk, amendment.pk]),
            {"decision": "reject", "reason": reason},
        )
    anonymous = _client()
    visits += [Visit(anonymous, reverse("legislation:amendment", args=[draft.pk, a.pk])) for a in amendments]
    visits += [
        Visit(anonymous, reverse("legislation:draft", args=[draft.pk])),
        Visit(anonymous, reverse("legislation:article", args=[draft.pk, article.key])),
        Visit(anonymous, reverse("legislation:versions", args=[draft.pk])),
        Visit(anonymous, reverse("api:annotation_list", args=[draft.pk])),
    ]
    return visits


@pytest.mark.django_db
@pytest.mark.parametrize("write", [write_bill, write_participation], ids=["bill text", "annotations and amendments"])
def test_no_payload_runs_where_a_bill_field_is_shown(renderer: Any, write: Any) -> None:
    renderer.visit(write(PAYLOADS))
    assert not renderer.problems, "\n".join(renderer.problems[:40])
