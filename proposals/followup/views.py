"""Pages after the vote, served under a process page (routed by ProcessPage) and one file route: thin views.

GET shows a form or a page; POST parses it and calls one service. A refusal is shown on the
form with its status (403, 413, 400), never a 500.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from decide.forms import bind_errors
from decide.middleware import refusal_response
from decide.refusals import Refused
from decide.rich_text import editable_text
from decide.uploads import download_name, file_response
from proposals.models import ProcessPage, Proposal
from proposals.permissions import can_view_proposal
from proposals.selectors import proposal_for_viewer

from . import permissions, selectors, services
from .forms import AnswerForm, AttachmentEditForm, AttachmentForm, MilestoneEditForm, MilestoneForm, OutcomeFilterForm
from .models import Attachment, AttachmentKind, Milestone

DATA_FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _render(
    page: ProcessPage, request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response: HttpResponse = page.render(request, context_overrides=context, template=template)
    response.status_code = status
    return response


def _upload(request: HttpRequest, form: Any) -> services.Upload | None:
    document = form.cleaned_data.get("document")
    if not document:
        return None
    return services.Upload(file=document, name=document.name or "", alt_text=form.cleaned_data.get("alt_text") or "")


def _form_action(
    request: HttpRequest,
    page: ProcessPage,
    proposal: Proposal,
    *,
    refusal: Refused | None,
    form_class: type[Any],
    template: str,
    act: Any,
    done: str,
    anchor: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The shape of every form here: sign in, predicate, GET form, POST → one service → back to the proposal."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    detail_url = page.proposal_url(proposal)
    if refusal is not None:
        return refusal_response(request, refusal, back_url=detail_url)
    form = form_class(request.POST or None, request.FILES or None, **(extra or {}).get("form_kwargs", {}))
    context = {"form": form, "proposal": proposal, "detail_url": detail_url, **(extra or {}).get("context", {})}
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                act(form.cleaned_data, _upload(request, form))
            except Refused as refused:  # a file refused by content or size, or the proposal moved on meanwhile
                form.add_error(None, refused.message)
                status = refused.status
            except ValidationError as error:
                bind_errors(form, error)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(detail_url + anchor)
        return _render(page, request, template, context, status)
    return _render(page, request, template, context)


def _account(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def answer_edit(request: HttpRequest, page: ProcessPage, proposal_id: int) -> HttpResponse:
    proposal = proposal_for_viewer(process=page, proposal_id=proposal_id, user=request.user)
    answer = selectors.answer_of(proposal)
    initial = (
        {
            "state": answer.state,
            "text": editable_text(answer.text),
            "responsible_body": answer.responsible_body,
            "answered_on": answer.answered_on,
        }
        if answer
        else {}
    )
    return _form_action(
        request,
        page,
        proposal,
        refusal=permissions.answer_refusal(request.user, proposal),
        form_class=AnswerForm,
        template="proposals/followup/answer_form.html",
        act=lambda data, upload: services.answer_give(
            proposal=proposal,
            actor=_account(request),
            state=data["state"],
            text=data["text"],
            responsible_body=data["responsible_body"],
            answered_on=data["answered_on"],
            document=upload,
        ),
        done=_("The answer is published. The author, supporters and followers are told."),
        anchor="#answer",
        extra={"form_kwargs": {"initial": initial}, "context": {"answer": answer}},
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def milestone_add(request: HttpRequest, page: ProcessPage, proposal_id: int) -> HttpResponse:
    proposal = proposal_for_viewer(process=page, proposal_id=proposal_id, user=request.user)
    return _form_action(
        request,
        page,
        proposal,
        refusal=permissions.milestone_refusal(request.user, proposal),
        form_class=MilestoneForm,
        template="proposals/followup/milestone_form.html",
        act=lambda data, upload: services.milestone_add(
            proposal=proposal,
            actor=_account(request),
            date=data["date"],
            description=data["description"],
            progress=data["progress"],
            status=data["status"],
            document=upload,
        ),
        done=_("The milestone is on the proposal's timeline."),
        anchor="#implementation",
        extra={"context": {"milestones": selectors.milestones_of(proposal)}},
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def attachment_add(request: HttpRequest, page: ProcessPage, proposal_id: int) -> HttpResponse:
    proposal = proposal_for_viewer(process=page, proposal_id=proposal_id, user=request.user)

    def act(data: dict[str, Any], upload: services.Upload | None) -> None:
        assert upload is not None  # the form requires the file
        services.attachment_add(proposal=proposal, actor=_account(request), upload=upload)

    return _form_action(
        request,
        page,
        proposal,
        refusal=permissions.attachment_refusal(request.user, proposal),
        form_class=AttachmentForm,
        template="proposals/followup/attachment_form.html",
        act=act,
        done=_("The document is attached."),
        anchor="#documents",
    )


def _seen(request: HttpRequest, proposal: Proposal) -> ProcessPage:
    """The process page of a proposal the viewer may see (anyone else: as missing as the proposal is to them)."""
    if not can_view_proposal(request.user, proposal):
        raise Http404
    page: ProcessPage = proposal.process
    return page


def _delete_action(
    request: HttpRequest,
    proposal: Proposal,
    *,
    refusal: Refused | None,
    title: str,
    what: str,
    explanation: str,
    act: Callable[[], object],
    done: str,
    anchor: str,
) -> HttpResponse:
    """GET asks to confirm (a plain form, no script needed); POST removes and goes back to the proposal."""
    page = _seen(request, proposal)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    detail_url = page.proposal_url(proposal)
    if refusal is not None:
        return refusal_response(request, refusal, back_url=detail_url)
    if request.method == "POST":
        try:
            act()
        except Refused as refused:
            return refusal_response(request, refused, back_url=detail_url)
        messages.success(request, done)
        return HttpResponseRedirect(detail_url + anchor)
    context = {"proposal": proposal, "detail_url": detail_url, "title": title, "what": what, "explanation": explanation}
    return _render(page, request, "proposals/followup/confirm_delete.html", context)


def _milestone(milestone_id: int) -> Milestone:
    return get_object_or_404(Milestone.objects.select_related("proposal__process"), pk=milestone_id)


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def milestone_edit(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = _milestone(milestone_id)
    proposal = milestone.proposal
    initial = {f: getattr(milestone, f) for f in ("date", "description", "progress", "status")}
    return _form_action(
        request,
        _seen(request, proposal),
        proposal,
        refusal=permissions.milestone_refusal(request.user, proposal),
        form_class=MilestoneEditForm,
        template="proposals/followup/milestone_form.html",
        act=lambda data, upload: services.milestone_edit(
            milestone=milestone,
            actor=_account(request),
            date=data["date"],
            description=data["description"],
            progress=data["progress"],
            status=data["status"],
        ),
        done=_("The milestone is corrected."),
        anchor="#implementation",
        extra={"form_kwargs": {"initial": initial}, "context": {"milestone": milestone}},
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def milestone_delete(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = _milestone(milestone_id)
    proposal = milestone.proposal
    return _delete_action(
        request,
        proposal,
        refusal=permissions.milestone_refusal(request.user, proposal),
        title=_("Delete this milestone?"),
        what=f"{date_format(milestone.date)} · {milestone.progress}% · {milestone.description}",
        explanation=_("It leaves the timeline with its documents; the progress bar shows the latest milestone left."),
        act=lambda: services.milestone_delete(milestone=milestone, actor=_account(request)),
        done=_("The milestone is deleted."),
        anchor="#implementation",
    )


def _attachment(attachment_id: int) -> Attachment:
    return get_object_or_404(Attachment.objects.select_related("proposal__process"), pk=attachment_id)


def _part_anchor(attachment: Attachment) -> str:
    """Where the document is shown on the proposal page."""
    if attachment.answer_id is not None:
        return "#answer"
    return "#implementation" if attachment.milestone_id is not None else "#documents"


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def attachment_edit(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = _attachment(attachment_id)
    proposal = attachment.proposal
    image = attachment.kind == AttachmentKind.IMAGE
    return _form_action(
        request,
        _seen(request, proposal),
        proposal,
        refusal=permissions.attachment_change_refusal(request.user, attachment, proposal=proposal),
        form_class=AttachmentEditForm,
        template="proposals/followup/attachment_form.html",
        act=lambda data, upload: services.attachment_edit(
            attachment=attachment, actor=_account(request), name=data["name"], alt_text=data.get("alt_text") or ""
        ),
        done=_("The document is updated."),
        anchor=_part_anchor(attachment),
        extra={
            "form_kwargs": {
                "image": image,
                "initial": {"name": attachment.original_name, "alt_text": attachment.alt_text},
            },
            "context": {"attachment": attachment},
        },
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def attachment_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = _attachment(attachment_id)
    proposal = attachment.proposal
    return _delete_action(
        request,
        proposal,
        refusal=permissions.attachment_change_refusal(request.user, attachment, proposal=proposal),
        title=_("Delete this document?"),
        what=attachment.original_name,
        explanation=_("It is no longer shown on the proposal, and its file is deleted."),
        act=lambda: services.attachment_delete(attachment=attachment, actor=_account(request)),
        done=_("The document is deleted."),
        anchor=_part_anchor(attachment),
    )


@require_GET
def outcomes(request: HttpRequest, page: ProcessPage) -> HttpResponse:
    """What became of the proposals: answers, progress, overdue ones; filterable by district, category, answer."""
    form = OutcomeFilterForm(request.GET or None)
    filters = selectors.OutcomeFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.OutcomeFilters(
            category=data["category"].pk if data["category"] else None,
            district=data["district"].pk if data["district"] else None,
            state=data["state"] or "",
        )
    rows = [
        {"proposal": proposal, "record": selectors.outcome_record(proposal)}
        for proposal in selectors.outcomes(process=page, filters=filters)[:200]
    ]
    context = {
        "filter_form": form,
        "rows": rows,
        "outcomes_url": page.url + page.reverse_subpage("outcomes"),
        "data_url": page.url + page.reverse_subpage("outcomes_data", args=["csv"]),
        "json_url": page.url + page.reverse_subpage("outcomes_data", args=["json"]),
    }
    return _render(page, request, "proposals/followup/outcomes.html", context)


def outcomes_bytes(page: ProcessPage, fmt: str) -> bytes:
    """The process's outcomes as open data: deterministic bytes (fixed order, no generation time)."""
    records = [selectors.outcome_record(p) for p in selectors.outcomes(process=page).order_by("id")]
    if fmt == "json":
        document = {"process": page.pk, "outcomes": records, "milestones": selectors.milestone_records(page)}
        return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()
    buffer = io.StringIO()
    header = list(selectors.OUTCOME_FIELDS)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for record in records:
        writer.writerow(["" if record[key] is None else record[key] for key in header])
    return buffer.getvalue().encode()


@require_GET
def outcomes_data(request: HttpRequest, page: ProcessPage, fmt: str) -> HttpResponse:
    if fmt not in DATA_FORMATS:
        raise Http404(_("There is no such download. Choose CSV or JSON."))
    content = outcomes_bytes(page, fmt)
    response = HttpResponse(content, content_type=DATA_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="process-{page.pk}-outcomes.{fmt}"'
    response["X-Checksum-SHA256"] = hashlib.sha256(content).hexdigest()
    return response


@require_GET
def attachment_file(request: HttpRequest, attachment_id: int, name: str) -> FileResponse:
    """A user file, only to who may see its proposal; as a download when it is a PDF with active content."""
    attachment = get_object_or_404(Attachment.objects.select_related("proposal__author"), pk=attachment_id)
    if not permissions.can_view_attachment(request.user, attachment.proposal):
        raise Http404("No such file.")
    return file_response(
        name=attachment.stored_name,
        content_type=attachment.content_type,
        download_only=attachment.download_only,
        filename=download_name(attachment.original_name, attachment.content_type),
    )
