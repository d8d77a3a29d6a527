"""HTTP figures: the do-nothing baseline and ballots cast end to end (pages: bench/fig_pages.py)."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import datagen
from .core import Context, Figure, missing
from .forms import ballot_form, confirm_form
from .httpclient import Client, HTTPError
from .load import LoadResult, closed_loop, percentile, run_async

HOST = "127.0.0.1"
BASELINE_DB = "bench_baseline"


def baseline(ctx: Context, workers: int) -> LoadResult:
    """The do-nothing Django view under gunicorn (2 sync workers): requests per second at `workers` clients."""
    port = ctx.ports["baseline_http"]

    async def job(_worker: int, _n: int) -> None:
        response = await Client(HOST, port).get("/")
        if response.status != 200:
            raise HTTPError(f"baseline answered {response.status}")

    result = run_async(closed_loop(job, workers=workers, max_jobs=10_000_000, max_seconds=ctx.sizes["http_seconds"]))
    ctx.log(f"baseline {workers} clients: {result.rate:.0f} req/s, p99 {result.p(99):.1f} ms, {result.errors} errors")
    if result.errors:
        ctx.failures.append(f"baseline view: {result.errors} errors {result.error_samples}")
    return result


def _ballot_path(poll: Any) -> str | None:
    from django.urls import NoReverseMatch, reverse

    for name in (
        "votes:ballot",
        "votes:poll_ballot",
        "votes:vote",
        "votes:cast",
        "votes:poll_vote",
        "votes:ballot_form",
    ):
        try:
            return reverse(name, args=[poll.pk])
        except NoReverseMatch:
            continue
    return None


async def _cast(
    client: Client, path: str, rng: random.Random, latencies: list[float], *, confirm_steps: int = 3
) -> None:
    """One voter's ballot as a person casts it: GET the form, POST the choices, confirm on the review page."""
    page = await client.get(path)
    latencies.append(page.seconds)
    if page.status != 200:
        raise HTTPError(f"ballot form answered {page.status}")
    form = ballot_form(page.body)
    response = await client.request("POST", form.action or path, dict(form.fill(rng)))
    latencies.append(response.seconds)
    # Then, as a person would: confirm on the review page (step 2) and/or follow a redirect.
    for _step in range(confirm_steps):
        if response.status in (302, 303):
            response = await client.get(urlsplit(response.header("location") or "").path)
            latencies.append(response.seconds)
            continue
        if response.status != 200:
            raise HTTPError(f"casting answered {response.status}")
        confirm = confirm_form(response.body)
        if confirm is None:
            break
        response = await client.request("POST", confirm.action, dict(confirm.fill(rng)))
        latencies.append(response.seconds)
    if response.status != 200:
        raise HTTPError(f"no receipt page (status {response.status})")


def _warm_up(ctx: Context, job: Any, n: int) -> int:
    """Each server worker's first requests load templates, translations and URL patterns: not what is measured.

    Cast by the last prepared voters; returns how many were used.
    """
    count = 16 if ctx.smoke else 64

    async def warm(worker: int, i: int) -> None:
        await job(worker, n - 1 - i)

    run_async(closed_loop(warm, workers=8, max_jobs=count, max_seconds=60))
    return count


def _gunicorn_workers(ctx: Context) -> list[str]:
    return ["--workers", str(ctx.http_workers)] if ctx.http_workers else []


def ballot_baseline(ctx: Context) -> tuple[LoadResult, dict[str, Any]]:
    """The same three requests on plain Django (bench/baseline_project): ballots/s at 32 clients.

    Its own PostgreSQL database (same server), its own gunicorn with Decide's gunicorn config
    (same worker count, preload), database sessions, one durable INSERT under a unique constraint.
    """
    import subprocess

    import psycopg

    from . import harness
    from .procs import free_port, wait_for_port

    db_url = harness.with_database(ctx.database_url, BASELINE_DB)
    with psycopg.connect(ctx.database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BASELINE_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BASELINE_DB}"')
    env = dict(
        ctx.env,
        DJANGO_SETTINGS_MODULE="bench.baseline_project.settings",
        BASELINE_DATABASE_URL=db_url,
        PYTHONWARNINGS="ignore",
    )
    django = [harness.PYTHON, "-m", "django"]
    subprocess.run([*django, "migrate", "--no-input", "-v0"], cwd=harness.ROOT, env=env, check=True)
    n = ctx.sizes["ballot_voters"]
    made = subprocess.run(
        [*django, "baseline_voters", str(n)], cwd=harness.ROOT, env=env, check=True, capture_output=True, text=True
    )
    sessions = made.stdout.split()
    port = free_port()
    bin_dir = str(Path(harness.PYTHON).parent)
    server = ctx.procs.start(
        "baseline_ballot",
        [
            f"{bin_dir}/gunicorn",
            "bench.baseline_project.wsgi:application",
            "--config",
            "decide/gunicorn.conf.py",
            *_gunicorn_workers(ctx),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env,
    )
    try:
        wait_for_port(port, server)
        latencies: list[float] = []
        acknowledged: list[str] = []
        rng = random.Random(83)

        async def job(_worker: int, n_: int) -> None:
            await _cast(Client(HOST, port, cookies={"sessionid": sessions[n_]}), "/ballot/", rng, latencies)
            acknowledged.append(sessions[n_])

        warm = _warm_up(ctx, job, n)
        result = run_async(closed_loop(job, workers=32, max_jobs=n - warm, max_seconds=ctx.sizes["http_seconds"]))
    finally:
        ctx.procs.stop(server)
    with psycopg.connect(db_url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*), count(DISTINCT voter_id) FROM baseline_ballot").fetchone()
    with psycopg.connect(ctx.database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BASELINE_DB}" WITH (FORCE)')
    rows, distinct = (row[0], row[1]) if row else (0, 0)
    if result.errors or rows != len(acknowledged) or distinct != rows:
        ctx.failures.append(
            f"ballot baseline: {result.errors} errors {result.error_samples}, "
            f"{len(acknowledged)} acknowledged, {rows} rows"
        )
    detail = {
        "request_p50_ms": percentile(latencies, 50) * 1000,
        "request_p99_ms": percentile(latencies, 99) * 1000,
        "ballots": result.done,
        "errors": result.errors,
        "rows": rows,
    }
    ctx.log(
        f"baseline ballots: {result.rate:.1f}/s, request p99 {detail['request_p99_ms']:.0f} ms, "
        f"{result.errors} errors, {rows} rows for {len(acknowledged)} acknowledged"
    )
    return result, detail


def ballot_rate(ctx: Context, base: LoadResult) -> list[Figure]:
    goal = "≥ 0.5 of the plain-Django ballot's rate; request p99 ≤ 100 ms; 0 errors; every acknowledged ballot counted"
    try:
        import votes.urls  # noqa: F401

        process = datagen.process_page(vote_open=True)
        poll = datagen.poll(process, open_now=True)
    except Exception as exc:
        return [missing("ballot_rate", f"cannot set up a poll: {exc}", goal)]
    path = _ballot_path(poll)
    if path is None:
        return [missing("ballot_rate", "no ballot URL in votes.urls yet (votes:ballot)", goal)]
    fair, fair_detail = ballot_baseline(ctx)
    n = ctx.sizes["ballot_voters"]
    t0 = time.perf_counter()
    voters = datagen.verified_users(n, first_document=datagen.DOC_VOTERS, seed=81, prefix="voter")
    ctx.log(f"{n} verified voters with sessions in {time.perf_counter() - t0:.1f}s; ballot form {path}")
    port = ctx.ports["decide_http"]
    request_latencies: list[float] = []
    acknowledged: list[str] = []
    rng = random.Random(82)

    async def job(_worker: int, n_: int) -> None:
        await _cast(Client(HOST, port, cookies={"sessionid": voters[n_][1]}), path, rng, request_latencies)
        acknowledged.append(voters[n_][1])

    warm = _warm_up(ctx, job, n)
    result = run_async(closed_loop(job, workers=32, max_jobs=n - warm, max_seconds=ctx.sizes["ballot_seconds"]))
    if result.done >= n - warm:
        ctx.log("warning: every prepared voter voted before time was up; raise ballot_voters")
    # Every acknowledged ballot counted, none doubled.
    from votes.models import Ballot, BallotChoice, Participation

    participations = Participation.objects.filter(poll=poll).count()
    ballots = Ballot.objects.filter(poll=poll).count()
    choices = BallotChoice.objects.filter(poll=poll).count()
    acks = len(acknowledged)
    lost = max(0, acks - ballots)
    doubled = max(0, ballots - participations)
    integrity = {
        "acknowledged": acks,
        "participations": participations,
        "ballots": ballots,
        "choices": choices,
        "lost": lost,
        "doubled": doubled,
    }
    if lost or doubled or participations != ballots:
        ctx.failures.append(f"ballot integrity: {integrity}")
    if result.errors:
        ctx.failures.append(f"ballot_rate: {result.errors} errors, e.g. {result.error_samples}")
    p99_request = percentile(request_latencies, 99) * 1000
    ratio = result.rate / fair.rate if fair.rate else float("nan")
    nothing_ratio = result.rate / base.rate if base.rate else float("nan")
    ctx.log(
        f"ballots: {result.rate:.1f}/s ({ratio:.3f} of plain Django's ballot, {nothing_ratio:.4f} of the "
        f"do-nothing view), request p99 {p99_request:.0f} ms, {result.errors} errors, {integrity}"
    )
    clean = not result.errors and not lost and not doubled
    detail = {
        "http_requests_per_s": 3 * result.done / result.seconds if result.seconds else 0,
        "request_p50_ms": percentile(request_latencies, 50) * 1000,
        "request_p99_ms": p99_request,
        "ballot_p99_ms": result.p(99),
        "errors": result.errors,
        "error_samples": result.error_samples,
        **integrity,
    }
    return [
        Figure(
            "ballot_rate",
            result.rate,
            "ballots/s",
            fair.rate,
            "plain-Django ballot (bench/baseline_project, same gunicorn config) ballots/s",
            ratio,
            goal,
            met=ratio >= 0.5 and p99_request <= 100 and clean,
            sizes={"clients": 32, "seconds": round(result.seconds, 1), "ballots": result.done},
            extra={**detail, "baseline": fair_detail},
        ),
        Figure(
            "ballot_rate_vs_nothing",
            result.rate,
            "ballots/s",
            base.rate,
            "do-nothing view req/s (gunicorn, 2 sync workers)",
            nothing_ratio,
            "today's ratio, kept for comparison (the former goal: ≥ 0.25)",
            met=None,
            sizes={"clients": 32},
            extra={"baseline_p99_ms": base.p(99)},
        ),
    ]
