"""The voting journey's words and landmarks: a verb on the ballot link, options in the admin's language,
a labelled receipt code, captioned bulletin tables, and a live region for "results are out" from the start."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import PollFactory, UserFactory, VerifiedUserFactory
from votes import services
from votes.models import Poll

from .helpers import close, options, vote

pytestmark = pytest.mark.django_db


def _spanish(client: Client) -> Client:
    client.cookies["django_language"] = "es"
    return client


def test_the_ballot_link_says_votar_the_verb_in_spanish() -> None:
    poll = PollFactory()
    client = _spanish(Client())
    client.force_login(VerifiedUserFactory())
    page = client.get(reverse("votes:detail", args=[poll.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    ballot = reverse("votes:ballot", args=[poll.pk])
    link = re.search(rf'<a class="button" href="{ballot}">([^<]+)</a>', page)
    assert link is not None and link.group(1) == "Votar"


def test_a_new_poll_offers_yes_no_abstain_in_the_interface_language() -> None:
    admin = _spanish(Client())
    admin.force_login(UserFactory(roles=["administrator"]))
    form = admin.get(reverse("polls:add"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert re.search(r'name="option_labels"[^>]*>\s*Sí\s+No\s+Abstención\s*</textarea>', form), form[:200]
    with translation.override("fr"):
        labels = [str(label) for label in services.DEFAULT_OPTIONS]
    assert labels == ["Oui", "Non", "Abstention"]


def test_the_receipt_code_has_a_label_and_the_bulletin_tables_captions() -> None:
    poll = PollFactory()
    voter = _spanish(Client())
    voter.force_login(VerifiedUserFactory())
    response, code = vote(voter, poll, options(poll)[0])
    page = response.content.decode()
    assert re.search(
        r'<dt id="receipt-code-label">Código del comprobante</dt>\s*<dd><span class="receipt" id="receipt-code">'
        + re.escape(code or "-"),
        page,
    )
    assert 'aria-describedby="receipt-code-label"' in page  # the copy button says what it copies
    close(poll)
    Poll.objects.filter(pk=poll.pk).update(results_published_at=timezone.now())
    bulletin = Client().get(reverse("votes:bulletin", args=[poll.pk])).content.decode()
    tables = bulletin.count("<table")
    assert tables == 2 and len(re.findall(r"<table>\s*<caption>[^<]+</caption>", bulletin)) == tables


def test_the_results_notice_is_a_status_region_present_before_any_text() -> None:
    poll = PollFactory()
    page = Client().get(reverse("votes:detail", args=[poll.pk])).content.decode()
    region = re.search(r'<p role="status" class="live-notice" data-poll-socket="/ws/polls/\d+/"[^>]*></p>', page)
    assert region is not None, "an empty live region, not hidden, so screen readers announce the text when it comes"
