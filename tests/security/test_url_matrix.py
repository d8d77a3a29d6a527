"""Every URL pattern, for every role, GET and POST, in every object state, answers what url_matrix.py says.

The patterns come from the URL resolver (Django's, Wagtail's routable ProcessPage routes, django-ninja's
API routes), so a new view cannot ship without a row. The objects and signed-in clients are built once
per module; every request runs in a savepoint rolled back afterwards, so a POST never leaks into the next.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as totp_counters
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import CensusImport, User
from accounts.roles import ADMINISTRATOR, MODERATOR, OFFICER
from proposals.followup.models import Attachment, Milestone
from proposals.models import ProcessPage
from tests.factories import (
    CommentFactory,
    PollFactory,
    ProposalFactory,
    UserFactory,
    VerifiedUserFactory,
    legislation_draft,
    process_page,
)
from tests.security.url_matrix import CSRF_EXEMPT, OUTCOMES, PREFIX_RULES, ROLES, ROUTES, STATES, Cells, Route

RECORD = bool(os.environ.get("MATRIX_RECORD"))
MATRIX_FILE = "tests/security/url_matrix.py"
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/django-admin/login/", "/_util/login/")
MFA_PATHS = ("/accounts/2fa/", "/accounts/reauthenticate/")
PROCESS_PREFIX = "process:"


# --- the patterns the resolver knows -------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", "process:<route>", or "path:<route>" when unnamed
    route: str
    module: str

    @property
    def arguments(self) -> list[str]:
        return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.route) if (a or b) != "process"]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner or "")
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or f"path:{route}"
            callback = entry.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            if view_class is not None:
                module = view_class.__module__
            yield Pattern(name=name, route=route, module=module)


def url_patterns() -> list[Pattern]:
    """Every pattern of the site, the process page's routable routes included."""
    patterns = list(_walk(get_resolver()))
    for subpattern in ProcessPage.get_subpage_urls():
        view = getattr(ProcessPage, subpattern.callback.__name__, subpattern.callback)
        patterns.append(
            Pattern(
                name=f"{PROCESS_PREFIX}{subpattern.name}",
                route=f"<process>/{subpattern.pattern}",
                module=view.__module__,
            )
        )
    return patterns


def prefix_rule_for(pattern: Pattern) -> str | None:
    for rule in PREFIX_RULES:
        if pattern.route.startswith(rule.route_prefix) and pattern.module.startswith(rule.module_prefix):
            return rule.reason
    return None


# --- expectations --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    outcome: str
    item: int | None  # issue 13's item that makes today's answer differ


def parse_cell(cell: str, where: str) -> list[Expected]:
    tokens = cell.split()
    if len(tokens) == 1:
        tokens = tokens * len(ROLES)
    elif len(tokens) == 2:  # anonymous, then every signed-in role
        tokens = tokens[:1] + tokens[1:] * (len(ROLES) - 1)
    if len(tokens) != len(ROLES):
        raise ValueError(
            f"{where}: a cell is 1 outcome, 2 (anonymous, signed-in) or {len(ROLES)} ({' '.join(ROLES)}), got {cell!r}"
        )
    parsed = []
    for token in tokens:
        outcome, _, item = token.partition("!")
        if outcome not in OUTCOMES or (item and not item.isdigit()):
            raise ValueError(f"{where}: unknown outcome {token!r} (one of {sorted(OUTCOMES)}, optionally !<item>)")
        parsed.append(Expected(outcome, int(item) if item else None))
    return parsed


def cell_for(cells: Cells, state: str, where: str) -> str:
    if isinstance(cells, str):
        return cells
    if state not in cells:
        raise ValueError(f"{where}: no cell for state {state!r} (states: {list(cells)})")
    return cells[state]


def _cases() -> Iterator[Any]:
    for name, route in ROUTES.items():
        for state in STATES[route.on]:
            for method in ("GET", "POST"):
                yield pytest.param(name, state, method, id=f"{name}[{state}]{method}")


# --- the world: objects in every state, one client session per role -------------------------------------


def _totp_code(secret: str) -> str:
    counter = list(totp_counters())[len(list(totp_counters())) // 2]
    return format_hotp_value(hotp_value(secret, counter))


def _sign_in_with_second_factor(user: User, secret: str) -> str:
    """allauth's real flow: password, then the TOTP code. Returns the session key."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate" in response["Location"], response
    response = client.post(response["Location"], {"code": _totp_code(secret)})
    assert response.status_code == 302, response.content[:2000]
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _session_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@dataclass
class World:
    sessions: dict[str, str | None] = field(default_factory=dict)
    objects: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (kind, state) -> url values
    process_url: str = ""
    patterns: dict[str, Pattern] = field(default_factory=dict)

    def client(self, role: str, *, enforce_csrf_checks: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf_checks, raise_request_exception=False)
        session = self.sessions[role]
        if session:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        return client

    def url(self, name: str, route: Route, state: str) -> str:
        if route.path:
            return route.path
        values = {**(self.objects.get((route.on, state), {}) if route.on else {}), **route.kwargs}
        if name.startswith(PROCESS_PREFIX):
            pattern = self.patterns[name]
            kwargs = {arg: values[arg] for arg in pattern.arguments}
            return self.process_url + ProcessPage().reverse_subpage(name.removeprefix(PROCESS_PREFIX), kwargs=kwargs)
        pattern = self.patterns[name]
        return reverse(name, kwargs={arg: values[arg] for arg in pattern.arguments})


def _build_world() -> World:
    world = World()
    now = timezone.now()
    author = UserFactory()
    citizen = UserFactory()
    verified = VerifiedUserFactory()
    officer = UserFactory(roles=[OFFICER])
    moderator = UserFactory(roles=[MODERATOR])
    administrator = UserFactory(roles=[ADMINISTRATOR])
    staff_1fa = UserFactory(roles=[ADMINISTRATOR, MODERATOR, OFFICER])
    world.sessions = {"anonymous": None, "citizen": _session_of(citizen), "verified": _session_of(verified)}
    for role, user in (("officer", officer), ("moderator", moderator), ("administrator", administrator)):
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        world.sessions[role] = _sign_in_with_second_factor(user, secret)
    TOTP.activate(staff_1fa, generate_totp_secret())
    world.sessions["staff_1fa"] = _session_of(staff_1fa)

    process = process_page()
    world.process_url = process.get_url()
    world.objects[("process", "open")] = {"process_id": process.pk}
    proposals = {
        "draft": ProposalFactory(process=process, author=author, status="draft", published_at=None),
        "submitted": ProposalFactory(process=process, author=author, status="submitted", published_at=None),
        "hidden": ProposalFactory(process=process, author=author, status="hidden", status_before_hidden="published"),
        "published": ProposalFactory(process=process, author=author),
    }
    for state, proposal in proposals.items():
        if state in STATES["proposal"]:
            world.objects[("proposal", state)] = {"proposal_id": proposal.pk, "pk": proposal.pk}
        if state in STATES["moderation_proposal"]:
            world.objects[("moderation_proposal", state)] = {"pk": proposal.pk}
    published = proposals["published"]
    comments = {
        "visible": CommentFactory(proposal=published, author=author),
        "hidden": CommentFactory(proposal=published, author=author, hidden_at=now, hidden_reason="Insulto"),
        "deleted": CommentFactory(proposal=published, author=author, deleted_at=now),
    }
    for state, comment in comments.items():
        world.objects[("comment", state)] = {"comment_id": comment.pk, "pk": comment.pk}
        if state in STATES["moderation_comment"]:
            world.objects[("moderation_comment", state)] = {"pk": comment.pk}
    for state in STATES["attachment"]:
        attachment = Attachment.objects.create(
            proposal=proposals[state],
            kind="document",
            stored_name=default_storage.save("attachments/matrix", ContentFile(b"%PDF-1.4\n%%EOF\n")),
            original_name="acta.pdf",
            content_type="application/pdf",
            size=15,
            uploaded_by=administrator,
        )
        world.objects[("attachment", state)] = {"attachment_id": attachment.pk, "name": "acta.pdf"}
    followed = {
        "accepted": ProposalFactory(process=process, author=author, status="accepted"),
        "hidden": ProposalFactory(process=process, author=author, status="hidden", status_before_hidden="accepted"),
    }
    for state in STATES["milestone"]:
        milestone = Milestone.objects.create(
            proposal=followed[state],
            date=now.date(),
            description="Expediente técnico",
            progress=30,
            status="in_progress",
            created_by=administrator,
        )
        world.objects[("milestone", state)] = {"milestone_id": milestone.pk}

    from votes.models import Booth

    vote_process = process_page(phases_open=("vote",))
    hour, day = timedelta(hours=1), timedelta(days=1)
    polls = {
        "upcoming": PollFactory(process=vote_process, opens_at=now + day, closes_at=now + 2 * day),
        "open": PollFactory(process=vote_process, opens_at=now - hour, closes_at=now + day),
        "closed": PollFactory(process=vote_process, opens_at=now - 2 * day, closes_at=now - hour),
        "published": PollFactory(
            process=vote_process,
            opens_at=now - 3 * day,
            closes_at=now - 2 * day,
            results_published_at=now - day,
            results_published_by=administrator,
        ),
    }
    for state, poll in polls.items():
        world.objects[("poll", state)] = {"poll_id": poll.pk, "pk": poll.pk}
        if state in STATES["question"]:
            world.objects[("question", state)] = {"pk": poll.questions.get().pk}
        if state in STATES["booth"]:
            booth = Booth.objects.create(poll=poll, name=f"Mesa {state}", opened_by=officer)
            world.objects[("booth", state)] = {"poll_id": poll.pk, "booth_id": booth.pk}
    _build_bills(world, administrator)
    census_import = CensusImport.objects.create(file_name="padron.csv", status="done", started_by=administrator)
    world.objects[("census_import", "done")] = {"pk": census_import.pk}
    return world


def _build_bills(world: World, administrator: User) -> None:
    """Bill texts (legislation): one not readable yet, one open to annotations and amendments."""
    from legislation.models import Amendment, Annotation, Section

    for state, phases in (("upcoming", ("upcoming",)), ("open", ("annotation", "amendments"))):
        draft = legislation_draft(articles=2, phases_open=phases, administrator=administrator)
        section = Section.objects.filter(draft=draft, kind="article").first()
        assert section is not None
        amendment = Amendment.objects.create(
            draft=draft,
            section=section,
            base_version=draft.versions.get(),
            author=VerifiedUserFactory(),
            text="Otra redacción.",
            justification="Más clara.",
        )
        comment = CommentFactory(proposal=draft.proposal)
        annotation = Annotation.objects.create(comment=comment, draft=draft, section=section, version_number=1)
        world.objects[("bill", state)] = {
            "draft_id": draft.pk,
            "pk": draft.pk,
            "key": str(section.key),
            "amendment_id": amendment.pk,
            "annotation_id": annotation.pk,
            "number": 1,
        }


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # type: ignore[attr-defined]  # durable services may run inside, as in TestCase
        outer.__enter__()
        try:
            world = _build_world()
            world.patterns = {pattern.name: pattern for pattern in url_patterns()}
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _production_mfa_rule(settings: Any) -> None:
    settings.DECIDE_REQUIRE_STAFF_MFA = True


def classify(response: HttpResponse) -> str:
    status = response.status_code
    if status in (200, 204):
        return "ok"
    if 300 <= status < 400:
        location = urlsplit(response["Location"]).path
        if location.startswith(LOGIN_PATHS):
            return "login"
        if location.startswith(MFA_PATHS):
            return "mfa"
        return "redirect"
    return str(status)


def request_as(world: World, role: str, method: str, url: str, *, enforce_csrf_checks: bool = False) -> str:
    client = world.client(role, enforce_csrf_checks=enforce_csrf_checks)
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    return classify(response)


# --- the tests -----------------------------------------------------------------------------------------


def test_every_url_pattern_has_a_decision() -> None:
    undecided = [
        f"  - {p.name}  (pattern {p.route!r}, view module {p.module})"
        for p in url_patterns()
        if p.name not in ROUTES and prefix_rule_for(p) is None
    ]
    assert not undecided, (
        f"{len(undecided)} URL pattern(s) have no decision in {MATRIX_FILE}: add a row to ROUTES for each, "
        'e.g. `"name": Route(on="poll", GET="...", POST="...")` (the module docstring says how; '
        "MATRIX_RECORD=1 prints what the view answers today):\n" + "\n".join(undecided)
    )


def test_every_row_names_a_real_pattern() -> None:
    stale = sorted(set(ROUTES) - {pattern.name for pattern in url_patterns()})
    assert not stale, f"{MATRIX_FILE}: rows for URL names the resolver does not know (renamed? removed?): {stale}"


def test_every_cell_is_well_formed() -> None:
    for name, route in ROUTES.items():
        assert route.on in STATES, f"{name}: unknown object kind {route.on!r} (one of {list(STATES)})"
        for method, cells in (("GET", route.GET), ("POST", route.POST)):
            if isinstance(cells, dict):
                extra = set(cells) - set(STATES[route.on])
                assert not extra, f"{name} {method}: states {extra} are not states of {route.on!r}"
            for state in STATES[route.on]:
                parse_cell(cell_for(cells, state, f"{name} {method}"), f"{name} {method} [{state}]")


@pytest.mark.parametrize(("name", "state", "method"), list(_cases()))
def test_url_matrix(world: World, db: None, name: str, state: str, method: str) -> None:
    route = ROUTES[name]
    where = f"{name} [{state}] {method}"
    expected = parse_cell(cell_for(route.GET if method == "GET" else route.POST, state, where), where)
    url = world.url(name, route, state)
    observed = [request_as(world, role, method, url) for role in ROLES]
    if RECORD and name == "healthz":
        print(world.client("anonymous").get(url).content[:500])
    if RECORD:
        print(f"\nRECORD {name:40} {state:10} {method:4} {' '.join(observed)}")
    wrong, fixed, known = [], [], []
    for role, want, got in zip(ROLES, expected, observed, strict=True):
        if want.item is None and got != want.outcome:
            wrong.append(f"{role}: expected {want.outcome}, got {got}")
        elif want.item is not None and got == want.outcome:
            fixed.append(f"{role}: now answers {got} — drop '!{want.item}' from its cell")
        elif want.item is not None:
            known.append(f"{role}: {got} instead of {want.outcome} (issue 13 item {want.item})")
    assert not wrong, f"{where} {url}: " + "; ".join(wrong) + f" (observed: {' '.join(observed)}; row in {MATRIX_FILE})"
    assert not fixed, f"{where} {url}: fixed! " + "; ".join(fixed)
    if known:
        pytest.xfail("; ".join(known))


def _state_changing() -> Iterator[Any]:
    for name, route in ROUTES.items():
        if name in CSRF_EXEMPT:
            continue
        state = STATES[route.on][-1]
        cell = parse_cell(cell_for(route.POST, state, name), name)
        if any(expected.outcome != "405" for expected in cell):
            yield pytest.param(name, state, id=name)


@pytest.mark.parametrize("name", sorted(CSRF_EXEMPT))
def test_views_without_csrf_authenticate_their_caller_otherwise(world: World, db: None, name: str) -> None:
    """The few CSRF-exempt views (a provider's webhook) refuse an unsigned POST: 401, never a 2xx."""
    url = world.url(name, ROUTES[name], STATES[ROUTES[name].on][-1])
    response = world.client("anonymous", enforce_csrf_checks=True).post(url, {})
    assert response.status_code == 401, f"{name} {url}: unsigned POST answered {response.status_code}"


@pytest.mark.parametrize(("name", "state"), list(_state_changing()))
def test_post_without_csrf_token_is_refused(world: World, db: None, name: str, state: str) -> None:
    """Every view that accepts a POST refuses one without a CSRF token, signed in or not."""
    url = world.url(name, ROUTES[name], state)
    for role in ("anonymous", "citizen", "administrator"):
        client = world.client(role, enforce_csrf_checks=True)
        with transaction.atomic():
            response = client.post(url, {})
            transaction.set_rollback(True)
        assert response.status_code == 403, (
            f"{name} {url} as {role}: POST without CSRF token answered {response.status_code}"
        )
