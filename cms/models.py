"""Editorial pages (home, standard) and site-wide settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BaseStreamBlock
from .home import home_sections
from .identity import AA_NORMAL_TEXT, DEFAULT_ACCENT, DEFAULT_NAME, DEFAULT_PRIMARY, HEX_COLOUR, WHITE, contrast_ratio


class HomePage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        # What can I do now: processes, polls and proposals come from their apps (cms.home); the
        # editorial pages (how it works, privacy) follow as cards.
        context["sections"] = home_sections(request)
        context["children"] = Page.objects.live().public().child_of(self).type(StandardPage).specific()
        return context


class StandardPage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="cog")
class DecideSettings(BaseSiteSetting):
    """Settings an administrator changes per site without a deploy."""

    suppression_threshold = models.PositiveIntegerField(
        _("small-cell suppression threshold"),
        default=10,
        help_text=_("Published statistics cells with fewer people than this are shown as suppressed."),
    )
    contact_email = models.EmailField(_("help contact email"), blank=True)

    panels = [FieldPanel("suppression_threshold"), FieldPanel("contact_email")]

    class Meta:
        verbose_name = _("Decide settings")


colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Write the colour as # and six hexadecimal digits, e.g. #0b5cad.")
)


@register_setting(icon="image")
class SiteIdentity(BaseGenericSetting):
    """How the site presents itself: name, tagline, logo and colours; neutral defaults until set.

    Pages read it through cms.identity.current_identity (cached; saving drops the cache)."""

    site_name = models.CharField(_("site name"), max_length=60, default=DEFAULT_NAME)
    tagline = models.CharField(_("tagline"), max_length=120, blank=True, help_text=_("One short line under the name."))
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A PNG or JPEG image, at least 96 pixels high. Also used as the favicon and the social preview."),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default=DEFAULT_PRIMARY,
        validators=[colour_validator],
        help_text=_("Buttons and links. White text must be readable on it (contrast 4.5:1 or more)."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default=DEFAULT_ACCENT,
        validators=[colour_validator],
        help_text=_("Highlights and calls to action. White text must be readable on it (contrast 4.5:1 or more)."),
    )

    panels = [
        FieldPanel("site_name"),
        FieldPanel("tagline"),
        FieldPanel("logo"),
        FieldPanel("primary_colour"),
        FieldPanel("accent_colour"),
    ]

    class Meta:
        verbose_name = _("site identity")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(primary_colour__regex=r"^#[0-9a-fA-F]{6}$"), name="identity_primary_hex"
            ),
            models.CheckConstraint(
                condition=models.Q(accent_colour__regex=r"^#[0-9a-fA-F]{6}$"), name="identity_accent_hex"
            ),
            models.CheckConstraint(condition=~models.Q(site_name=""), name="identity_name_not_empty"),
        ]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("primary_colour", "accent_colour"):
            value = getattr(self, field)
            if not isinstance(value, str) or HEX_COLOUR.match(value) is None:
                continue  # the field validator already says what is wrong
            ratio = contrast_ratio(value, WHITE)
            if ratio < AA_NORMAL_TEXT:
                errors[field] = str(
                    _(
                        "White text on %(colour)s has a contrast of %(ratio).1f:1; at least 4.5:1 is needed so "
                        "everyone can read it. Choose a darker colour."
                    )
                    % {"colour": value, "ratio": ratio}
                )
        if self.logo is not None and self.logo.is_svg():
            # An SVG can carry scripts and outside references: refused rather than sanitised.
            errors["logo"] = str(_("SVG logos are not accepted (an SVG file can carry scripts). Upload a PNG."))
        if errors:
            raise ValidationError(errors)
