"""Demo bill text: the water-use ordinance of La Libertad, 33 articles, annotated, amended in every state, two versions.

Runs after proposals.demo (its people and processes) through the services, as people would.
Idempotent: if the ordinance already has its text, nothing happens.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from proposals.models import Phase, ProcessPage, Proposal
from proposals.permissions import in_process_scope
from proposals.services import institutional_bill_create

from .demo_text import ORDINANCE, SUMMARY, TITLE
from .importer import parse_text
from .models import Draft, Section
from .services import (
    SectionInput,
    amendment_decide,
    amendment_propose,
    amendment_support_add,
    annotation_create,
    draft_create,
    version_create,
)

ANNOTATIONS = (
    ("3", "for", "Muy bien que la participación de las comunidades sea un principio y no un favor.", ""),
    ("3", "against", "Falta la selva: en Bolívar también hay comunidades nativas.", "equidad entre la costa"),
    ("10", "for", "Cincuenta litros es lo mínimo que recomienda la OMS. Que no se corte a nadie.", ""),
    (
        "10",
        "neutral",
        "¿Quién paga el mínimo vital cuando el prestador es una JASS sin fondos?",
        "aun en caso de deuda",
    ),
    ("13", "for", "Por fin los turnos en quechua. En Otuzco mucha gente no lee castellano.", "en quechua"),
    ("13", "against", "Quince días no alcanzan para organizar la campaña grande.", "quince días"),
    ("18", "for", "El monitoreo tiene que ser con laboratorio independiente, no el de la empresa.", ""),
    ("18", "neutral", "¿Cada mes es suficiente en época de lluvias?", "cada mes"),
    (
        "20",
        "against",
        "La tarifa agrícola es muy baja frente a la minera; igual pedimos que no suba para pequeños.",
        "",
    ),
    ("26", "for", "Que se incluya también la cuenca del Santa, que nace en Áncash pero riega Virú.", ""),
    ("30", "neutral", "Las multas deberían ir al Fondo Regional del Agua.", ""),
    ("7", "for", "Que el consejo consultivo tenga paridad de mujeres y hombres.", ""),
)


def _people() -> tuple[User, User, list[User]]:
    admin = User.objects.filter(email="admin@demo.decide").first()
    moderator = User.objects.filter(email="moderator@demo.decide").first()
    assert admin is not None and moderator is not None, "accounts.demo runs first"
    neighbours = list(
        User.objects.filter(email__endswith="@demo.decide", census_record__isnull=False, blocked_at__isnull=True)
        .select_related("census_record__district__province")
        .order_by("email")
    )
    return admin, moderator, neighbours


def _process() -> ProcessPage | None:
    """The water process if its debate is on; otherwise the first process whose debate is open now."""
    water: ProcessPage | None = ProcessPage.objects.filter(slug="ley-regional-agua-2027").first()
    if water is not None and water.is_open(Phase.DEBATE):
        return water
    page: ProcessPage
    for page in ProcessPage.objects.live().order_by("id"):
        if page.is_open(Phase.DEBATE):
            return page
    first: ProcessPage | None = ProcessPage.objects.order_by("id").first()
    return water or first


def seed() -> None:
    if Draft.objects.filter(proposal__title=TITLE).exists():
        return
    process = _process()
    if process is None:
        return
    admin, moderator, neighbours = _people()
    bill = Proposal.objects.filter(process=process, title=TITLE).first() or institutional_bill_create(
        process=process,
        actor=admin,
        title=TITLE,
        summary=SUMMARY,
        body="<p>El texto de la ordenanza se lee y se comenta artículo por artículo.</p>",
    )
    now = timezone.now().replace(second=0, microsecond=0)
    day = timedelta(days=1)
    sections = [
        SectionInput(kind=s.kind, number=s.number, heading=s.heading, text=s.text)
        for s in parse_text(ORDINANCE).sections
    ]
    draft = draft_create(
        actor=admin,
        proposal=bill,
        sections=sections,
        reading_opens=now - 20 * day,
        annotation_opens=now - 15 * day,
        annotation_closes=now + 20 * day,
        amendments_opens=now - 10 * day,
        amendments_closes=now + 20 * day,
        final_text_on=now + 25 * day,
    )
    articles = {s.number: s for s in Section.objects.filter(draft=draft, kind="article")}
    for i, (number, stance, body, quote) in enumerate(ANNOTATIONS):
        author = neighbours[i % len(neighbours)]
        annotation_create(author=author, section=articles[number], body=f"<p>{body}</p>", stance=stance, quote=quote)

    in_scope = [n for n in neighbours if in_process_scope(n, process)]
    if len(in_scope) < 8:
        return  # a process scoped to one district with few demo neighbours: annotations only
    plan = (
        (
            "7",
            "merged",
            "Se crea el Consejo Consultivo Regional del Agua, integrado con paridad de mujeres y hombres "
            "por representantes de las juntas de usuarios, de las comunidades campesinas, de las municipalidades "
            "provinciales y de las universidades de la región.",
            "La paridad asegura que las mujeres, que gestionan el "
            "agua del hogar y de la chacra, tengan voz en las decisiones.",
        ),
        (
            "13",
            "accepted",
            "Las juntas de usuarios publican los turnos de riego de cada campaña con al menos treinta "
            "días de anticipación, en castellano y, donde corresponda, en quechua.",
            "Quince días no alcanzan para organizar la campaña grande en la sierra.",
        ),
        ("20", "rejected", "La tarifa por uso de agua es la misma para todos los usos.", "Es más simple."),
        (
            "30",
            "proposed",
            "Las infracciones se sancionan con amonestación, multa o suspensión del derecho de uso, "
            "según su gravedad y reincidencia. Lo recaudado por multas ingresa al Fondo Regional del Agua.",
            "Las multas deben volver al agua.",
        ),
    )
    amendments = {}
    for i, (number, _state, text, why) in enumerate(plan):
        amendments[number] = amendment_propose(
            author=in_scope[i], section=articles[number], text=text, justification=why
        )
    for amendment, supporters in ((amendments["7"], in_scope[:6]), (amendments["30"], in_scope[2:8])):
        for supporter in supporters:
            amendment_support_add(amendment=amendment, user=supporter)
    amendment_decide(moderator=moderator, amendment=amendments["7"], accept=True)
    version_create(moderator=moderator, draft=draft, note="Paridad en el Consejo Consultivo (enmienda ciudadana).")
    amendment_decide(moderator=moderator, amendment=amendments["13"], accept=True)
    amendment_decide(
        moderator=moderator,
        amendment=amendments["20"],
        accept=False,
        reason="Una tarifa única haría pagar lo mismo al pequeño agricultor que a la minería.",
    )
