"""Editorial pages (home, standard) and site-wide settings."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BaseStreamBlock


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
        # Processes and editorial pages alike; each child's template card says what it is.
        context["children"] = Page.objects.live().public().child_of(self).specific()
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
