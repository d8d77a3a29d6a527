"""Demo editorial pages: the home page as the site root and a few standard pages."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage, StandardPage

STANDARD_PAGES = (
    (
        "como-funciona",
        "Cómo funciona",
        "Propón leyes, debátelas en vivo, apoya las que deben ir a votación y vota en secreto.",
    ),
    (
        "privacidad",
        "Privacidad y voto secreto",
        "Tu voto no puede vincularse a tu persona: guardamos quién participó y qué se eligió en tablas separadas.",
    ),
)


@transaction.atomic
def seed_home() -> HomePage:
    home: HomePage | None = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title="Decide La Libertad",
            slug="inicio",
            intro="Propón, debate y vota las leyes de tu región. Participa también desde tu provincia rural.",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        old_root = site.root_page if site.pk else None
        site.root_page = home
        site.site_name = "Decide La Libertad"
        site.save()
        if old_root is not None and old_root.pk != home.pk and not isinstance(old_root.specific, HomePage):
            old_root.delete()  # Wagtail's "Welcome" placeholder page
    for slug, title, intro in STANDARD_PAGES:
        if not StandardPage.objects.filter(slug=slug).exists():
            page = StandardPage(title=title, slug=slug, intro=intro, show_in_menus=True)
            home.add_child(instance=page)
            page.save_revision().publish()
    return home


def seed() -> None:
    seed_home()
