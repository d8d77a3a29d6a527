"""Demo processes and proposals: one process per phase, ~100 proposals in every state, real supports. Demo only.

Idempotent: processes are found by slug, proposals by (process, title), supports by their
unique constraint; counts are recomputed from the rows. Bulk writes keep it fast, and the
search index is fed explicitly because bulk_create sends no signals.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from accounts.census import document_hash
from accounts.models import CensusRecord, District, User

from .demo_data import CATEGORIES, PARAGRAPHS, PROCESSES, PROPOSALS
from .models import Category, ProcessPage, Proposal, ProposalKind, ProposalStatus, Support
from .selectors import process_support_threshold

S = ProposalStatus
SUPPORTERS = 60
REASONS = {
    "withdrawn": "La presentaremos de nuevo junto con la junta de usuarios.",
    "hidden": "Contiene datos personales de terceros.",
}
SEED = 2027

# The life each process shows, in order of its proposals (cycled).
STATUS_PLAN: dict[str, tuple[str, ...]] = {
    "proposals": (S.PUBLISHED, S.SUBMITTED, S.PUBLISHED, S.DRAFT, S.SUBMITTED, S.WITHDRAWN, S.PUBLISHED, S.HIDDEN),
    "supports": (S.GATHERING, S.GATHERING, S.QUALIFIED, S.PUBLISHED, S.GATHERING, S.WITHDRAWN, S.GATHERING, S.HIDDEN),
    "debate": (S.QUALIFIED, S.GATHERING, S.QUALIFIED, S.GATHERING, S.ARCHIVED),
    "vote": (S.IN_VOTE, S.QUALIFIED, S.IN_VOTE, S.GATHERING, S.ARCHIVED),
    "closed": (S.ACCEPTED, S.REJECTED, S.ACCEPTED, S.ARCHIVED),
}


def _calendar(phase: str) -> dict[str, Any]:
    """Dates that put `phase` open now; earlier phases in the past, later ones ahead."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    day = timedelta(days=1)
    order = ("proposals", "supports", "debate", "vote")
    current = order.index(phase) if phase in order else len(order)
    dates: dict[str, Any] = {}
    for i, name in enumerate(order):
        if i < current:
            opens, closes = now - (current - i + 1) * 30 * day, now - (current - i) * 30 * day
        elif i == current:
            opens, closes = now - 5 * day, now + 25 * day
        else:
            opens, closes = now + (i - current) * 30 * day, now + (i - current + 1) * 30 * day
        dates[f"{name}_opens"], dates[f"{name}_closes"] = opens, closes
    # The debate runs beside the supports phase, as it usually does.
    if phase == "supports":
        dates["debate_opens"], dates["debate_closes"] = dates["supports_opens"], dates["supports_closes"]
    dates["results_on"] = dates["vote_closes"]
    # The council answers within three weeks of the vote: the closed process's unanswered proposals are overdue.
    dates["answers_due_on"] = (dates["vote_closes"] + 21 * day).date()
    return dates


def seed_categories() -> dict[str, Category]:
    for slug, name in CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name": name})
    return {c.slug: c for c in Category.objects.all()}


def seed_processes() -> list[tuple[ProcessPage, str]]:
    home = Page.objects.filter(depth=2).first()
    if home is None:
        return []
    processes = []
    for slug, title, intro, phase in PROCESSES:
        page = ProcessPage.objects.filter(slug=slug).first()
        if page is None:
            page = ProcessPage(
                title=title,
                slug=slug,
                intro=intro,
                show_in_menus=True,
                pre_moderation=True,
                **_calendar(phase),
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        processes.append((page, phase))
    return processes


def seed_supporters() -> list[User]:
    """Verified demo neighbours, each bound to a census record nobody else holds (sign-in disabled)."""
    users = list(User.objects.filter(email__startswith="vecino", email__endswith="@demo.decide").order_by("email"))
    missing = SUPPORTERS - len(users)
    if missing <= 0:
        return users
    # Leave the census helper's unbound person free: the demo citizen verifies with it.
    from accounts.demo import UNBOUND_PERSON

    free = list(
        CensusRecord.objects.filter(account__isnull=True)
        .exclude(document_hash=document_hash(UNBOUND_PERSON.document))
        .order_by("id")[:missing]
    )
    now = timezone.now()
    new = []
    for offset, record in enumerate(free, start=len(users) + 1):
        email = f"vecino{offset:03d}@demo.decide"
        user = User(email=email, username=email, census_record=record, verified_at=now, display_name=f"Vecina {offset}")
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new)
    created = list(User.objects.filter(email__in=[u.email for u in new]))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in created], ignore_conflicts=True
    )
    return users + created


def _authors() -> list[User]:
    names = ("rosa", "juan", "lucia", "carlos", "citizen")
    named = list(User.objects.filter(email__in=[f"{n}@demo.decide" for n in names]).order_by("email"))
    return named + list(User.objects.filter(email__startswith="vecino", email__endswith="@demo.decide")[:20])


def seed_proposals(processes: list[tuple[ProcessPage, str]], categories: dict[str, Category]) -> list[Proposal]:
    rng = random.Random(SEED)
    authors = _authors()
    admin = User.objects.filter(email="admin@demo.decide").first() or (authors[0] if authors else None)
    if not authors or admin is None:
        return []
    districts = list(District.objects.order_by("code"))
    now = timezone.now()
    new: list[Proposal] = []
    for process, phase in processes:
        existing = set(Proposal.objects.filter(process=process).values_list("title", flat=True))
        plan = STATUS_PLAN[phase]
        for i, (title, summary, category_slug) in enumerate(PROPOSALS[process.slug]):
            if title in existing:
                continue
            status = plan[i % len(plan)]
            institutional = title.startswith("Ley regional")
            if institutional:
                status = S.IN_VOTE if phase in ("vote",) else S.PUBLISHED
            # The summary is shown above the text already: the text starts where the summary leaves off.
            body = "".join([PARAGRAPHS[0], *rng.sample(PARAGRAPHS[1:], 2)])
            published = None if status in (S.DRAFT, S.SUBMITTED) else now - timedelta(days=40 - i, hours=i)
            new.append(
                Proposal(
                    process=process,
                    title=title,
                    summary=summary,
                    body=body,
                    category=categories.get(category_slug),
                    district=rng.choice(districts) if districts and rng.random() < 0.6 else None,
                    author=admin if institutional else authors[(i * 7 + len(title)) % len(authors)],
                    kind=ProposalKind.INSTITUTIONAL if institutional else ProposalKind.CITIZEN,
                    status=status,
                    status_before_hidden=S.PUBLISHED if status == S.HIDDEN else "",
                    status_reason=REASONS.get(str(status), ""),
                    published_at=published,
                )
            )
    Proposal.objects.bulk_create(new)
    return list(Proposal.objects.filter(pk__in=[p.pk for p in new if p.pk]))


def _target_supports(proposal: Proposal, threshold: int, rng: random.Random) -> int:
    if proposal.status in (S.QUALIFIED, S.IN_VOTE, S.ACCEPTED, S.REJECTED):
        return threshold + rng.randrange(0, 12)
    if proposal.status in (S.GATHERING, S.ARCHIVED):
        return rng.randrange(1, max(2, threshold))
    return 0


def seed_supports(proposals: list[Proposal], supporters: list[User]) -> None:
    """Supports from the verified neighbours, in numbers that fit each proposal's state."""
    if not supporters or not proposals:
        return
    rng = random.Random(SEED + 1)
    thresholds: dict[int, int] = {}
    rows = []
    for proposal in proposals:
        if proposal.process_id not in thresholds:
            thresholds[proposal.process_id] = process_support_threshold(proposal.process)
        wanted = min(len(supporters), _target_supports(proposal, thresholds[proposal.process_id], rng))
        for user in rng.sample(supporters, wanted):
            assert user.census_record_id is not None  # supporters are verified
            rows.append(Support(proposal=proposal, census_record_id=user.census_record_id, account=user))
    Support.objects.bulk_create(rows, ignore_conflicts=True)


def recount_supports() -> None:
    """support_count from the rows themselves, so a re-run can never drift."""
    counts = dict(Support.objects.values_list("proposal").annotate(n=Count("id")).order_by())
    changed = []
    for proposal in Proposal.objects.filter(process__slug__in=[p[0] for p in PROCESSES]).only("id", "support_count"):
        if proposal.support_count != counts.get(proposal.pk, 0):
            proposal.support_count = counts.get(proposal.pk, 0)
            changed.append(proposal)
    Proposal.objects.bulk_update(changed, ["support_count"])


@transaction.atomic
def seed() -> None:
    categories = seed_categories()
    processes = seed_processes()
    if not processes:
        return
    supporters = seed_supporters()
    new = seed_proposals(processes, categories)
    if new:
        seed_supports(new, supporters)
        recount_supports()
        backend = get_search_backend()
        backend.add_bulk(Proposal, list(Proposal.objects.filter(pk__in=[p.pk for p in new])))
