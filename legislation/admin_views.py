"""The Wagtail admin's side of a bill's text: import with a preview to correct, and the drafting calendar.

Import is two steps and writes nothing until the second: (1) the administrator picks
the bill, its calendar and pastes or uploads the text; the importer parses it and the
page shows every section as an editable row, with warnings (numbering gaps, empty
articles); (2) the corrected rows are confirmed and `draft_create` saves them all, or
nothing, in one transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from decide.refusals import NotAllowed, Refused, TooLarge
from proposals.models import PUBLIC_STATUSES, Proposal
from proposals.permissions import can_create_institutional_bill

from . import services
from .forms import ImportForm, SectionFormSet
from .importer import MAX_UPLOAD_BYTES, ParseResult, parse_text, parse_upload
from .models import Draft

CALENDAR_FIELDS = (
    "reading_opens",
    "annotation_opens",
    "annotation_closes",
    "amendments_opens",
    "amendments_closes",
    "final_text_on",
)


def _administrator(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not can_create_institutional_bill(user):
        raise NotAllowed(_("Only administrators import the text of a bill."))
    return user


def _bills_without_text() -> Any:
    return Proposal.objects.filter(status__in=PUBLIC_STATUSES, legislative_draft__isnull=True).order_by("-id")


def _parse(form: ImportForm) -> ParseResult:
    upload = form.cleaned_data.get("file")
    if upload:
        if (upload.size or 0) > MAX_UPLOAD_BYTES:  # refused before reading it into memory
            raise TooLarge(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return parse_upload(name=upload.name or "", data=upload.read())
    return parse_text(form.cleaned_data["text"])


def _metadata_hidden(form: ImportForm) -> list[Any]:
    return [form[name] for name in ("proposal", *CALENDAR_FIELDS)]


def draft_import(request: HttpRequest) -> HttpResponse:
    user = _administrator(request)
    step = request.POST.get("step", "")
    form = ImportForm(
        request.POST or None, request.FILES or None, proposals=_bills_without_text(), confirming=step == "confirm"
    )
    if request.method != "POST":
        return TemplateResponse(request, "legislation/admin/import.html", {"form": form})
    if step == "confirm":
        return _confirm(request, user, form)
    if not form.is_valid():
        return TemplateResponse(request, "legislation/admin/import.html", {"form": form}, status=400)
    try:
        result = _parse(form)
    except Refused as refusal:
        form.add_error("file" if form.cleaned_data.get("file") else "text", refusal.message)
        return TemplateResponse(request, "legislation/admin/import.html", {"form": form}, status=refusal.status)
    formset = SectionFormSet(
        initial=[{"kind": s.kind, "number": s.number, "heading": s.heading, "text": s.text} for s in result.sections]
    )
    context = {"form": form, "hidden": _metadata_hidden(form), "formset": formset, "result": result}
    return TemplateResponse(request, "legislation/admin/preview.html", context)


def _confirm(request: HttpRequest, user: User, form: ImportForm) -> HttpResponse:
    formset = SectionFormSet(request.POST)
    valid = form.is_valid() and formset.is_valid()
    context: dict[str, Any] = {"form": form, "hidden": _metadata_hidden(form), "formset": formset, "result": None}
    if not valid:
        if form.errors:
            return TemplateResponse(request, "legislation/admin/import.html", {"form": form}, status=400)
        return TemplateResponse(request, "legislation/admin/preview.html", context, status=400)
    sections = [
        services.SectionInput(
            kind=row["kind"], number=row.get("number", ""), heading=row.get("heading", ""), text=row.get("text", "")
        )
        for row in formset.cleaned_data
        if row and not row.get("delete")
    ]
    try:
        draft = services.draft_create(
            actor=user,
            proposal=form.cleaned_data["proposal"],
            sections=sections,
            **{name: form.cleaned_data[name] for name in CALENDAR_FIELDS},
        )
    except Refused as refusal:
        context["error"] = refusal.message
        return TemplateResponse(request, "legislation/admin/preview.html", context, status=refusal.status)
    messages.success(request, _("The text of the bill was saved as version 1."))
    return HttpResponseRedirect(reverse("legislation_admin:list") + f"#draft-{draft.pk}")


class CalendarForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Draft
        fields = CALENDAR_FIELDS


def draft_list(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    drafts = Draft.objects.select_related("proposal").order_by("-created_at")
    return TemplateResponse(request, "legislation/admin/list.html", {"drafts": drafts})


def draft_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    user = _administrator(request)
    draft = get_object_or_404(Draft.objects.select_related("proposal"), pk=pk)
    form = CalendarForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_calendar_update(actor=user, draft=draft, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Drafting calendar saved."))
            return HttpResponseRedirect(reverse("legislation_admin:list"))
    context = {"form": form, "draft": draft}
    return TemplateResponse(request, "legislation/admin/calendar.html", context, status=400 if form.errors else 200)
