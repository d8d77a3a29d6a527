"""Newsletters in the Wagtail admin: snippets (rich text cleaned by decide.sanitize), sent from their desk."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_views import NewsletterSendView
from .models import Newsletter
from .newsletters import newsletter_body_clean


class NewsletterForm(WagtailAdminModelForm):
    def clean_body(self) -> str:
        return newsletter_body_clean(self.cleaned_data.get("body") or "")


class SendColumn(Column):
    def get_value(self, instance: Any) -> str:
        return str(_("Preview and send"))

    def get_cell_url(self, instance: Any) -> str:
        return reverse("notifications_newsletter_send", args=[instance.pk])


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    menu_label = _("Newsletters")
    menu_order = 8100
    add_to_admin_menu = True
    list_display = ["subject", "segment", "status", "recipient_count", SendColumn("send", label=_("Send"))]
    # What an editor writes; status, counters and dates belong to the send desk (snippets build their
    # form from panels, so listing fields alone would still show every model field).
    panels = [
        FieldPanel("subject"),
        FieldPanel("body"),
        FieldPanel("segment"),
        FieldPanel("province"),
        FieldPanel("district"),
        FieldPanel("process"),
    ]

    def get_form_class(self, for_update: bool = False) -> Any:
        self.base_form_class = NewsletterForm
        return super().get_form_class(for_update)


register_snippet(NewsletterViewSet)


@hooks.register("register_admin_urls")
def register_newsletter_urls() -> list[URLPattern]:
    return [path("newsletters/<int:pk>/send/", NewsletterSendView.as_view(), name="notifications_newsletter_send")]


@hooks.register("register_permissions")
def newsletter_permissions() -> Any:
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="notifications", codename__endswith="newsletter")
