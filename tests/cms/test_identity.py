"""The site identity set in the admin: colours that stay readable, a logo that cannot carry script, the favicon."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cms.identity import (
    AA_NORMAL_TEXT,
    DARK_BACKGROUND,
    WHITE,
    Identity,
    contrast_ratio,
    current_identity,
    readable_on,
)
from cms.models import SiteIdentity

pytestmark = pytest.mark.django_db


def _png(width: int = 200, height: int = 120) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (11, 92, 173)).save(buffer, "PNG")
    return ImageFile(buffer, name="logo.png")


def _svg_image() -> object:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
    name = default_storage.save("original_images/logo.svg", ContentFile(svg))
    return get_image_model().objects.create(title="logo svg", file=name, width=10, height=10)


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1.0)
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white


@pytest.mark.parametrize("field", ["primary_colour", "accent_colour"])
def test_a_colour_white_text_cannot_be_read_on_is_refused_with_its_ratio(field: str) -> None:
    identity = SiteIdentity(**{field: "#f5d90a"})
    with pytest.raises(ValidationError) as refused:
        identity.full_clean()
    message = " ".join(refused.value.message_dict[field])
    assert "4.5:1" in message and "#f5d90a" in message


def test_a_dark_enough_colour_is_accepted_and_a_malformed_one_refused() -> None:
    SiteIdentity(primary_colour="#1d6b2f", accent_colour="#7a1f5c").full_clean()
    with pytest.raises(ValidationError) as refused:
        SiteIdentity(primary_colour="blue").full_clean()
    assert "primary_colour" in refused.value.message_dict


def test_an_svg_logo_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        SiteIdentity(logo=_svg_image()).full_clean()
    assert "SVG" in " ".join(refused.value.message_dict["logo"])


@pytest.mark.parametrize("colour", ["#0b5cad", "#1d6b2f", "#6d2a8a", "#000000", "#595959"])
def test_dark_mode_links_are_tinted_until_they_read_on_the_dark_background(colour: str) -> None:
    assert contrast_ratio(readable_on(colour, DARK_BACKGROUND), DARK_BACKGROUND) >= AA_NORMAL_TEXT


def test_pages_show_the_neutral_default_until_an_administrator_sets_an_identity(client: Client) -> None:
    assert current_identity() == Identity()
    css = client.get("/identity.css").content.decode()
    assert "--brand:#0b5cad" in css
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 302 and favicon["Location"].endswith("icons/favicon.svg")


def test_saved_settings_reach_every_page_the_stylesheet_and_the_favicon(client: Client) -> None:
    from tests.factories import process_page

    page = process_page()
    assert current_identity().name == "Decide"  # cached now: saving must drop it
    image = get_image_model().objects.create(title="Escudo", file=_png())
    SiteIdentity.objects.update_or_create(
        pk=SiteIdentity.load().pk,
        defaults={
            "site_name": "Decide Trujillo",
            "tagline": "Tu voz en la región",
            "primary_colour": "#1d6b2f",
            "accent_colour": "#7a1f5c",
            "logo": image,
        },
    )
    identity = current_identity()
    html = client.get(page.url).content.decode()
    assert "Decide Trujillo" in html and "Tu voz en la región" in html
    assert f'href="/identity.css?v={identity.version}"' in html
    assert f'<img class="brand-logo" src="{identity.logo_url}"' in html
    assert 'property="og:image"' in html and identity.social_image_url in html
    css = client.get(f"/identity.css?v={identity.version}")
    assert "--brand:#1d6b2f" in css.content.decode() and "--accent:#7a1f5c" in css.content.decode()
    assert "max-age=31536000" in css["Cache-Control"]
    assert "max-age" not in client.get("/identity.css?v=stale")["Cache-Control"]  # an old URL is not pinned
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 302 and favicon["Location"] == identity.favicon_url
    assert identity.favicon_url.endswith(".png")


def test_warm_pages_read_the_identity_without_a_query(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    current_identity()
    with CaptureQueriesContext(connection) as queries:
        current_identity()
    assert len(queries) == 0


def test_the_admin_settings_form_refuses_a_failing_colour_with_the_reason(client: Client) -> None:
    from django.urls import reverse

    from tests.factories import UserFactory

    admin = UserFactory(roles=["administrator"])  # the role, not a superuser: granted by cms migration 0005
    client.force_login(admin)
    url = client.get(reverse("wagtailsettings:edit", args=["cms", "siteidentity"]))["Location"]  # the one row's form
    assert client.get(url).status_code == 200
    data = {"site_name": "Decide", "tagline": "", "logo": "", "primary_colour": "#ffd400", "accent_colour": "#8a4b00"}
    refused = client.post(url, data)
    assert refused.status_code == 200  # the form again, with its message; nothing saved
    assert "4.5:1" in refused.content.decode()
    assert not SiteIdentity.objects.filter(primary_colour="#ffd400").exists()
    saved = client.post(url, {**data, "primary_colour": "#1d6b2f"})
    assert saved.status_code == 302
    assert current_identity().primary == "#1d6b2f"


def test_a_moderator_cannot_change_the_identity(client: Client) -> None:
    from django.urls import reverse

    from tests.factories import UserFactory

    client.force_login(UserFactory(roles=["moderator"]))
    response = client.get(reverse("wagtailsettings:edit", args=["cms", "siteidentity"]), follow=True)
    assert 'name="primary_colour"' not in response.content.decode()


@pytest.mark.django_db
def test_a_page_renders_the_built_in_identity_when_the_settings_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The 413 page of a bare gunicorn (no tables yet) shows the built-in identity, never a 500."""
    from django.db import ProgrammingError

    from cms import identity

    def no_table() -> identity.Identity:
        raise ProgrammingError('relation "cms_siteidentity" does not exist')

    identity.forget_identity()
    monkeypatch.setattr(identity, "_from_settings", no_table)

    assert identity.current_identity() == identity.Identity()


@pytest.mark.django_db
def test_a_database_that_does_not_answer_is_not_waited_for_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """The error reaches the 503 page at once; swallowing it would make the page's own query wait again."""
    from django.db import OperationalError

    from cms import identity

    def timed_out() -> identity.Identity:
        raise OperationalError("database is locked")  # "not answering" on SQLite and PostgreSQL alike

    identity.forget_identity()
    monkeypatch.setattr(identity, "_from_settings", timed_out)

    with pytest.raises(OperationalError):
        identity.current_identity()
