"""The newsletter desk in the Wagtail admin: preview, recipient count, test to oneself, send, progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.models import User
from decide.refusals import Refused

from .models import Newsletter
from .newsletters import newsletter_recipients, newsletter_refusal, newsletter_send, newsletter_test_send
from .selectors import newsletter_progress


class NewsletterSendView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "notifications/admin/newsletter_send.html"
    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if newsletter_refusal(request.user):
            raise PermissionDenied
        self.newsletter = get_object_or_404(Newsletter, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return _("Newsletter: %(subject)s") % {"subject": self.newsletter.subject}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["newsletter"] = self.newsletter
        # The body was cleaned by decide.sanitize when it was saved (NewsletterForm).
        context["preview"] = mark_safe(self.newsletter.body)
        context["recipients"] = (
            newsletter_recipients(self.newsletter).count()
            if self.newsletter.status == Newsletter.Status.DRAFT
            else self.newsletter.recipient_count
        )
        context["progress"] = newsletter_progress(self.newsletter)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert isinstance(request.user, User)
        try:
            if request.POST.get("action") == "test":
                newsletter_test_send(newsletter=self.newsletter, actor=request.user)
                messages.success(request, _("A test copy is on its way to %(email)s.") % {"email": request.user.email})
            elif request.POST.get("action") == "send":
                newsletter_send(newsletter=self.newsletter, actor=request.user)
                messages.success(request, _("The newsletter is being sent in the background."))
        except Refused as refusal:
            messages.error(request, refusal.message)
        return redirect("notifications_newsletter_send", pk=self.newsletter.pk)
