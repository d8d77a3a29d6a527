"""Demo: an open poll on a qualified proposal, a booth with its officer, and a few web ballots.

The ballots come from demo voters (voter1..voter6@demo.decide) who are not among
the printed demo logins, so rosa, juan, lucia and carlos can still vote themselves,
and the unverified demo citizen can verify and vote too. Running `seed` twice
changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from accounts.census import document_hash
from accounts.models import CensusRecord, District, User
from proposals.models import ProcessPage, Proposal, ProposalKind, ProposalStatus

from . import services
from .models import Booth, Option, Participation, Poll

# The proposals demo's process in its vote phase (proposals.demo_data.PROCESSES); made here if that demo did not run.
PROCESS_SLUG = "educacion-intercultural"
POLL_TITLE = "Votación: educación intercultural y rural"
BOOTH_NAME = "Mesa 1 — Plaza de Armas de Huamachuco"
BOOTH_DISTRICT_CODE = "130901"
VOTERS = 6
# Not bound to any demo voter: the unverified demo citizen verifies with this person.
UNBOUND_DOCUMENT = "45678912"


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _admin() -> User:
    admin = _user("admin@demo.decide")
    if admin is None:
        from accounts.demo import seed_accounts

        admin = seed_accounts()["admin@demo.decide"]
    return admin


def _process_in_vote() -> ProcessPage:
    """The proposals demo's process in the vote phase if there is one; otherwise ours."""
    now = timezone.now()
    page: ProcessPage
    for page in ProcessPage.objects.filter(vote_opens__lte=now, vote_closes__gt=now).order_by("path"):
        if Proposal.objects.filter(
            process=page, status__in=[ProposalStatus.QUALIFIED, ProposalStatus.IN_VOTE]
        ).exists():
            return page
    existing: ProcessPage | None = ProcessPage.objects.filter(slug=PROCESS_SLUG).first()
    if existing is not None:
        return existing
    from cms.models import HomePage

    parent = HomePage.objects.first() or Page.objects.filter(depth=2).first() or Page.get_first_root_node()
    day = timedelta(days=1)
    start = now - 60 * day
    page = ProcessPage(
        title="Educación intercultural y rural",
        slug=PROCESS_SLUG,
        intro="Votación de las propuestas que reunieron apoyos: escuelas rurales y docentes bilingües.",
        proposals_opens=start,
        proposals_closes=start + 20 * day,
        supports_opens=start + 10 * day,
        supports_closes=start + 40 * day,
        debate_opens=start + 10 * day,
        debate_closes=start + 55 * day,
        vote_opens=now - day,
        vote_closes=now + 20 * day,
        results_on=now + 21 * day,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _qualified_proposals(process: ProcessPage, admin: User) -> list[Proposal]:
    proposals = list(
        Proposal.objects.filter(process=process, status__in=[ProposalStatus.QUALIFIED, ProposalStatus.IN_VOTE])[:1]
    )
    if proposals:
        return proposals
    proposal = Proposal.objects.create(
        process=process,
        title="Docentes bilingües en escuelas de la sierra liberteña",
        summary="Plazas con bonificación para maestros que hablan quechua.",
        body="<p>Propuesta de madres y padres de familia de Huamachuco, calificada con los apoyos necesarios.</p>",
        author=admin,
        kind=ProposalKind.CITIZEN,
        status=ProposalStatus.QUALIFIED,
        published_at=process.proposals_opens,
    )
    return [proposal]


def _poll() -> Poll:
    existing = Poll.objects.filter(title=POLL_TITLE).first()
    if existing is not None:
        return existing
    admin = _admin()
    process = _process_in_vote()
    proposals = _qualified_proposals(process, admin)
    now = timezone.now()
    return services.poll_create(
        actor=admin,
        process=process,
        title=POLL_TITLE,
        description="Vota sí o no a la propuesta que reunió los apoyos. Los resultados se conocen al cierre.",
        opens_at=now - timedelta(hours=2),
        closes_at=max(now + timedelta(days=14), process.vote_closes),
        proposals=proposals,
        question_text=f"¿Apruebas «{proposals[0].title}»?",
        option_labels=["Sí", "No", "Abstención"],
    )


def _booth(poll: Poll) -> Booth:
    existing = Booth.objects.filter(poll=poll, name=BOOTH_NAME).first()
    if existing is not None:
        return existing
    officer = _user("officer@demo.decide") or _admin()
    return services.booth_open(
        poll=poll,
        officer=officer,
        name=BOOTH_NAME,
        location="Municipalidad provincial, primer piso",
        district=District.objects.filter(code=BOOTH_DISTRICT_CODE).first(),
    )


def _voter(number: int) -> User:
    email = f"voter{number}@demo.decide"
    user = _user(email)
    if user is None:
        user = User(email=email, username=email, display_name=f"Votante {number}")
        user.set_unusable_password()  # ballots only: nobody signs in as these
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if user.census_record_id is None:
        free = (
            CensusRecord.objects.filter(account__isnull=True)
            .exclude(document_hash=document_hash(UNBOUND_DOCUMENT))
            .order_by("id")
            .first()
        )
        if free is None:
            raise RuntimeError("The demo census has no free record left for demo voters.")
        user.census_record = free
        user.verified_at = timezone.now()
        user.save(update_fields=["census_record", "verified_at"])
    return user


def _ballots(poll: Poll) -> None:
    options = list(Option.objects.filter(question__poll=poll).order_by("position"))
    for number in range(1, VOTERS + 1):
        voter = _voter(number)
        if Participation.objects.filter(poll=poll, census_record_id=voter.census_record_id).exists():
            continue
        code = services.ballot_token_receipt(
            token=services.ballot_token_issue(poll=poll, voter=voter), poll=poll, voter=voter
        )
        # Mostly yes, some no, one abstention: a believable spread nobody can see before the close.
        option = options[0] if number % 3 else options[1 if number != 6 else 2]
        services.ballot_cast(poll=poll, voter=voter, choices=[option], receipt_code=code)


def seed() -> None:
    if not CensusRecord.objects.exists():
        from accounts.demo import seed_census

        seed_census()
    with transaction.atomic():
        poll = _poll()
        _booth(poll)
    _ballots(poll)  # each ballot commits on its own (ballot_cast is durable)
