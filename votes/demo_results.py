"""Demo: a closed poll with published results in which rural women are visibly under-represented.

It is the consultation of the proposals demo's closed process (the 2026 participatory budget), on the works
that process accepted. Rosa, a demo login, voted online in it: her receipt code (accounts.demo.DEMO_RECEIPT_CODE,
printed by `manage.py demo_logins`) finds her ballot on the poll's receipt page. Built on the demo census
(accounts.demo). Turnout is drawn per group with a fixed
seed, so every run makes the same figures, and rows are bulk-inserted. Running
`seed` twice changes nothing.
"""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from accounts.demo import DEMO_RECEIPT_CODE, DEMO_RECEIPT_EMAIL
from accounts.models import CensusRecord, User
from proposals.models import ProcessPage, Proposal, ProposalKind, ProposalStatus
from votes.results.publication import poll_results_publish

from .models import Ballot, BallotChoice, Booth, BoothTally, Channel, Option, Participation, Poll, Question
from .selectors import receipt_hash

# The proposals demo's closed process (proposals.demo_data.PROCESSES); made here if that demo did not run.
PROCESS_SLUG = "presupuesto-participativo-2026"
POLL_TITLE = "Consulta: presupuesto participativo regional 2026"
QUESTION = "¿Apruebas las obras priorizadas del presupuesto participativo 2026?"
SEED = 2026
# Share of each group that took part, and of those the share who voted at a booth.
TURNOUT = {
    ("female", "rural"): (0.10, 0.5),
    ("male", "rural"): (0.38, 0.4),
    ("female", "urban"): (0.44, 0.1),
    ("male", "urban"): (0.47, 0.1),
}
# The handful of people of another or unknown gender in the demo census stay home: their cells are
# then plain zeros. One urban voter of another gender would have to be protected by hiding larger
# cells beside it (an interval ten wide: votes.results.disclosure), and rural women's is the smallest.
OTHER_TURNOUT = {"rural": (0.0, 0.0), "urban": (0.0, 0.0)}
# Choice weights for Sí / No / Abstención, per area: the rural vote leans the other way.
CHOICES = {"rural": (0.35, 0.55, 0.10), "urban": (0.62, 0.30, 0.08)}


def _admin() -> User:
    from accounts.demo import seed_accounts

    admin = User.objects.filter(email="admin@demo.decide").first()
    return admin if admin is not None else seed_accounts()["admin@demo.decide"]


def _officer() -> User:
    officer = User.objects.filter(email="officer@demo.decide").first()
    return officer if officer is not None else _admin()


def _process() -> ProcessPage:
    existing: ProcessPage | None = ProcessPage.objects.filter(slug=PROCESS_SLUG).first()
    if existing is not None:
        return existing
    from cms.models import HomePage

    parent = HomePage.objects.first() or Page.objects.filter(depth=2).first() or Page.get_first_root_node()
    start = timezone.now() - timedelta(days=120)
    day = timedelta(days=1)
    page = ProcessPage(
        title="Presupuesto participativo regional 2026",
        slug=PROCESS_SLUG,
        intro="Proceso cerrado: consulta los resultados y cómo participaron mujeres y comunidades rurales.",
        proposals_opens=start,
        proposals_closes=start + 30 * day,
        supports_opens=start + 10 * day,
        supports_closes=start + 60 * day,
        debate_opens=start + 10 * day,
        debate_closes=start + 80 * day,
        vote_opens=start + 90 * day,
        vote_closes=start + 100 * day,
        results_on=start + 100 * day,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _poll(process: ProcessPage, admin: User) -> Poll:
    poll = Poll.objects.filter(process=process, title=POLL_TITLE).first()
    if poll is not None:
        return poll
    # The works the process accepted went to this consultation; without the proposals demo, one of them.
    proposals = list(Proposal.objects.filter(process=process, status=ProposalStatus.ACCEPTED))
    if not proposals:
        proposals = [
            Proposal.objects.create(
                process=process,
                title="Mejoramiento del sistema de agua potable de Usquil",
                summary="Nueva captación y reservorio para 2 000 familias.",
                body="<p>Obra priorizada en los talleres del presupuesto participativo de la provincia de Otuzco.</p>",
                author=admin,
                kind=ProposalKind.CITIZEN,
                status=ProposalStatus.IN_VOTE,
                published_at=process.proposals_opens,
            )
        ]
    poll = Poll.objects.create(
        process=process,
        title=POLL_TITLE,
        description="Las obras que reunieron apoyos se votaron juntas, como lista priorizada.",
        opens_at=process.vote_opens,
        closes_at=process.vote_closes,
    )
    poll.proposals.add(*proposals)
    question = Question.objects.create(poll=poll, text=QUESTION, position=0)
    for position, label in enumerate(("Sí", "No", "Abstención")):
        Option.objects.create(question=question, label=label, position=position)
    return poll


@transaction.atomic
def _vote(poll: Poll) -> None:
    """Participations, web ballots and booth tallies, drawn with a fixed seed and bulk-inserted."""
    rng = random.Random(SEED)
    options = list(Option.objects.filter(question__poll=poll).order_by("position"))
    officer = _officer()
    booth, _created = Booth.objects.get_or_create(
        poll=poll, name="Mesa itinerante Otuzco", defaults={"location": "Plaza de Armas", "opened_by": officer}
    )
    day = poll.opens_at.date() + timedelta(days=1)
    participations: list[Participation] = []
    ballots: list[Ballot] = []
    choices: list[BallotChoice] = []
    paper = [0] * len(options)
    # Rosa voted online, whatever the draw says of her group: her receipt is the one the demo hands out.
    rosa = User.objects.filter(email=DEMO_RECEIPT_EMAIL).values_list("census_record_id", flat=True).first()
    records = CensusRecord.objects.order_by("id").values_list("id", "gender", "area")
    for serial, (record_id, gender, area) in enumerate(records):
        turnout, booth_share = TURNOUT.get((gender, area), OTHER_TURNOUT[area])
        if rng.random() >= turnout and record_id != rosa:
            continue
        option_index = rng.choices(range(len(options)), weights=CHOICES[area])[0]
        at_booth = rng.random() < booth_share and record_id != rosa
        participations.append(
            Participation(
                poll=poll,
                census_record_id=record_id,
                channel=Channel.BOOTH if at_booth else Channel.WEB,
                booth=booth if at_booth else None,
                day=day,
                gender=gender,
                area=area,
            )
        )
        if at_booth:
            paper[option_index] += 1
            continue
        receipt = (
            receipt_hash(DEMO_RECEIPT_CODE)
            if record_id == rosa
            else hashlib.sha256(f"demo-results:{poll.pk}:{serial}".encode()).hexdigest()
        )
        ballot = Ballot(poll=poll, gender=gender, area=area, receipt_hash=receipt)
        ballots.append(ballot)
        choices.append(BallotChoice(ballot=ballot, option=options[option_index], poll=poll, gender=gender, area=area))
    Participation.objects.bulk_create(participations, batch_size=1000)
    Ballot.objects.bulk_create(ballots, batch_size=1000)
    BallotChoice.objects.bulk_create(choices, batch_size=1000)
    for option, count in zip(options, paper, strict=True):
        BoothTally.objects.create(booth=booth, option=option, count=count, entered_by=officer, note="Acta de la mesa")


def seed() -> None:
    if not CensusRecord.objects.exists():
        from accounts.demo import seed_census

        seed_census()
    admin = _admin()
    process = _process()
    poll = _poll(process, admin)
    if not Participation.objects.filter(poll=poll).exists():
        _vote(poll)
    if not poll.results_published:
        poll_results_publish(poll=poll, actor=admin)
        Proposal.objects.filter(polls=poll, status=ProposalStatus.IN_VOTE).update(status=ProposalStatus.ACCEPTED)
