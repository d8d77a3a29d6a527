"""Results, review, downloads, process statistics and the turnout dashboard: thin views.

Before the close, results pages answer 403 to everyone (administrators too);
after the close and before publication, the public gets a 404 that says
"not yet published" and administrators a link to the review.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from accounts.second_factor import staff_page
from decide.cache_pages import depends_on
from decide.refusals import NotAllowed
from proposals.models import ProcessPage
from votes.models import Poll
from votes.results.display import results_context, stage_charts, turnout_rows
from votes.results.exports import DATASETS, FORMATS, export_checksum, export_filename, export_stream
from votes.results.permissions import (
    can_review_results,
    can_view_turnout,
    results_hidden_reason,
    results_publish_refusal,
    results_refusal,
    results_review_refusal,
)
from votes.results.publication import poll_results_publish
from votes.results.published import process_age_statistics, process_channel_statistics, process_statistics
from votes.results.stats import poll_live_turnout, suppression_threshold


def _poll(poll_id: int) -> Poll:
    return get_object_or_404(Poll.objects.select_related("process"), pk=poll_id)


def _hidden(request: HttpRequest, poll: Poll, message: str, status: int) -> HttpResponse:
    context = {"poll": poll, "message": message, "can_review": can_review_results(request.user, poll)}
    return render(request, "votes/results/hidden.html", context, status=status)


def _published_or_refusal(request: HttpRequest, poll: Poll) -> HttpResponse | None:
    if refusal := results_refusal(request.user, poll):
        return _hidden(request, poll, refusal.message, refusal.status)
    return None


@require_GET
def results_page(request: HttpRequest, poll_id: int) -> HttpResponse:
    depends_on(request, f"poll.{poll_id}")  # anonymous visitors may get it from the cache until the poll's next event
    poll = _poll(poll_id)
    if refusal := _published_or_refusal(request, poll):
        return refusal
    context = results_context(poll, suppression_threshold(request))
    return render(request, "votes/results/page.html", context)


@staff_page
@require_GET
def results_review(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _poll(poll_id)
    if reason := results_hidden_reason(poll):
        return _hidden(request, poll, reason, 403)
    if refusal := results_review_refusal(request.user, poll):
        raise refusal
    context = results_context(poll, suppression_threshold(request))
    context["publish_refusal"] = results_publish_refusal(request.user, poll)
    return render(request, "votes/results/review.html", context)


@staff_page
@require_POST
@ratelimit(key="user_or_ip", rate="10/m", method="POST", block=True)
def results_publish(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _poll(poll_id)
    user = request.user
    if not isinstance(user, User):
        raise NotAllowed(_("Only administrators publish results."))
    poll_results_publish(poll=poll, actor=user)  # a refusal carries its reason to the refusal page
    messages.success(request, _("The results are published. Viewers of the poll and its proposals were told."))
    return redirect("votes:results", poll_id=poll.pk)


def _export_guard(request: HttpRequest, poll_id: int, dataset: str, fmt: str) -> tuple[Poll, HttpResponse | None]:
    if dataset not in DATASETS or fmt not in FORMATS:
        raise Http404(_("There is no such download. Choose results, outcome, statistics or bulletin, as CSV or JSON."))
    poll = _poll(poll_id)
    return poll, _published_or_refusal(request, poll)


@require_GET
def export_file(request: HttpRequest, poll_id: int, dataset: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    poll, refusal = _export_guard(request, poll_id, dataset, fmt)
    if refusal:
        return refusal
    response = StreamingHttpResponse(
        export_stream(poll, dataset, fmt, suppression_threshold(request)), content_type=FORMATS[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(poll, dataset, fmt)}"'
    return response


@require_GET
def export_file_checksum(request: HttpRequest, poll_id: int, dataset: str, fmt: str) -> HttpResponse:
    poll, refusal = _export_guard(request, poll_id, dataset, fmt)
    if refusal:
        return refusal
    digest = export_checksum(poll, dataset, fmt, suppression_threshold(request))
    # The format of `sha256sum`, so `sha256sum -c` checks a download directly.
    return HttpResponse(f"{digest}  {export_filename(poll, dataset, fmt)}\n", content_type="text/plain; charset=utf-8")


@require_GET
def process_statistics_page(request: HttpRequest, process_id: int) -> HttpResponse:
    process = get_object_or_404(ProcessPage.objects.live().public(), pk=process_id)
    threshold = suppression_threshold(request)
    stages = process_statistics(process, threshold)
    context: dict[str, Any] = {
        "process": process,
        "stages": stages,
        "charts": stage_charts(stages, "process"),
        "channels": process_channel_statistics(process, threshold),
        "ages": process_age_statistics(process, threshold),
        "threshold": threshold,
    }
    return render(request, "votes/results/process_statistics.html", context)


@staff_page
@require_GET
def turnout_dashboard(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _poll(poll_id)
    if not can_view_turnout(request.user, poll):
        raise NotAllowed(_("Only administrators see the live turnout dashboard."))
    rows, total = turnout_rows(*poll_live_turnout(poll))
    context = {"poll": poll, "rows": rows, "total": total, "socket_path": f"/ws/polls/{poll.pk}/turnout/"}
    return render(request, "votes/results/turnout.html", context)
