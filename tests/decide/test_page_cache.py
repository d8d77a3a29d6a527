"""The shared cache of anonymous pages (decide.cache_pages): what the speed of anonymous pages relies on.

- no stale page after a write: every live event kind, and each real write a visitor sees
  (comment, support, status, results, an editor publishing), is on the next load;
- no page of one person served to another: signed-in people neither read nor fill the cache;
- no CSRF token or personal header in the cache; each visitor's token works for that visitor only;
- one page per language.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import _unmask_cipher_token  # type: ignore[attr-defined]
from django.test import Client
from django.urls import reverse

from decide import cache_pages
from legislation import events as legislation_events
from proposals import events as proposal_events
from proposals import services
from proposals.debate import services as debate_services
from proposals.models import Proposal, ProposalStatus
from tests.factories import (
    CommentFactory,
    ProposalFactory,
    UserFactory,
    VerifiedUserFactory,
    legislation_draft,
    process_page,
)
from tests.votes.helpers import closed_poll
from votes.results.publication import poll_results_publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "page_cache")]

TOKEN_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture
def page_cache(settings: Any) -> None:
    settings.PAGE_CACHE_ENABLED = True


def visitor(language: str = "en") -> Client:
    return Client(headers={"accept-language": language})


def state(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.headers.get("X-Page-Cache", "none"))


def warm(url: str) -> str:
    """Load `url` twice as an anonymous visitor: the second answer comes from the cache."""
    assert state(visitor().get(url)) == "miss"
    second = visitor().get(url)
    assert state(second) == "hit"
    return second.content.decode()


def urls_of(proposal: Proposal) -> list[str]:
    return [proposal.process.url, proposal.process.url + f"{proposal.pk}/"]


def test_an_anonymous_page_is_stored_once_and_served_alike() -> None:
    proposal = ProposalFactory(title="Riego para Otuzco")
    for url in urls_of(proposal):
        first = visitor().get(url)
        assert state(first) == "miss"
        again = visitor().get(url)
        assert state(again) == "hit"
        # The same page, but for the CSRF token each visitor gets.
        assert TOKEN_FIELD.sub("", again.content.decode()) == TOKEN_FIELD.sub("", first.content.decode())
        assert "Riego para Otuzco" in again.content.decode()


def test_signed_in_people_neither_read_nor_fill_the_cache() -> None:
    proposal = ProposalFactory()
    signed_in = Client(headers={"accept-language": "en"})
    signed_in.force_login(UserFactory())
    personal = reverse("notifications:list")  # her header: notifications, sign out
    for url in urls_of(proposal):
        mine = signed_in.get(url)
        assert mine.status_code == 200 and "X-Page-Cache" not in mine.headers
        assert personal in mine.content.decode()
        # Nothing of hers was stored: the next anonymous visitor renders the page afresh.
        anonymous = visitor().get(url)
        assert state(anonymous) == "miss" and personal not in anonymous.content.decode()
        # A cached anonymous page is not served to her either.
        assert state(visitor().get(url)) == "hit"
        again = signed_in.get(url)
        assert "X-Page-Cache" not in again.headers and personal in again.content.decode()


def test_a_visitor_with_a_session_or_messages_is_not_served_from_the_cache() -> None:
    proposal = ProposalFactory()
    url = proposal.process.url
    warm(url)
    for cookie in ("sessionid", "messages"):
        client = visitor()
        client.cookies[cookie] = "something"
        assert state(client.get(url)) == "none"


@pytest.mark.usefixtures("listable_cache")
def test_no_csrf_token_is_stored_and_each_visitor_gets_a_working_one_of_their_own() -> None:
    proposal = ProposalFactory()
    url = proposal.process.url
    first_client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    first = first_client.get(url)
    assert state(first) == "miss"
    first_secret = first_client.cookies["csrftoken"].value
    stored = [value for value in cache._cache.values() if b"csrf" in bytes(value)]  # type: ignore[attr-defined]
    assert stored, "the page was not stored"
    for raw in stored:
        for token in re.findall(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])", raw):
            assert _unmask_cipher_token(token.decode()) != first_secret
        assert first_secret.encode() not in raw
    second_client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    second = second_client.get(url)
    assert state(second) == "hit"
    second_secret = second_client.cookies["csrftoken"].value
    assert second_secret != first_secret
    tokens = TOKEN_FIELD.findall(second.content.decode())
    assert tokens and all(_unmask_cipher_token(token) == second_secret for token in tokens)
    # The served token is the visitor's own: it passes the CSRF check for them (the language form).
    changed = second_client.post(reverse("set_language"), {"language": "fr", "csrfmiddlewaretoken": tokens[0]})
    assert changed.status_code == 302
    # And only theirs: another visitor's cookie with it is refused.
    refused = first_client.post(reverse("set_language"), {"language": "fr", "csrfmiddlewaretoken": tokens[0]})
    assert refused.status_code == 403


@pytest.mark.usefixtures("listable_cache")
def test_no_personal_header_is_replayed() -> None:
    proposal = ProposalFactory()
    url = proposal.process.url
    warm(url)
    hit = visitor().get(url)
    assert not hit.cookies or set(hit.cookies) == {"csrftoken"}
    assert "Set-Cookie" not in {name for name, _value in hit.items() if name != "Set-Cookie"}
    record = next(v for v in cache._cache.values() if b"csrf" in bytes(v))  # type: ignore[attr-defined]
    assert b"sessionid" not in bytes(record) and b"Set-Cookie" not in bytes(record)


@pytest.mark.parametrize("language", ["es", "en", "fr"])
def test_each_language_has_its_own_page(language: str, settings: Any) -> None:
    proposal = ProposalFactory()
    url = proposal.process.url
    for other in ("es", "en", "fr"):
        assert state(visitor(other).get(url)) == "miss"
    page = visitor(language).get(url)
    assert state(page) == "hit"
    assert f'<html lang="{language}"' in page.content.decode()
    # The language cookie chooses too.
    chooser = Client()
    chooser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    chosen = chooser.get(url)
    assert state(chosen) == "hit" and f'<html lang="{language}"' in chosen.content.decode()


def _sample(field_type: Any, proposal: Proposal) -> Any:
    text = str(field_type)
    if "dict" in text:
        return {"en": "x"}
    if "list" in text:
        return []
    if "bool" in text:
        return False
    if "int" in text:
        return proposal.pk
    return "x"


@pytest.mark.parametrize("event_type", proposal_events.EVENT_TYPES, ids=lambda t: t.kind)
def test_every_proposal_event_kind_drops_the_proposal_and_its_process(
    event_type: Any, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = ProposalFactory()
    for url in urls_of(proposal):
        warm(url)
    fields = {f.name: _sample(f.type, proposal) for f in dataclasses.fields(event_type)}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        proposal_events.publish(proposal, event_type(**fields))
    for url in urls_of(proposal):
        assert state(visitor().get(url)) == "miss", url


@pytest.mark.parametrize(
    "event",
    [
        legislation_events.AnnotationCreated(section="s", annotation=1, count=1, heat=1, html={}),
        legislation_events.AmendmentSupports(amendment=1, section="s", count=1),
        legislation_events.AmendmentDecided(amendment=1, section="s", status="accepted", labels={}),
        legislation_events.VersionCreated(number=2, url="/", message={}),
    ],
    ids=lambda e: e.kind,
)
def test_every_legislation_event_kind_drops_the_bill_scope(event: Any, django_capture_on_commit_callbacks: Any) -> None:
    draft = legislation_draft()
    request_scope = draft.live_group
    before = cache.get(f"pagever:{request_scope}")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        legislation_events.publish(draft, event)
    after = cache.get(f"pagever:{request_scope}")
    assert after is not None and after != before


def _comment(proposal: Proposal) -> None:
    debate_services.comment_create(author=VerifiedUserFactory(), proposal=proposal, body="<p>Una opinión nueva</p>")


def _support(proposal: Proposal) -> None:
    services.support_add(proposal=proposal, user=VerifiedUserFactory())


def _status(proposal: Proposal) -> None:
    moderator = UserFactory(roles=["moderator"])
    services.proposal_hide(proposal=proposal, actor=moderator, reason="Fuera de tema")


def _reaction(proposal: Proposal) -> None:
    comment = CommentFactory(proposal=proposal)
    debate_services.comment_react(user=VerifiedUserFactory(), comment=comment, value=1)


@pytest.mark.parametrize("write", [_comment, _support, _status, _reaction], ids=lambda w: w.__name__[1:])
def test_a_write_through_its_service_is_on_the_next_load(
    write: Callable[[Proposal], None], django_capture_on_commit_callbacks: Any
) -> None:
    proposal = ProposalFactory(status=ProposalStatus.PUBLISHED)
    detail = proposal.process.url + f"{proposal.pk}/"
    before = warm(detail)
    warm(proposal.process.url)
    with django_capture_on_commit_callbacks(execute=True):
        write(proposal)
    assert state(visitor().get(proposal.process.url)) == "miss"
    response = visitor().get(detail)
    if write is _status:  # hidden: gone from the public at once
        assert response.status_code == 404
        return
    assert state(response) == "miss"
    page = response.content.decode()
    assert TOKEN_FIELD.sub("", page) != TOKEN_FIELD.sub("", before)
    if write is _comment:
        assert "Una opinión nueva" in page


def test_published_results_are_on_the_next_load_and_then_cached(django_capture_on_commit_callbacks: Any) -> None:
    poll = closed_poll()
    url = reverse("votes:results", args=[poll.pk])
    assert visitor().get(url).status_code == 404  # not published: not cached either
    with django_capture_on_commit_callbacks(execute=True):
        poll_results_publish(poll=poll, actor=UserFactory(roles=["administrator"]))
    assert state(visitor().get(url)) == "miss"
    assert state(visitor().get(url)) == "hit"


def _home() -> Any:
    from wagtail.models import Page, Site

    from cms.models import HomePage

    home = Page.get_first_root_node().add_child(instance=HomePage(title="Inicio", slug="inicio-cache"))
    Site.objects.filter(is_default_site=True).update(root_page=home)
    return home


def test_a_status_change_and_published_results_drop_the_home_page(django_capture_on_commit_callbacks: Any) -> None:
    proposal = ProposalFactory(process=process_page(parent=_home()))
    warm("/")
    with django_capture_on_commit_callbacks(execute=True):
        _status(proposal)
    assert state(visitor().get("/")) == "miss"
    assert state(visitor().get("/")) == "hit"
    poll = closed_poll()
    with django_capture_on_commit_callbacks(execute=True):
        poll_results_publish(poll=poll, actor=UserFactory(roles=["administrator"]))
    assert state(visitor().get("/")) == "miss"


def test_an_editor_publishing_a_page_drops_the_home_page(django_capture_on_commit_callbacks: Any) -> None:
    process = process_page(parent=_home())
    warm("/")
    process.title = "Ley regional de bosques"
    with django_capture_on_commit_callbacks(execute=True):
        process.save_revision().publish()
    home = visitor().get("/")
    assert state(home) == "miss" and "Ley regional de bosques" in home.content.decode()


def test_a_write_committing_during_a_render_leaves_the_stored_page_stale() -> None:
    proposal = ProposalFactory()
    url = proposal.process.url
    request_versions = {}

    original = cache_pages.depends_on

    def depends_then_write(request: Any, *scopes: str) -> None:
        original(request, *scopes)
        request_versions.update(request._page_cache_deps)
        cache_pages.touch(*scopes)  # a write commits after the versions were read, before the data is

    from proposals import views

    setattr(views, "depends_on", depends_then_write)  # noqa: B010 - the view's own name for it
    try:
        assert state(visitor().get(url)) == "miss"
    finally:
        setattr(views, "depends_on", original)  # noqa: B010
    assert request_versions
    assert state(visitor().get(url)) == "miss"
