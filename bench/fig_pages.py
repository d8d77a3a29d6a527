"""The `pages` figure: what a crowd reads first, for anonymous visitors and for signed-in citizens.

Five pages among 10,000 proposals (`--full`): the home page, a process page (its first page of
proposals), the proposal list further on (page 2, most supported first), a proposal with 1,000
comments, and a published results page. 16 clients, each audience in its own run: anonymous
visitors are new every request (no cookie, as a crowd arriving from the radio), signed-in
citizens each keep a session. Reported per audience and per page: p99 and the server's CPU per
page (utime + stime of every gunicorn process over the run, divided by the pages served); SQL
queries per page counted in-process on the same code, with the page cache off.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from . import datagen
from .core import Context, Figure, missing
from .httpclient import Client, HTTPError
from .load import LoadResult, closed_loop, percentile, run_async
from .procs import cpu_seconds, group_pids

HOST = "127.0.0.1"
GOAL = "p99 ≤ 150 ms at 16 clients, anonymous and signed in; SQL queries per page constant"
CLIENTS = 16
PROFILE = Path(__file__).resolve().parent / "results" / "pages_signed_in_profile.txt"


def _home_page() -> tuple[Any, Any, int]:
    """A cms HomePage as the site's root for this figure (the bench database keeps Wagtail's welcome page).

    Returns the page, the site and the root to put back afterwards (the other figures' processes
    live under the welcome page).
    """
    import uuid

    from wagtail.models import Page, Site

    from cms.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(
            title="Decide La Libertad",
            slug=f"inicio-{uuid.uuid4().hex[:8]}",
            intro="Propón, debate y vota las leyes de tu región.",
        )
    )
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    previous = site.root_page_id
    site.root_page = home
    site.save()  # Wagtail drops its cached site root paths on save
    return home, site, previous


def _restore_site(site: Any, root_page_id: int) -> None:
    site.root_page_id = root_page_id
    site.save()


def _setup(ctx: Context, home: Any) -> dict[str, Any]:
    n_proposals, n_comments = ctx.sizes["pages_proposals"], ctx.sizes["pages_comments"]
    process = datagen.process_page(vote_open=False)
    process.move(home, pos="last-child")
    process.refresh_from_db()
    speakers = datagen.verified_users(50, first_document=datagen.documents(50), seed=70, prefix="pages-author")
    author_ids = [u for u, _ in speakers]
    ids = datagen.proposals(process, n_proposals, author_id=author_ids[0], seed=71)
    busy, quiet = ids[0], ids[1]
    datagen.comments(busy, n_comments, author_ids=author_ids, seed=72)
    datagen.comments(quiet, 10, author_ids=author_ids, seed=73)
    # The signed-in crowd reads; the 50 speakers wrote the debate (a reader's own comments are drawn for them alone).
    readers = datagen.verified_users(50, first_document=datagen.documents(50), seed=76, prefix="pages-reader")
    # A closed poll of the process with its results published, over ballots written as ballot_cast does.
    from django.utils import timezone

    from votes.models import Poll

    poll = datagen.poll(process, open_now=False)
    voters = 200 if ctx.smoke else 5_000
    census = datagen.census_records(voters, first_document=datagen.documents(voters), seed=74)
    datagen.cast_ballots(poll, census, seed=75)
    Poll.objects.filter(pk=poll.pk).update(results_published_at=timezone.now())
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {
        "process": process,
        "sessions": [key for _, key in readers],
        "urls": {
            "home": "/",
            "process": process.url,
            "list_page_2": f"{process.url}?sort=supported&page=2",
            "detail_1000": f"{process.url}{busy}/",
            "results": f"/polls/{poll.pk}/results/",
        },
        "quiet_detail": f"{process.url}{quiet}/",
        "n_proposals": n_proposals,
        "n_comments": n_comments,
        "ballots": voters,
    }


def _queries(urls: dict[str, str], quiet_detail: str, session: str) -> dict[str, dict[str, int]]:
    """SQL per page, in-process (a page's queries do not depend on the server), the page cache off."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext, override_settings

    counted: dict[str, dict[str, int]] = {}
    pages = {**urls, "list_page_1": urls["process"], "detail_10": quiet_detail}
    with override_settings(PAGE_CACHE_ENABLED=False):
        for audience in ("anonymous", "signed_in"):
            browser = DjangoClient(HTTP_HOST="127.0.0.1")
            if audience == "signed_in":
                browser.cookies[settings.SESSION_COOKIE_NAME] = session
            counted[audience] = {}
            for name, url in pages.items():
                browser.get(url)  # once to warm what a running server keeps (the ballot paper, census counts)
                with CaptureQueriesContext(connection) as captured:
                    status = browser.get(url).status_code
                if status != 200:
                    raise HTTPError(f"{url} answered {status} ({audience})")
                counted[audience][name] = len(captured)
    return counted


def _render_cpu_ms(urls: dict[str, str], session: str, repeats: int) -> dict[str, dict[str, float]]:
    """Median CPU ms of one page in-process: signed in as served, anonymous rendered (cache off) and from the cache."""
    from django.conf import settings
    from django.test import Client as DjangoClient
    from django.test.utils import override_settings

    out: dict[str, dict[str, float]] = {"signed_in": {}, "anonymous_rendered": {}, "anonymous_cached": {}}
    for kind in out:
        # One client per kind: a new test client builds the whole middleware chain on its first request (~25 ms).
        browser = DjangoClient(HTTP_HOST="127.0.0.1")
        # Signed in as served (the debate's thread from the cache when shared); anonymous both ways.
        with override_settings(PAGE_CACHE_ENABLED=kind != "anonymous_rendered"):
            for name, url in urls.items():
                samples = []
                for _ in range(repeats + 1):
                    browser.cookies.clear()  # anonymous: a new visitor each time
                    if kind == "signed_in":
                        browser.cookies[settings.SESSION_COOKIE_NAME] = session
                    t0 = time.thread_time()
                    browser.get(url)
                    samples.append((time.thread_time() - t0) * 1000)
                out[kind][name] = round(statistics.median(samples[1:]), 2)  # the first fills the cache
    return out


def _profile_signed_in(urls: dict[str, str], session: str, repeats: int) -> str:
    """pyinstrument's view of where a signed-in page's time goes (each page `repeats` times, in-process)."""
    from django.conf import settings
    from django.test import Client as DjangoClient
    from pyinstrument import Profiler

    browser = DjangoClient(HTTP_HOST="127.0.0.1")
    browser.cookies[settings.SESSION_COOKIE_NAME] = session
    reports = []
    for name, url in urls.items():
        browser.get(url)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(repeats):
            browser.get(url)
        profiler.stop()
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        reports.append(f"## {name} ({url}), signed in, {repeats} loads\n\n{text}")
    return "\n".join(reports)


def _baseline_cpu(ctx: Context, seconds: float) -> dict[str, float]:
    """CPU per request of the do-nothing view at 16 clients: a divisor the machine's other load does not move."""
    port = ctx.ports["baseline_http"]

    async def job(_worker: int, _n: int) -> None:
        response = await Client(HOST, port).get("/")
        if response.status != 200:
            raise HTTPError(f"baseline answered {response.status}")

    pids = group_pids(ctx.pids["baseline_http"])
    before = cpu_seconds(pids)
    result = run_async(closed_loop(job, workers=CLIENTS, max_jobs=10_000_000, max_seconds=seconds))
    cpu = cpu_seconds(pids) - before
    return {
        "cpu_ms_per_request": 1000 * cpu / result.done if result.done else float("nan"),
        "rate_per_s": result.rate,
        "p99_ms": result.p(99),
    }


def _load(ctx: Context, urls: dict[str, str], sessions: list[str] | None) -> tuple[LoadResult, dict[str, Any]]:
    port = ctx.ports["decide_http"]
    names = list(urls)
    latencies: dict[str, list[float]] = {name: [] for name in names}
    cache_states: Counter[str] = Counter()

    async def job(worker: int, n: int) -> None:
        name = names[n % len(names)]
        cookies = {"sessionid": sessions[worker % len(sessions)]} if sessions else {}
        response = await Client(HOST, port, cookies=cookies).get(urls[name])
        if response.status != 200:
            raise HTTPError(f"{urls[name]} answered {response.status}")
        latencies[name].append(response.seconds)
        cache_states[response.header("x-page-cache") or "none"] += 1

    async def warm_up(worker: int, n: int) -> None:
        cookies = {"sessionid": sessions[worker % len(sessions)]} if sessions else {}
        await Client(HOST, port, cookies=cookies).get(urls[names[n % len(names)]])

    # Unmeasured: every worker loads its templates and connections once, as a server running for a while has.
    warm_jobs = 2 * len(names) if ctx.smoke else CLIENTS * len(names)  # smoke: small, under its share of 2 min
    run_async(closed_loop(warm_up, workers=CLIENTS, max_jobs=warm_jobs, max_seconds=3 * ctx.sizes["pages_seconds"]))
    pids = group_pids(ctx.pids["decide_http"])
    cpu_before = cpu_seconds(pids)
    load_before = os.getloadavg()[0]
    result = run_async(closed_loop(job, workers=CLIENTS, max_jobs=10_000_000, max_seconds=ctx.sizes["pages_seconds"]))
    cpu = cpu_seconds(pids) - cpu_before
    detail = {
        # The machine's 1-minute load average before and after: other work on the 2 cores shows in every latency.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "server_cores_used": cpu / result.seconds if result.seconds else None,
        "p99_ms": result.p(99),
        "p50_ms": result.p(50),
        "rate_per_s": result.rate,
        "requests": result.done,
        "errors": result.errors,
        "error_samples": result.error_samples,
        "server_cpu_ms_per_page": 1000 * cpu / result.done if result.done else None,
        "p99_ms_by_page": {name: percentile(values, 99) * 1000 for name, values in latencies.items()},
        "cache": dict(cache_states),
    }
    return result, detail


def pages(ctx: Context, base: LoadResult) -> list[Figure]:
    home, site, previous_root = _home_page()
    try:
        return _pages(ctx, base, home)
    finally:
        _restore_site(site, previous_root)


def _pages(ctx: Context, base: LoadResult, home: Any) -> list[Figure]:
    t0 = time.perf_counter()
    try:
        data = _setup(ctx, home)
        urls: dict[str, str] = data["urls"]
        ctx.log(
            f"{data['n_proposals']} proposals, {data['n_comments']} comments, {data['ballots']} ballots "
            f"in {time.perf_counter() - t0:.1f}s"
        )
        queries = _queries(urls, data["quiet_detail"], data["sessions"][0])
    except HTTPError as exc:
        ctx.failures.append(f"pages: {exc}")
        return [missing("pages", str(exc), GOAL)]
    ctx.log(f"SQL queries per page: {queries}")
    constant = all(
        q["list_page_1"] == q["list_page_2"] and q["detail_1000"] == q["detail_10"] for q in queries.values()
    )
    runs: dict[str, dict[str, Any]] = {}
    results: dict[str, LoadResult] = {}
    for audience, sessions in (("anonymous", None), ("signed_in", data["sessions"])):
        results[audience], runs[audience] = _load(ctx, urls, sessions)
        run = runs[audience]
        ctx.log(
            f"{audience}: {run['rate_per_s']:.0f} pages/s, p99 {run['p99_ms']:.0f} ms, "
            f"CPU {run['server_cpu_ms_per_page'] or 0:.1f} ms/page, {run['errors']} errors, cache {run['cache']}; "
            + ", ".join(f"{k} {v:.0f}" for k, v in run["p99_ms_by_page"].items())
        )
        if run["errors"]:
            ctx.failures.append(f"pages ({audience}): {run['errors']} errors, e.g. {run['error_samples']}")
    cpu_ms = _render_cpu_ms(urls, data["sessions"][0], repeats=2 if ctx.smoke else 5)
    ctx.log(f"CPU ms per page in-process: {cpu_ms}")
    if not ctx.smoke:
        profile = _profile_signed_in(urls, data["sessions"][0], repeats=10)
        PROFILE.write_text(profile)
        ctx.log(f"signed-in profile written to {PROFILE.relative_to(PROFILE.parent.parent.parent)}")
    base_cpu = _baseline_cpu(ctx, seconds=2 if ctx.smoke else 5)
    ctx.log(f"do-nothing view: {base_cpu['cpu_ms_per_request']:.2f} ms CPU per request")
    for run in runs.values():
        run["cpu_ratio_to_baseline"] = (run["server_cpu_ms_per_page"] or 0) / base_cpu["cpu_ms_per_request"]
    p99 = max(run["p99_ms"] for run in runs.values())
    errors = sum(run["errors"] for run in runs.values())
    figures = [
        Figure(
            "pages",
            p99,
            "ms p99 (worse audience)",
            base.p(99),
            "do-nothing view p99 at 16 clients (ms)",
            p99 / base.p(99) if base.p(99) else float("nan"),
            GOAL,
            met=p99 <= 150 and constant and not errors,
            sizes={
                "clients": CLIENTS,
                "proposals": data["n_proposals"],
                "comments": data["n_comments"],
                "ballots": data["ballots"],
                "seconds_per_audience": ctx.sizes["pages_seconds"],
            },
            extra={
                "pages": urls,
                "anonymous": runs["anonymous"],
                "signed_in": runs["signed_in"],
                "baseline_rate_per_s": base.rate,
                "sql_queries": queries,
                "queries_constant": constant,
                "cpu_ms_in_process": cpu_ms,
                "baseline_cpu": base_cpu,
            },
        )
    ]
    for audience, run in runs.items():
        figures.append(
            Figure(
                f"pages_{audience}",
                run["p99_ms"],
                "ms p99",
                base.p(99),
                "do-nothing view p99 at 16 clients (ms)",
                run["p99_ms"] / base.p(99) if base.p(99) else float("nan"),
                "p99 ≤ 150 ms at 16 clients",
                met=run["p99_ms"] <= 150 and not run["errors"],
                sizes={"clients": CLIENTS, "requests": run["requests"]},
                extra={
                    "rate_per_s": run["rate_per_s"],
                    "server_cpu_ms_per_page": run["server_cpu_ms_per_page"],
                    "cpu_ratio_to_baseline": run["cpu_ratio_to_baseline"],
                    "server_cores_used": run["server_cores_used"],
                    "load_average": run["load_average"],
                    "p50_ms": run["p50_ms"],
                    "p99_ms_by_page": run["p99_ms_by_page"],
                    "cache": run["cache"],
                },
            )
        )
    figures.append(_serving(ctx, urls, results["anonymous"], results["signed_in"]))
    return figures


def _serving(ctx: Context, urls: dict[str, str], anonymous: LoadResult, signed_in: LoadResult) -> Figure:
    """The serving choice, measured: the list and the debate, anonymous, on the two uvicorn processes."""
    asgi_ports = [ctx.ports["decide_ws_1"], ctx.ports["decide_ws_2"]]
    pair = [urls["process"], urls["detail_1000"]]

    async def job(worker: int, n: int) -> None:
        url = pair[n % 2]
        response = await Client(HOST, asgi_ports[worker % 2]).get(url)
        if response.status != 200:
            raise HTTPError(f"{url} on uvicorn answered {response.status}")

    asgi = run_async(closed_loop(job, workers=CLIENTS, max_jobs=10_000_000, max_seconds=ctx.sizes["pages_seconds"] / 2))
    ctx.log(f"same pages on 2 uvicorn processes: {asgi.rate:.0f} req/s, p99 {asgi.p(99):.0f} ms, {asgi.errors} errors")
    return Figure(
        "serving_asgi_vs_wsgi",
        asgi.rate,
        "req/s (uvicorn x2)",
        anonymous.rate,
        "the anonymous page mix on gunicorn",
        asgi.rate / anonymous.rate if anonymous.rate else float("nan"),
        "informs the choice: > 1 would favour ASGI for pages",
        met=None,
        sizes={"clients": CLIENTS, "requests": asgi.done},
        extra={
            "p99_ms": asgi.p(99),
            "errors": asgi.errors,
            "error_samples": asgi.error_samples,
            "signed_in_gunicorn_rate": signed_in.rate,
        },
    )
