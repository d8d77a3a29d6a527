"""A ballot with nothing of Decide in it: form, review, durable INSERT, receipt. Plain Django."""

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .models import Ballot

POLL = 1
CHOICES = ["yes", "no", "abstain"]


def nothing(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest) -> HttpResponse:
    """GET: the paper. POST: the review page (nothing written)."""
    if request.method == "POST":
        choice = request.POST.get("choice", "")
        if choice not in CHOICES:
            return render(request, "baseline/ballot.html", {"choices": CHOICES}, status=400)
        return render(request, "baseline/review.html", {"choice": choice})
    return render(request, "baseline/ballot.html", {"choices": CHOICES})


@never_cache
@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    choice = request.POST.get("choice", "")
    if choice not in CHOICES:
        return render(request, "baseline/ballot.html", {"choices": CHOICES}, status=400)
    try:
        with transaction.atomic(durable=True):
            Ballot.objects.create(poll=POLL, voter=request.user, choice=choice)
    except IntegrityError:
        return HttpResponse("already voted", status=409, content_type="text/plain")
    return render(request, "baseline/receipt.html", {"choice": choice})
