"""Demo debates, each written for its own proposal: threads, stances, reactions, official answers, pinned comments.

Idempotent: once any demo commenter has written, seeding does nothing more.
Rows are written directly (demo content, not user input, and nobody is watching yet);
counts on comments are set from the reactions written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import District, User
from decide.sanitize import clean_html

from .models import PUBLIC_STATUSES, Comment, CommentReaction, Proposal


@dataclass(frozen=True)
class Commenter:
    email: str
    name: str
    gender: str
    area: str


COMMENTERS = (
    Commenter("rosa@demo.decide", "Rosa Huamán", "female", "rural"),
    Commenter("jorge@demo.decide", "Jorge Salazar", "male", "urban"),
    Commenter("maria@demo.decide", "María Chávez", "female", "urban"),
    Commenter("teodoro@demo.decide", "Teodoro Quispe", "male", "rural"),
    Commenter("lucia@demo.decide", "Lucía Vega", "another", "rural"),
    Commenter("marleni@demo.decide", "Marleni Rodríguez", "female", "rural"),
    Commenter("santos@demo.decide", "Santos Polo", "male", "rural"),
    Commenter("elena@demo.decide", "Elena Alvarado", "female", "urban"),
)
ROSA, JORGE, MARIA, TEODORO, LUCIA, MARLENI, SANTOS, ELENA = range(len(COMMENTERS))


@dataclass(frozen=True)
class Debate:
    """One proposal's thread, written for it: (key, parent key, commenter, stance, text) in order."""

    comments: tuple[tuple[str, str | None, int, str, str], ...]
    pinned: str
    deleted: str = ""  # withdrawn by its author: it keeps its place so the replies under it still read right
    official: tuple[str, str] | None = None  # (the comment it answers, the moderator's official answer)
    reactions: tuple[tuple[str, tuple[int, ...]], ...] = ()


# Keyed by the proposal's title (proposals/demo_data.py): each debate is about its own proposal. The process whose
# debate is open now (maternal health) has the liveliest ones; the others show a debate beside the supports phase
# and one after the vote.
DEBATES: dict[str, Debate] = {
    "Casas de espera materna en cada red de salud": Debate(
        comments=(
            (
                "a",
                None,
                ROSA,
                "for",
                "<p>En Pataz las gestantes bajamos a pie o en mula hasta seis horas. Mi cuñada "
                "dio a luz en el camino. Una casa de espera junto al centro de salud nos daría tranquilidad.</p>",
            ),
            (
                "b",
                "a",
                TEODORO,
                "for",
                "<p>En Sartimbamba la comunidad ya prestó un local. Falta quien cocine y quien acompañe de noche.</p>",
            ),
            (
                "c",
                "b",
                MARLENI,
                "neutral",
                "<p>¿Quién pagaría la comida de la gestante y de su familiar? Muchas no "
                "vienen porque dejan solos a sus hijos.</p>",
            ),
            (
                "d",
                None,
                JORGE,
                "against",
                "<p>La idea es buena, pero primero hacen falta obstetras las 24 horas: "
                "una casa de espera sin personal no sirve.</p>",
            ),
            (
                "e",
                "d",
                MARIA,
                "neutral",
                "<p>Se pueden pedir las dos cosas: la propuesta de obstetras para Pataz "
                "está en este mismo proceso.</p>",
            ),
            (
                "f",
                None,
                LUCIA,
                "for",
                "<p>Que las casas tengan cocina para preparar nuestros alimentos y que nos "
                "atiendan también en quechua.</p>",
            ),
            (
                "g",
                "f",
                SANTOS,
                "for",
                "<p>Y que el esposo o la mamá puedan quedarse. Así más mujeres aceptarían ir.</p>",
            ),
            (
                "h",
                None,
                ELENA,
                "neutral",
                "<p>¿Cuántas casas serían? Propongo empezar por las redes con más partos en domicilio.</p>",
            ),
        ),
        pinned="a",
        official=(
            "c",
            "<p>La Gerencia Regional de Salud financia la alimentación de la gestante y de una persona que la "
            "acompañe con el programa de salud materno neonatal; los municipios ponen el local.</p>",
        ),
        reactions=(("a", (1, 1, 1, 1, -1)), ("d", (1, -1, -1)), ("f", (1, 1)), ("c", (1,))),
    ),
    "Parto vertical e intercultural en los hospitales": Debate(
        comments=(
            (
                "a",
                None,
                MARIA,
                "for",
                "<p>Mi mamá tuvo a sus hijos de pie y acompañada. En el hospital a mi prima "
                "la obligaron a echarse. Que respeten cómo queremos dar a luz.</p>",
            ),
            ("b", "a", JORGE, "neutral", "<p>¿Es seguro el parto vertical? Lo pregunto de verdad.</p>"),
            (
                "c",
                "b",
                ELENA,
                "for",
                "<p>Sí: el Ministerio de Salud tiene una norma técnica de parto vertical con "
                "adecuación intercultural. Lo que falta es capacitar al personal.</p>",
            ),
            ("d", None, TEODORO, "for", "<p>Que dejen entrar al esposo y a la partera de la comunidad.</p>"),
            (
                "e",
                None,
                SANTOS,
                "against",
                "<p>Lo importante es que el hospital tenga sangre y quirófano; lo demás es secundario.</p>",
            ),
            (
                "f",
                "e",
                ROSA,
                "for",
                "<p>Si las mujeres no van al hospital porque las tratan mal, de nada sirve el "
                "quirófano. Las dos cosas cuentan.</p>",
            ),
        ),
        pinned="a",
        reactions=(("a", (1, 1, 1)), ("e", (-1, -1, 1)), ("f", (1, 1))),
    ),
    "Anemia cero en niñas y niños menores de tres años": Debate(
        comments=(
            (
                "a",
                None,
                LUCIA,
                "for",
                "<p>En mi caserío casi todos los niños tienen anemia. Las chispitas no les "
                "gustan; mejor sangrecita, hígado y menestras.</p>",
            ),
            (
                "b",
                "a",
                MARLENI,
                "for",
                "<p>Las promotoras de salud podrían enseñar recetas con sangrecita en las visitas a las casas.</p>",
            ),
            (
                "c",
                None,
                JORGE,
                "neutral",
                "<p>¿Cómo vamos a saber si funciona? Que se publique cada seis meses la anemia por distrito.</p>",
            ),
            ("d", "c", MARIA, "for", "<p>Sí, con datos abiertos, como los resultados de las votaciones.</p>"),
            ("e", None, TEODORO, "against", "<p>Esto ya lo hace el Minsa, no hace falta otra norma.</p>"),
            (
                "f",
                "e",
                ELENA,
                "neutral",
                "<p>Lo hace, pero no llega a los caseríos altos. La propuesta pide "
                "visitas a domicilio, que hoy no hay.</p>",
            ),
        ),
        pinned="c",
        deleted="e",
        reactions=(("a", (1, 1)), ("c", (1, 1, 1)), ("f", (1,))),
    ),
    "Puente peatonal sobre el río Chicama en Sayapullo": Debate(
        comments=(
            (
                "a",
                None,
                SANTOS,
                "for",
                "<p>Cada enero el río crece y los escolares no pueden cruzar. El año pasado "
                "la corriente se llevó a un muchacho.</p>",
            ),
            (
                "b",
                "a",
                JORGE,
                "neutral",
                "<p>¿Colgante o de concreto? El colgante cuesta menos y se hace más rápido.</p>",
            ),
            ("c", "b", TEODORO, "for", "<p>Colgante, con mantenimiento de la comunidad: así lo hicimos en Marmot.</p>"),
            ("d", None, ELENA, "for", "<p>Que tenga barandas altas y luz: los escolares cruzan de madrugada.</p>"),
            (
                "e",
                None,
                MARIA,
                "against",
                "<p>Sayapullo necesita primero la carretera; un puente peatonal no saca la cosecha.</p>",
            ),
        ),
        pinned="a",
        reactions=(("a", (1, 1, 1)), ("e", (-1, 1))),
    ),
    "Mejoramiento del sistema de agua potable de Usquil": Debate(
        comments=(
            (
                "a",
                None,
                ROSA,
                "for",
                "<p>En mi caserío el agua llega dos horas al día. Esta obra nos cambiaría la vida.</p>",
            ),
            ("b", "a", JORGE, "neutral", "<p>¿Alguien sabe cuánto costaría el mantenimiento cada año?</p>"),
            ("c", "b", ROSA, "for", "<p>La JASS puede cobrar una cuota pequeña, como ya se hace en Otuzco.</p>"),
            (
                "d",
                None,
                MARIA,
                "against",
                "<p>Primero hay que cambiar las tuberías viejas; se pierde casi la mitad del agua.</p>",
            ),
            ("e", "d", TEODORO, "neutral", "<p>Las dos cosas pueden ir juntas: la obra incluye la red.</p>"),
            ("f", None, LUCIA, "for", "<p>Pido que las asambleas de la obra se hagan también en quechua.</p>"),
        ),
        pinned="a",
        deleted="e",
        official=(
            "b",
            "<p>La Municipalidad Distrital de Usquil confirma que la JASS recibe capacitación y un fondo de "
            "mantenimiento durante los tres primeros años.</p>",
        ),
        reactions=(("a", (1, 1, 1, -1)), ("d", (-1, 1)), ("c", (1,))),
    ),
}


def _commenters() -> list[User]:
    districts = {area: District.objects.filter(area=area).order_by("code").first() for area in ("rural", "urban")}
    users = []
    for person in COMMENTERS:
        user, created = User.objects.get_or_create(
            email=person.email,
            defaults={"username": person.email, "display_name": person.name, "declared_gender": person.gender},
        )
        if created:
            user.set_unusable_password()
            user.declared_district = districts[person.area]
            user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
        users.append(user)
    return users


def _seed_debate(proposal: Proposal, debate: Debate, people: list[User], moderator: User | None) -> None:
    written: dict[str, Comment] = {}
    for key, parent, who, stance, body in debate.comments:
        written[key] = Comment.objects.create(
            proposal=proposal,
            parent=written.get(parent) if parent else None,
            author=people[who],
            stance=stance,
            body=clean_html(body),
        )
    written[debate.pinned].is_pinned = True
    written[debate.pinned].save(update_fields=["is_pinned"])
    if debate.deleted:
        written[debate.deleted].deleted_at = timezone.now()
        written[debate.deleted].save(update_fields=["deleted_at"])
    if debate.official is not None and moderator is not None:
        answered, text = debate.official
        Comment.objects.create(
            proposal=proposal,
            parent=written[answered],
            author=moderator,
            stance="neutral",
            body=clean_html(text),
            is_official=True,
        )
    for key, values in debate.reactions:
        comment = written[key]
        voters = [p for p in people if p.pk != comment.author_id]
        for user, value in zip(voters, values, strict=False):
            CommentReaction.objects.create(comment=comment, user=user, value=value)
        comment.agree_count = sum(1 for v in values if v == 1)
        comment.disagree_count = sum(1 for v in values if v == -1)
        comment.save(update_fields=["agree_count", "disagree_count"])


@transaction.atomic
def seed() -> None:
    people = _commenters()
    # Seeded once: a second run must not add the same debates again.
    if Comment.objects.filter(author__in=people).exists():
        return
    moderator = User.objects.filter(email="moderator@demo.decide").first()
    proposals = Proposal.objects.filter(status__in=PUBLIC_STATUSES, title__in=list(DEBATES)).order_by("id")
    for proposal in proposals:
        _seed_debate(proposal, DEBATES[proposal.title], people, moderator)
