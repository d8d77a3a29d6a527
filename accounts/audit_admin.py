"""The audit log in the Wagtail admin, for administrators: filter, page through, download as CSV.

The log is written by every moderation and administration service (`accounts.audit.audit_record`);
this module only reads it. The download streams the filtered rows in chunks, so a log of millions
of lines never sits in memory. Every staff page asks for the second factor (the admin's prefix is
under `StaffMFAMiddleware`), and the predicate refuses anyone who is not an administrator.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .audit import audit_choices, audit_entries
from .forms import TypedDateField
from .models import AuditEntry
from .permissions import can_read_audit_log

PAGE_SIZE = 50
_CHUNK_ROWS = 2000
# A spreadsheet runs a cell that starts with one of these as a formula: such text is prefixed with a quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=gettext_lazy("Who"),
        required=False,
        max_length=150,
        help_text=gettext_lazy("User name, email (or part of it), or account number."),
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    target_type = forms.ChoiceField(label=gettext_lazy("Kind of object"), required=False)
    target_id = forms.CharField(label=gettext_lazy("Object number"), required=False, max_length=64)
    since = TypedDateField(label=pgettext_lazy("start of a date range", "From"), required=False)
    until = TypedDateField(label=pgettext_lazy("end of a date range", "To"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions, types = audit_choices()
        everything = [("", pgettext("filter: any value", "All"))]
        self.fields["action"].choices = everything + [(a, a) for a in actions]  # type: ignore[attr-defined]
        self.fields["target_type"].choices = everything + [(t, t) for t in types]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The first day comes after the last one."))
        return data

    def entries(self) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        return audit_entries(
            actor=data.get("actor", "").strip(),
            action=data.get("action", ""),
            target_type=data.get("target_type", ""),
            target_id=data.get("target_id", "").strip(),
            since=data.get("since"),
            until=data.get("until"),
        )


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    if not can_read_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)  # every field is optional: no filter is a valid filter
    if not form.is_valid():
        return form, AuditEntry.objects.none()
    return form, form.entries()


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


CSV_HEADER = ["when", "actor_id", "actor", "action", "target_type", "target_id", "reason", "where", "detail"]


def audit_csv_rows(entries: Iterable[AuditEntry]) -> Iterator[list[str]]:
    for entry in entries:
        yield [
            _cell(value)
            for value in (
                timezone.localtime(entry.created_at).isoformat(),  # the site's time, with its offset
                entry.actor_id,
                entry.actor.username if entry.actor else "",
                entry.action,
                entry.target_type,
                entry.target_id,
                entry.reason,
                entry.location,
                json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
            )
        ]


def audit_csv_stream(entries: QuerySet[AuditEntry]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for n, row in enumerate(audit_csv_rows(entries.iterator(chunk_size=_CHUNK_ROWS)), start=1):
        writer.writerow(row)
        if n % _CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


class AuditLogView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Audit log")
    header_icon = "history"
    template_name = "accounts/admin/audit_log.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.form, entries = _filtered(request)
        self.page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        response: HttpResponse = super().get(request, *args, **kwargs)
        return response

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = {k: v for k, v in self.request.GET.items() if k != "page" and v}
        context.update(
            form=self.form,
            page=self.page,
            query=urlencode(query),
            csv_url=reverse("audit_log:csv") + (f"?{urlencode(query)}" if query else ""),
        )
        return context


@require_GET
def audit_log_csv(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    form, entries = _filtered(request)
    if form.errors:
        return HttpResponse(_("Check the filter: %(errors)s") % {"errors": form.errors.as_text()}, status=400)
    response = StreamingHttpResponse(audit_csv_stream(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
