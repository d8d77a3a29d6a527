"""Wagtail admin pages for the census: imports with their progress and problems, and unbinding."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .census_import import census_import_create, census_import_progress, census_import_run
from .census_tasks import census_import_enqueue_after_commit
from .forms import CensusUploadForm, UnbindForm
from .models import CensusImport, User
from .permissions import can_import_census, can_unbind
from .selectors import census_imports_recent
from .verification import census_unbind


class _CensusAdminView(WagtailAdminTemplateMixin):
    header_icon = "group"
    allowed: tuple[str, ...] = ("import",)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        checks = {"import": can_import_census, "unbind": can_unbind}
        if not any(checks[name](request.user) for name in self.allowed):
            raise PermissionDenied
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        items = [*self.breadcrumbs_items, {"url": reverse("census:index"), "label": _("Census")}]
        if self.get_page_title() != _("Census"):
            items.append({"url": "", "label": self.get_page_title()})
        return items


class CensusIndexView(_CensusAdminView, TemplateView):
    page_title = gettext_lazy("Census")
    template_name = "accounts/admin/census_index.html"
    allowed = ("import", "unbind")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["imports"] = census_imports_recent()
        context["can_import"] = can_import_census(self.request.user)
        context["can_unbind"] = can_unbind(self.request.user)
        return context


class CensusImportCreateView(_CensusAdminView, FormView):  # type: ignore[type-arg]
    page_title = gettext_lazy("Import a census file")
    template_name = "accounts/admin/census_import_form.html"
    form_class = CensusUploadForm

    def form_valid(self, form: CensusUploadForm) -> HttpResponse:
        upload: UploadedFile[bytes] = form.cleaned_data["file"]
        path = _store_upload(upload)
        user = self.request.user
        census_import = census_import_create(
            file_name=upload.name or "census.csv", started_by=user if isinstance(user, User) else None
        )
        if getattr(settings, "CENSUS_IMPORT_IN_BACKGROUND", True):
            census_import_enqueue_after_commit(census_import_id=census_import.pk, path=path)
        else:
            _run_import(census_import.pk, path)
        return redirect("census:import_detail", pk=census_import.pk)


class CensusImportDetailView(_CensusAdminView, TemplateView):
    template_name = "accounts/admin/census_import_detail.html"

    def get_page_title(self) -> str:
        return _("Census import %(number)s") % {"number": self.kwargs["pk"]}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        census_import = get_object_or_404(CensusImport, pk=self.kwargs["pk"])
        context["census_import"] = census_import
        context["progress"] = census_import_progress(census_import)
        context["running"] = census_import.status in (CensusImport.Status.PENDING, CensusImport.Status.RUNNING)
        # A start before this one died with its worker (accounts.census_tasks.census_imports_sweep queued it again).
        context["started_again"] = census_import.attempts > (census_import.status == CensusImport.Status.RUNNING)
        context["more_problems"] = max(census_import.problems_total - len(census_import.problems), 0)
        return context


class CensusUnbindView(_CensusAdminView, FormView):  # type: ignore[type-arg]
    page_title = gettext_lazy("Unbind a census record")
    template_name = "accounts/admin/census_unbind.html"
    form_class = UnbindForm
    allowed = ("unbind",)

    def form_valid(self, form: UnbindForm) -> HttpResponse:
        account = User.objects.filter(email__iexact=form.cleaned_data["account_email"]).first()
        if account is None:
            form.add_error("account_email", _("No account uses this email."))
            return self.form_invalid(form)
        actor = self.request.user
        assert isinstance(actor, User)
        try:
            census_unbind(actor=actor, account=account, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(email)s is no longer verified; they can verify again.") % {"email": account.email}
        )
        return redirect("census:index")

    def form_invalid(self, form: UnbindForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def _store_upload(upload: UploadedFile[bytes]) -> Path:
    """Copy the upload to a private scratch file: never under MEDIA_ROOT, it holds document numbers."""
    work_dir = getattr(settings, "CENSUS_WORK_DIR", None) or tempfile.gettempdir()
    descriptor, name = tempfile.mkstemp(prefix="census-upload-", suffix=".csv", dir=work_dir)
    with os.fdopen(descriptor, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(name)


def _run_import(pk: int, path: Path) -> None:
    try:
        census_import_run(census_import=CensusImport.objects.get(pk=pk), path=path)
    finally:
        path.unlink(missing_ok=True)
