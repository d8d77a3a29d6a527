"""Pages of a bill's text: reading, one article, amendments, versions, diffs, downloads; actions as plain forms.

Views parse, look up, call one service and answer; the rules live in `permissions` and
`services`. A refusal renders the one refusal page with its status and a way back.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from accounts.second_factor import staff_page
from decide.middleware import refusal_response
from decide.refusals import Invalid, NotAllowed, RateLimited, Refused
from proposals.debate.selectors import comment_page_url, proposal_page_url

from . import exports, selectors, services
from .diff import diff_versions
from .forms import AmendmentForm, AnnotationForm, DecisionForm, VersionForm
from .models import Amendment, AmendmentStatus, Annotation, Draft, DraftPhase, Section, Version
from .permissions import (
    amendment_decide_refusal,
    amendment_propose_refusal,
    amendment_support_refusal,
    annotation_refusal,
    draft_can_manage,
    draft_can_view,
    version_create_refusal,
)

POST_RATE_USER = "6/m"
POST_RATE_IP = "30/m"
ANNOTATIONS_PER_PAGE = 30


def _draft(request: HttpRequest, draft_id: int) -> Draft:
    draft = selectors.draft_for_page(draft_id)
    if draft is None or not draft_can_view(request.user, draft):
        raise Http404
    return draft


def _section(draft: Draft, key: str) -> Section:
    section = selectors.section_by_key(draft, key)
    if section is None:
        raise Http404
    return section


def _amendment(draft: Draft, amendment_id: int) -> Amendment:
    amendment = (
        Amendment.objects.select_related("author", "section", "merged_into", "base_version", "draft__proposal__process")
        .filter(draft=draft, pk=amendment_id)
        .first()
    )
    if amendment is None:
        raise Http404
    return amendment


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotAllowed(_("Sign in first."))
    return request.user


def _limited(request: HttpRequest) -> None:
    if getattr(request, "limited", False):
        raise RateLimited(_("You are posting faster than the debate allows. Wait a minute, then send it again."))


def draft_url(draft: Draft) -> str:
    return reverse("legislation:draft", args=[draft.pk])


def article_url(section: Section) -> str:
    return reverse("legislation:article", args=[section.draft_id, section.key])


def _bill(draft: Draft) -> dict[str, Any]:
    """What every page of the bill shows around its content (title, links to the bill and its debate)."""
    return {
        "draft": draft,
        "proposal": draft.proposal,
        "process": draft.proposal.process,
        "proposal_url": proposal_page_url(draft.proposal),
    }


def _phase_context(draft: Draft) -> dict[str, Any]:
    phases = draft.current_phases()
    calendar = [
        (DraftPhase.READING, draft.reading_opens, None),
        (DraftPhase.ANNOTATION, draft.annotation_opens, draft.annotation_closes),
        (DraftPhase.AMENDMENTS, draft.amendments_opens, draft.amendments_closes),
        (DraftPhase.FINAL_TEXT, draft.final_text_on, None),
        (DraftPhase.VOTE, draft.proposal.process.vote_opens, draft.proposal.process.vote_closes),
    ]
    return {
        "phases": phases,
        "calendar": [
            {"label": phase.label, "opens": opens, "closes": closes, "current": phase in phases}
            for phase, opens, closes in calendar
        ],
    }


@require_GET
def draft_read(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The bill article by article: counts, heat, the latest annotations and a no-JS comment form per article."""
    draft = _draft(request, draft_id)
    rows = selectors.sections_with_activity(draft)
    version = services.latest_version(draft)
    refusal = annotation_refusal(request.user, draft)
    context = {
        **_bill(draft),
        "rows": rows,
        "version": version,
        "annotate_refusal": refusal,
        "can_annotate": refusal is None,
        "can_manage": draft_can_manage(request.user),
        "last_event_id": selectors.last_event_id(draft),
        "stances": AnnotationForm.base_fields["stance"].choices,  # type: ignore[attr-defined]
        **_phase_context(draft),
    }
    return render(request, "legislation/draft.html", context)


def _article_context(
    request: HttpRequest,
    draft: Draft,
    section: Section,
    *,
    annotation_form: AnnotationForm | None = None,
    amendment_form: AmendmentForm | None = None,
) -> dict[str, Any]:
    page = Paginator(selectors.section_annotations(section), ANNOTATIONS_PER_PAGE).get_page(request.GET.get("page"))
    annotate_refusal = annotation_refusal(request.user, draft)
    amend_refusal = amendment_propose_refusal(request.user, draft)
    return {
        **_bill(draft),
        "section": section,
        "annotations": page,
        "annotation_count": page.paginator.count,
        "amendments": selectors.section_amendments(section),
        "annotate_refusal": annotate_refusal,
        "amend_refusal": amend_refusal,
        "annotation_form": annotation_form or (AnnotationForm() if annotate_refusal is None else None),
        "amendment_form": amendment_form or (AmendmentForm() if amend_refusal is None else None),
        "last_event_id": selectors.last_event_id(draft),
        **_phase_context(draft),
    }


@require_GET
def article(request: HttpRequest, draft_id: int, key: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    section = _section(draft, key)
    return render(request, "legislation/article.html", _article_context(request, draft, section))


@require_POST
@login_required
@ratelimit(key="user_or_ip", rate=POST_RATE_USER, block=False)
@ratelimit(key="ip", rate=POST_RATE_IP, block=False)
def annotate(request: HttpRequest, draft_id: int, key: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    section = _section(draft, key)
    back = article_url(section)
    form = AnnotationForm(request.POST)
    try:
        _limited(request)
        user = _user(request)
        refusal = annotation_refusal(user, draft)
        if refusal:  # the rule before the input: a refused citizen learns why, whatever they typed
            raise NotAllowed(refusal)
        if not form.is_valid():
            context = _article_context(request, draft, section, annotation_form=form)
            return render(request, "legislation/article.html", context, status=400)
        amendment = None
        if form.cleaned_data.get("amendment"):
            amendment = _amendment(draft, form.cleaned_data["amendment"])
            back = reverse("legislation:amendment", args=[draft.pk, amendment.pk])
        annotation = services.annotation_create(
            author=user,
            section=section,
            body=form.cleaned_data["body"],
            stance=form.cleaned_data["stance"],
            quote=form.cleaned_data.get("quote") or "",
            amendment=amendment,
        )
    except Refused as refusal:
        return refusal_response(request, refusal, back_url=back, back_label=_("Back to the article"))
    return HttpResponseRedirect(f"{back}#annotation-{annotation.pk}")


@require_POST
@login_required
@ratelimit(key="user_or_ip", rate=POST_RATE_USER, block=False)
def amend(request: HttpRequest, draft_id: int, key: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    section = _section(draft, key)
    form = AmendmentForm(request.POST)
    try:
        _limited(request)
        user = _user(request)
        refusal = amendment_propose_refusal(user, draft)
        if refusal:
            raise NotAllowed(refusal)
        if not form.is_valid():
            context = _article_context(request, draft, section, amendment_form=form)
            return render(request, "legislation/article.html", context, status=400)
        amendment = services.amendment_propose(
            author=user,
            section=section,
            text=form.cleaned_data["text"],
            justification=form.cleaned_data["justification"],
        )
    except Refused as refusal:
        return refusal_response(request, refusal, back_url=article_url(section), back_label=_("Back to the article"))
    return HttpResponseRedirect(reverse("legislation:amendment", args=[draft.pk, amendment.pk]))


@require_GET
def amendment_detail(request: HttpRequest, draft_id: int, amendment_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    amendment = _amendment(draft, amendment_id)
    annotate_refusal = annotation_refusal(request.user, draft)
    supported = (
        isinstance(request.user, User)
        and request.user.census_record_id is not None
        and amendment.supports.filter(census_record_id=request.user.census_record_id).exists()
    )
    current = amendment.section.text
    context = {
        **_bill(draft),
        "amendment": amendment,
        "section": amendment.section,
        "pieces": diff_versions(
            [{"key": "a", "kind": "article", "number": "", "heading": "", "text": current}],
            [{"key": "a", "kind": "article", "number": "", "heading": "", "text": amendment.text}],
        )[0].pieces,
        "annotations": selectors.amendment_annotations(amendment)[:100],
        "annotation_form": AnnotationForm(initial={"amendment": amendment.pk}) if annotate_refusal is None else None,
        "annotate_refusal": annotate_refusal,
        "supported": supported,
        "support_refusal": amendment_support_refusal(request.user, amendment),
        "decide_refusal": amendment_decide_refusal(request.user, amendment),
        "decision_form": DecisionForm(),
        "can_manage": draft_can_manage(request.user),
        "last_event_id": selectors.last_event_id(draft),
    }
    return render(request, "legislation/amendment.html", context)


@require_POST
@login_required
@ratelimit(key="user_or_ip", rate="30/m", block=False)
def amendment_support(request: HttpRequest, draft_id: int, amendment_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    amendment = _amendment(draft, amendment_id)
    back = reverse("legislation:amendment", args=[draft.pk, amendment.pk])
    try:
        _limited(request)
        services.amendment_support_add(amendment=amendment, user=_user(request))
    except Refused as refusal:
        return refusal_response(request, refusal, back_url=back, back_label=_("Back to the amendment"))
    return HttpResponseRedirect(back)


@staff_page
@require_POST
@login_required
def amendment_decide(request: HttpRequest, draft_id: int, amendment_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    amendment = _amendment(draft, amendment_id)
    back = reverse("legislation:amendment", args=[draft.pk, amendment.pk])
    form = DecisionForm(request.POST)
    try:
        user = _user(request)
        refusal = amendment_decide_refusal(user, amendment)
        if refusal:
            raise NotAllowed(refusal)
        if not form.is_valid():
            raise Invalid(_("Choose accept or reject."))
        services.amendment_decide(
            moderator=user,
            amendment=amendment,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data.get("reason") or "",
        )
    except Refused as refusal:
        return refusal_response(request, refusal, back_url=back, back_label=_("Back to the amendment"))
    return HttpResponseRedirect(back)


@require_GET
def versions(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    rows = list(selectors.draft_versions(draft))
    accepted = list(
        selectors.draft_amendments(draft).filter(status=AmendmentStatus.ACCEPTED).order_by("decided_at", "id")
    )
    refusal = version_create_refusal(request.user, draft)
    context = {
        **_bill(draft),
        "versions": [(v, exports.version_checksums(v)) for v in rows],
        "data_checksum": exports.checksum(exports.draft_data_bytes(draft)),
        "amendments": selectors.draft_amendments(draft),
        "accepted": accepted,
        "can_create_version": refusal is None,
        "version_form": VersionForm(),
    }
    return render(request, "legislation/versions.html", context)


@staff_page
@require_POST
@login_required
def version_create(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    back = reverse("legislation:versions", args=[draft.pk])
    form = VersionForm(request.POST)
    try:
        note = form.cleaned_data.get("note", "") if form.is_valid() else ""
        version = services.version_create(moderator=_user(request), draft=draft, note=note)
    except Refused as refusal:
        return refusal_response(request, refusal, back_url=back, back_label=_("Back to the versions"))
    return HttpResponseRedirect(reverse("legislation:version", args=[draft.pk, version.number]))


def _version(draft: Draft, number: int) -> Version:
    version = Version.objects.filter(draft=draft, number=number).first()
    if version is None:
        raise Http404
    return version


@require_GET
def version_detail(request: HttpRequest, draft_id: int, number: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    version = _version(draft, number)
    context = {
        **_bill(draft),
        "version": version,
        "sections": version.sections,
        "checksums": exports.version_checksums(version),
        "latest": services.latest_version(draft).number,
        "merged": version.amendments_merged.select_related("section").order_by("section__position"),
    }
    return render(request, "legislation/version.html", context)


def _number(value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    if not value.isdigit() or len(value) > 6:
        raise Invalid(_("A version is a whole number."))
    return int(value)


@require_GET
def diff(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Any two versions, word by word, per article and whole; unchanged articles collapse to their title."""
    draft = _draft(request, draft_id)
    latest = services.latest_version(draft).number
    try:
        new_number = _number(request.GET.get("to"), latest)
        old_number = _number(request.GET.get("from"), max(1, new_number - 1))
    except Invalid as refusal:
        return refusal_response(request, refusal, back_url=reverse("legislation:versions", args=[draft.pk]))
    old, new = _version(draft, old_number), _version(draft, new_number)
    sections = diff_versions(old.sections, new.sections)
    context = {
        **_bill(draft),
        "old": old,
        "new": new,
        "sections": sections,
        "changed": [s for s in sections if s.status != "same"],
        "numbers": list(range(1, latest + 1)),
    }
    return render(request, "legislation/diff.html", context)


@require_GET
def version_download(request: HttpRequest, draft_id: int, number: int, fmt: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    version = _version(draft, number)
    data, content_type = exports.version_file(version, fmt)
    return exports.file_response(data, content_type, f"bill-{draft.pk}-v{version.number}.{fmt}")


@require_GET
def data_download(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    data = exports.draft_data_bytes(draft)
    return exports.file_response(data, "application/json", f"bill-{draft.pk}-annotations-amendments.json")


@require_GET
def checksums(request: HttpRequest, draft_id: int) -> HttpResponse:
    """SHA256SUMS of every download of the bill, in the format `sha256sum -c` reads."""
    draft = _draft(request, draft_id)
    lines = []
    for version in selectors.draft_versions(draft):
        for fmt, digest in exports.version_checksums(version).items():
            lines.append(f"{digest}  bill-{draft.pk}-v{version.number}.{fmt}")
    lines.append(f"{exports.checksum(exports.draft_data_bytes(draft))}  bill-{draft.pk}-annotations-amendments.json")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def annotation_debate(request: HttpRequest, draft_id: int, annotation_id: int) -> HttpResponse:
    """Where an annotation's thread lives: the bill's debate page that shows its comment (replies, reactions, flags)."""
    draft = _draft(request, draft_id)
    annotation = (
        Annotation.objects.select_related("comment__proposal__process").filter(draft=draft, pk=annotation_id).first()
    )
    if annotation is None:
        raise Http404
    return HttpResponseRedirect(comment_page_url(annotation.comment))
