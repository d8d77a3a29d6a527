"""factory_boy factories for every app's models. Add yours here, grouped by app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import ADMINISTRATOR, MODERATOR, OFFICER

# --- accounts -----------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A citizen: an account with a confirmed email address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def confirmed(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
            if set(extracted) & {MODERATOR, ADMINISTRATOR, OFFICER}:
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Region"
        django_get_or_create = ("code",)

    code = "13"
    name = "La Libertad"


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Province"
        django_get_or_create = ("code",)

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"13{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Provincia {n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.District"
        django_get_or_create = ("code",)

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"13{n // 100 % 100:02d}{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Distrito {n}")
    area = "urban"


class CensusRecordFactory(factory.django.DjangoModelFactory):
    """A census row. `document` (not stored) is the number the person would type."""

    class Meta:
        model = "accounts.CensusRecord"
        exclude = ("document",)

    document = factory.Sequence(lambda n: f"{40000000 + n}")
    document_hash = factory.LazyAttribute(lambda o: _document_hash(o.document))
    birth_date = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
    district = factory.SubFactory(DistrictFactory)
    gender = "female"
    area = factory.LazyAttribute(lambda o: o.district.area)


def _document_hash(number: str) -> str:
    from accounts.census import document_hash

    return document_hash(number)


class VerifiedUserFactory(UserFactory):
    """A verified citizen: bound to a census record of their own."""

    census_record = factory.SubFactory(CensusRecordFactory)
    verified_at = factory.LazyFunction(timezone.now)


# --- proposals ----------------------------------------------------------------------


def process_page(
    *, parent: Any = None, phases_open: tuple[str, ...] = ("proposals", "supports", "debate"), **fields: Any
) -> Any:
    """Create and publish a ProcessPage under the home page (or `parent`).

    `phases_open` names the phases open now; the others are in the past (vote: in the future).
    """
    from datetime import timedelta

    from wagtail.models import Page

    from proposals.models import ProcessPage

    now = timezone.now()
    day = timedelta(days=1)
    open_span = (now - day, now + 30 * day)
    past_span = (now - 60 * day, now - 30 * day)
    future_span = (now + 40 * day, now + 50 * day)

    def span(phase: str) -> tuple[Any, Any]:
        if phase in phases_open:
            return open_span
        return future_span if phase == "vote" else past_span

    values: dict[str, Any] = {"title": "Ley regional de agua", "slug": None, "intro": "Agua para todos."}
    for phase in ("proposals", "supports", "debate", "vote"):
        opens, closes = span(phase)
        values[f"{phase}_opens"] = opens
        values[f"{phase}_closes"] = closes
    values["results_on"] = values["vote_closes"]
    values.update(fields)
    if not values["slug"]:
        values["slug"] = f"proceso-{ProcessPage.objects.count() + 1}-{now.timestamp():.0f}"
    if parent is None:
        parent = Page.objects.filter(depth=2).first() or _home_page()
    page = ProcessPage(**values)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _home_page() -> Any:
    """A root and a home page with its site: transactional tests flush the ones migrations made."""
    from django.conf import settings
    from wagtail.models import Locale, Page, Site

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=Page(title="Inicio", slug="inicio"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return home


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Category"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Categoría {n}")
    slug = factory.Sequence(lambda n: f"categoria-{n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    """A published citizen proposal in a process whose proposals, supports and debate phases are open."""

    class Meta:
        model = "proposals.Proposal"

    process = factory.LazyFunction(lambda: process_page())
    title = factory.Sequence(lambda n: f"Propuesta {n}: riego tecnificado")
    summary = "Que cada comunidad tenga riego tecnificado."
    body = "<p>Texto de la propuesta.</p>"
    author = factory.SubFactory(UserFactory)
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Comment"

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(UserFactory)
    body = "<p>Estoy de acuerdo.</p>"


# --- legislation --------------------------------------------------------------------


def bill_text(articles: int, *, words: int = 40) -> str:
    """A water-use ordinance in Spanish with `articles` articles under two chapters, as an administrator pastes it."""
    lines = ["ORDENANZA REGIONAL SOBRE EL USO DEL AGUA", "", "Capítulo I", "Disposiciones generales", ""]
    filler = " ".join(["el", "agua", "de", "riego", "se", "distribuye", "por", "turnos", "entre", "usuarios"] * 8)
    for n in range(1, articles + 1):
        if n == articles // 2 + 1:
            lines += ["Capítulo II", "De los usuarios", ""]
        body = " ".join(filler.split()[: max(words - 8, 1)])
        lines += [f"Artículo {n}. Materia {n}", f"La junta regula la materia {n}: {body}.", ""]
    return "\n".join(lines)


def legislation_draft(
    *,
    articles: int = 8,
    phases_open: tuple[str, ...] = ("annotation", "amendments"),
    proposal: Any = None,
    administrator: Any = None,
    words: int = 40,
) -> Any:
    """A bill with its text imported through the service (version 1), its drafting phases open as named.

    `phases_open` may name "annotation", "amendments", "final_text" (annotation and amendments then
    closed) or "upcoming" (nothing readable yet); reading is open otherwise.
    """
    from legislation.importer import parse_text
    from legislation.services import SectionInput, draft_create

    now = timezone.now()
    day = timedelta(days=1)
    administrator = administrator or UserFactory(roles=[ADMINISTRATOR])
    if proposal is None:
        proposal = ProposalFactory(kind="institutional", author=administrator, title="Ordenanza regional del agua")
    shift = 100 * day if "upcoming" in phases_open else 0 * day

    def span(phase: str) -> tuple[Any, Any]:
        return (now - day, now + 30 * day) if phase in phases_open else (now - 50 * day + shift, now - 40 * day + shift)

    annotation, amendments = span("annotation"), span("amendments")
    final = now - 3600 * timedelta(seconds=1) if "final_text" in phases_open else now + 35 * day
    sections = [
        SectionInput(kind=s.kind, number=s.number, heading=s.heading, text=s.text)
        for s in parse_text(bill_text(articles, words=words)).sections
    ]
    return draft_create(
        actor=administrator,
        proposal=proposal,
        sections=sections,
        reading_opens=now - 60 * day + shift,
        annotation_opens=annotation[0],
        annotation_closes=annotation[1],
        amendments_opens=amendments[0],
        amendments_closes=amendments[1],
        final_text_on=max(final + shift, amendments[1]),
    )


# --- votes --------------------------------------------------------------------------


class PollFactory(factory.django.DjangoModelFactory):
    """An open poll with one yes / no / abstain question."""

    class Meta:
        model = "votes.Poll"
        skip_postgeneration_save = True

    process = factory.LazyFunction(lambda: process_page(phases_open=("vote",)))
    title = factory.Sequence(lambda n: f"Consulta {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    @factory.post_generation
    def questions(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or extracted is False:
            return
        from votes.models import Option, Question

        question = Question.objects.create(poll=self, text="¿Aprueba la propuesta?", position=0)
        for position, label in enumerate(("Sí", "No", "Abstención")):
            Option.objects.create(question=question, label=label, position=position)
