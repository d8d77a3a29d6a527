"""Demo debates on the demo proposals: threads, stances, reactions, an official answer, a pinned comment.

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

DEBATES_SEEDED = 3


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
)

# (key, parent key, commenter index, stance, body); the moderator's official answer comes apart.
THREAD = (
    ("a", None, 0, "for", "<p>En mi caserío el agua llega dos horas al día. Esta propuesta nos cambiaría la vida.</p>"),
    ("b", "a", 1, "neutral", "<p>¿Alguien sabe cuánto costaría el mantenimiento cada año?</p>"),
    ("c", "b", 0, "for", "<p>La junta de usuarios puede cobrar una cuota pequeña, como ya se hace en Otuzco.</p>"),
    ("d", None, 2, "against", "<p>Primero hay que arreglar las tuberías de la ciudad; se pierde casi la mitad.</p>"),
    ("e", "d", 3, "neutral", "<p>Las dos cosas pueden ir juntas si el presupuesto se reparte por provincias.</p>"),
    ("f", None, 4, "for", "<p>Pido que las reuniones se hagan también en quechua.</p>"),
)
OFFICIAL = (
    "<p>La Gerencia Regional de Agricultura confirma que el mantenimiento se financia con el fondo "
    "regional de riego durante los tres primeros años.</p>"
)


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


def _seed_debate(proposal: Proposal, people: list[User], moderator: User | None) -> None:
    written: dict[str, Comment] = {}
    for key, parent, who, stance, body in THREAD:
        written[key] = Comment.objects.create(
            proposal=proposal,
            parent=written.get(parent) if parent else None,
            author=people[who],
            stance=stance,
            body=clean_html(body),
        )
    written["a"].is_pinned = True
    written["a"].save(update_fields=["is_pinned"])
    # A withdrawn comment keeps its place ("deleted") so the reply under it still reads right.
    written["e"].deleted_at = timezone.now()
    written["e"].save(update_fields=["deleted_at"])
    if moderator is not None:
        Comment.objects.create(
            proposal=proposal,
            parent=written["b"],
            author=moderator,
            stance="neutral",
            body=clean_html(OFFICIAL),
            is_official=True,
        )
    reactions = {"a": (1, 1, 1, -1), "d": (-1, 1), "c": (1,)}
    for key, values in reactions.items():
        comment = written[key]
        voters = [p for p in people if p.pk != comment.author_id]
        for user, value in zip(voters, values, strict=False):
            CommentReaction.objects.create(comment=comment, user=user, value=value)
        comment.agree_count = sum(1 for v in values if v == 1)
        comment.disagree_count = sum(1 for v in values if v == -1)
        comment.save(update_fields=["agree_count", "disagree_count"])


def _debate_proposals() -> list[Proposal]:
    """Public proposals, those whose debate is open now first, so visitors can join a seeded debate."""
    now = timezone.now()
    public = Proposal.objects.filter(status__in=PUBLIC_STATUSES).select_related("process").order_by("id")
    open_now = [p for p in public if p.process.debate_opens <= now < p.process.debate_closes]
    others = [p for p in public if p not in open_now]
    return (open_now + others)[:DEBATES_SEEDED]


@transaction.atomic
def seed() -> None:
    people = _commenters()
    # Seeded once: the choice of proposals depends on the date, a second run must not add more.
    if Comment.objects.filter(author__in=people).exists():
        return
    moderator = User.objects.filter(email="moderator@demo.decide").first()
    for proposal in _debate_proposals():
        _seed_debate(proposal, people, moderator)
