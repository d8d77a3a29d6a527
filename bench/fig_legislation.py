"""Legislation figure: the bill page (100 articles, 1,000 annotations) at 16 concurrent readers, against the
proposal page of the same bill in the same run (its debate holds the same 1,000 comments)."""

from __future__ import annotations

import time
from datetime import timedelta

from . import datagen
from .core import Context, Figure, missing
from .httpclient import Client, HTTPError
from .load import closed_loop, percentile, run_async

HOST = "127.0.0.1"
ARTICLES, ANNOTATIONS = 100, 1_000


def _bill(process: object, author_id: int, speakers: list[int]) -> tuple[str, str]:
    """A bill with its text as sections and version 1, and its annotations (debate comments anchored to articles)."""
    from django.utils import timezone

    from legislation.models import Annotation, Draft, Section, SectionKind, Version
    from proposals.debate.selectors import proposal_page_url
    from proposals.models import Comment, Proposal

    [proposal_id] = datagen.proposals(process, 1, author_id=author_id, seed=91)
    Proposal.objects.filter(pk=proposal_id).update(kind="institutional")
    proposal = Proposal.objects.select_related("process").get(pk=proposal_id)
    now = timezone.now()
    day = timedelta(days=1)
    draft = Draft.objects.create(
        proposal=proposal,
        created_by_id=author_id,
        reading_opens=now - 10 * day,
        annotation_opens=now - 5 * day,
        annotation_closes=now + 20 * day,
        amendments_opens=now - 5 * day,
        amendments_closes=now + 20 * day,
        final_text_on=now + 25 * day,
    )
    words = "el agua de riego se distribuye por turnos entre los usuarios de la junta del valle".split()  # noqa: SIM905 - a phrase reads better than 16 list items
    Section.objects.bulk_create(
        Section(
            draft=draft,
            position=n,
            kind=SectionKind.ARTICLE,
            number=str(n),
            heading=f"Materia {n}",
            text=" ".join(words[(n + i) % len(words)] for i in range(60)) + ".",
        )
        for n in range(1, ARTICLES + 1)
    )
    Version.objects.create(
        draft=draft, number=1, created_by_id=author_id, sections=[s.snapshot() for s in draft.sections.all()]
    )
    datagen.comments(proposal_id, ANNOTATIONS, author_ids=speakers, seed=92)
    sections = list(draft.sections.values_list("id", flat=True))
    comment_ids = list(Comment.objects.filter(proposal_id=proposal_id).order_by("id").values_list("id", flat=True))
    Annotation.objects.bulk_create(
        Annotation(comment_id=c, draft=draft, section_id=sections[i % len(sections)], version_number=1)
        for i, c in enumerate(comment_ids)
    )
    return f"/legislation/{draft.pk}/", proposal_page_url(proposal)


def bill_page(ctx: Context) -> list[Figure]:
    goal = "bill page p99 ≤ 2 x the proposal page p99 (same bill, same 1,000 comments); 0 errors"
    try:
        import legislation.urls  # noqa: F401
    except ImportError as exc:
        return [missing("bill_page", f"no legislation app: {exc}", goal)]
    t0 = time.perf_counter()
    process = datagen.process_page(vote_open=False)
    speakers = [u for u, _ in datagen.verified_users(50, first_document=datagen.documents(50), seed=90, prefix="bill")]
    bill_path, proposal_path = _bill(process, speakers[0], speakers)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ctx.log(f"bill of {ARTICLES} articles, {ANNOTATIONS} annotations in {time.perf_counter() - t0:.1f}s: {bill_path}")
    port = ctx.ports["decide_http"]
    latencies: dict[str, list[float]] = {"bill": [], "proposal": []}
    sizes: dict[str, int] = {}

    async def job(_worker: int, n: int) -> None:
        kind, url = ("bill", bill_path) if n % 2 else ("proposal", proposal_path)
        response = await Client(HOST, port).get(url)
        if response.status != 200:
            raise HTTPError(f"{url} answered {response.status}")
        latencies[kind].append(response.seconds)
        sizes[kind] = len(response.body)

    result = run_async(closed_loop(job, workers=16, max_jobs=10_000_000, max_seconds=ctx.sizes["pages_seconds"]))
    if result.errors:
        ctx.failures.append(f"bill_page: {result.errors} errors, e.g. {result.error_samples}")
    bill_p99 = percentile(latencies["bill"], 99) * 1000
    proposal_p99 = percentile(latencies["proposal"], 99) * 1000
    ratio = bill_p99 / proposal_p99 if proposal_p99 else float("nan")
    ctx.log(f"bill page p99 {bill_p99:.0f} ms, proposal page p99 {proposal_p99:.0f} ms: ratio {ratio:.2f}")
    return [
        Figure(
            "bill_page",
            bill_p99,
            "ms p99",
            proposal_p99,
            "proposal page p99 of the same bill, same run (ms)",
            ratio,
            goal,
            met=ratio <= 2 and not result.errors,
            sizes={"clients": 16, "articles": ARTICLES, "annotations": ANNOTATIONS, "requests": result.done},
            extra={
                "bill_p50_ms": percentile(latencies["bill"], 50) * 1000,
                "proposal_p50_ms": percentile(latencies["proposal"], 50) * 1000,
                "bill_bytes": sizes.get("bill"),
                "proposal_bytes": sizes.get("proposal"),
                "errors": result.errors,
            },
        )
    ]
