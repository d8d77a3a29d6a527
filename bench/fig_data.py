"""Data figures: importing a census file, and statistics over a million ballots."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import datagen, harness
from .core import Context, Figure, missing

DATA = Path(__file__).resolve().parent / ".data"


def _census_file(ctx: Context, rows: int) -> Path:
    datagen.geography()
    DATA.mkdir(exist_ok=True)
    path = DATA / f"census_{rows}.csv"
    if not path.exists():  # fixed seed: the same file every run, so it is kept between runs
        tmp = path.with_suffix(".tmp")
        datagen.census_csv(str(tmp), rows, seed=8)
        tmp.replace(path)
    return path


def census_import(ctx: Context) -> list[Figure]:
    goal = "≤ 5x baseline; peak memory ≤ 300 MB"
    rows = ctx.sizes["census_rows"]
    t0 = time.perf_counter()
    path = _census_file(ctx, rows)
    ctx.log(f"census file of {rows} rows ready in {time.perf_counter() - t0:.1f}s")
    if not (harness.ROOT / "accounts" / "management" / "commands" / "import_census.py").exists():
        return [missing("census_import", "manage.py import_census does not exist yet", goal)]
    # Baseline: COPY of the same file into a bare table, streamed from the client like the import reads it.
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {harness.BASELINE_TABLE}")
        cur.execute(
            f"CREATE TABLE {harness.BASELINE_TABLE} (document_number text, birth_date text, "
            "district_code text, gender text)"
        )
    raw.commit()
    t0 = time.perf_counter()
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY {harness.BASELINE_TABLE} FROM STDIN WITH (FORMAT csv, HEADER true)") as cp,
        path.open("rb") as src,
    ):
        while chunk := src.read(1 << 20):
            cp.write(chunk)
    raw.commit()
    copy_seconds = time.perf_counter() - t0
    with raw.cursor() as cur:
        cur.execute(f"DROP TABLE {harness.BASELINE_TABLE}")
    raw.commit()
    # The import, as an administrator runs it from the shell; peak RSS of that process alone (wait4).
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [harness.PYTHON, "manage.py", "import_census", str(path)],
        cwd=harness.ROOT,
        env=ctx.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    import_seconds = time.perf_counter() - t0
    peak_mb = usage.ru_maxrss / 1024
    from accounts.models import CensusRecord

    imported = CensusRecord.objects.filter(district__code__startswith="B").count()
    tail = output.decode("utf-8", "replace").strip().splitlines()[-3:]
    ctx.log(
        f"import_census: {import_seconds:.1f}s, peak {peak_mb:.0f} MB, exit {proc.returncode}, "
        f"{imported} records; COPY {copy_seconds:.2f}s; {tail}"
    )
    if proc.returncode != 0 or imported < rows:
        ctx.failures.append(f"census_import: exit {proc.returncode}, {imported}/{rows} records: {tail}")
    ctx.shared["census_imported"] = imported
    ratio = import_seconds / copy_seconds
    indexed_seconds = _copy_into_census_like_table(raw, path)
    hmac_seconds = _hmac_seconds(path)
    ctx.log(
        f"COPY of the hashed rows into a table with the census's indexes and constraints: {indexed_seconds:.2f}s; "
        f"HMAC of every document alone: {hmac_seconds:.2f}s"
    )
    return [
        Figure(
            "census_import",
            import_seconds,
            "s",
            copy_seconds,
            "COPY of the same file into a bare table (s)",
            ratio,
            goal,
            met=ratio <= 5 and peak_mb <= 300 and imported >= rows,
            sizes={"rows": rows},
            extra={
                "peak_memory_mb": peak_mb,
                "rows_per_s": rows / import_seconds,
                "records": imported,
                "exit": proc.returncode,
                "output_tail": tail,
                "copy_into_census_like_table_s": indexed_seconds,
                "ratio_to_census_like_copy": import_seconds / indexed_seconds if indexed_seconds else None,
                "hmac_seconds": hmac_seconds,
                "hmac_share": hmac_seconds / import_seconds if import_seconds else None,
            },
        )
    ]


def _copy_into_census_like_table(raw: Any, path: Path) -> float:
    """COPY of the imported (hashed) rows into a copy of the census table: its indexes, checks, district key.

    The floor of writing these rows where the census keeps them, whatever reads the file; timed alone
    (the rows are first written to a file, as COPY's client would read them).
    """
    rows = path.with_suffix(".hashed")
    columns = "document_hash, birth_date, district_id, gender, area, imported_at"
    with raw.cursor() as cur, rows.open("wb") as out:
        with cur.copy(f"COPY (SELECT {columns} FROM accounts_censusrecord) TO STDOUT") as cp:  # noqa: S608
            for chunk in cp:
                out.write(chunk)
        cur.execute("SET statement_timeout = 0")  # Decide's page limit is on this connection; this is no page
        cur.execute("DROP TABLE IF EXISTS bench_census_like")
        cur.execute("CREATE TABLE bench_census_like (LIKE accounts_censusrecord INCLUDING ALL)")
        cur.execute(
            "ALTER TABLE bench_census_like ADD FOREIGN KEY (district_id) REFERENCES accounts_district (id)"
            " DEFERRABLE INITIALLY DEFERRED"
        )
    raw.commit()
    try:
        t0 = time.perf_counter()
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY bench_census_like ({columns}) FROM STDIN") as cp,
            rows.open("rb") as src,
        ):
            while chunk := src.read(1 << 20):
                cp.write(chunk)
        raw.commit()  # the deferred district checks run here
        return time.perf_counter() - t0
    finally:
        with raw.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_census_like")
        raw.commit()
        rows.unlink(missing_ok=True)


def _hmac_seconds(path: Path) -> float:
    """What hashing every document costs by itself (the import's one unavoidable per-row work)."""
    import csv

    from accounts.census import document_hasher

    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        documents = [row[0].upper() for row in reader]
    digest = document_hasher()
    t0 = time.perf_counter()
    for document in documents:
        digest(document)
    return time.perf_counter() - t0


def _median_seconds(fn: Callable[[], Any], repeats: int) -> float:
    fn()  # warm: the figure is about the query plan, not a cold disk cache
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def stats(ctx: Context) -> list[Figure]:
    goal = "≤ 1.0x the naive grouped SQL"
    from django.db import connection

    from accounts.models import CensusRecord

    n = ctx.sizes["stats_ballots"]
    t0 = time.perf_counter()
    census = CensusRecord.objects.filter(district__code__startswith="B")
    have = census.count()
    if have < n:
        datagen.census_records(n - have, first_document=datagen.DOC_STATS, seed=40)
        ctx.log(f"census completed with {n - have} generated records in {time.perf_counter() - t0:.1f}s")
    first = census.order_by("pk").values_list("pk", flat=True).first()
    ids = list(census.order_by("pk").values_list("pk", flat=True)[:n]) if n <= 50_000 else None
    census_ids = range(ids[0], ids[-1] + 1) if ids else range(first, first + n)  # type: ignore[operator]
    process = datagen.process_page(vote_open=False)
    poll = datagen.poll(process, open_now=False)
    cast = datagen.cast_ballots(poll, census_ids, seed=41)
    census_total = CensusRecord.objects.count()
    phases = ", ".join(f"{k} {v:.1f}" for k, v in datagen.TIMINGS.items())
    ctx.log(
        f"closed poll with {cast} ballots over a census of {census_total} in {time.perf_counter() - t0:.1f}s ({phases})"
    )
    if cast < n:
        ctx.log(f"warning: only {cast} ballots (census ids not contiguous)")
    repeats = ctx.sizes["repeats"]

    def naive_results() -> list[Any]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT option_id, gender, area, count(*) FROM votes_ballotchoice WHERE poll_id = %s "
                "GROUP BY option_id, gender, area",
                [poll.pk],
            )
            return cur.fetchall()

    def naive_inclusion() -> list[Any]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT gender, area, count(*) FROM votes_participation WHERE poll_id = %s GROUP BY gender, area",
                [poll.pk],
            )
            part = cur.fetchall()
            cur.execute("SELECT gender, area, count(*) FROM accounts_censusrecord GROUP BY gender, area")
            return part + cur.fetchall()

    base_results = _median_seconds(naive_results, repeats)
    base_inclusion = _median_seconds(naive_inclusion, repeats)
    ctx.log(f"naive SQL: results {base_results * 1000:.1f} ms, inclusion {base_inclusion * 1000:.1f} ms")
    sizes = {"ballots": cast, "census": census_total, "repeats": repeats}
    figures: list[Figure] = []
    try:
        from votes.results import stats as vstats
    except ImportError:
        return [missing("stats_1m", "votes.results.stats does not exist yet", goal)]
    breakdown = getattr(vstats, "poll_results_breakdown", None)
    if breakdown is None:
        figures.append(missing("stats_1m", "votes.results.stats.poll_results_breakdown does not exist yet", goal))
    else:
        t = _median_seconds(lambda: breakdown(poll), repeats)
        ctx.log(f"poll_results_breakdown: {t * 1000:.1f} ms")
        figures.append(
            Figure(
                "stats_1m",
                t * 1000,
                "ms",
                base_results * 1000,
                "naive grouped SQL over ballot choices (ms)",
                t / base_results,
                goal,
                met=t <= base_results,
                sizes=sizes,
            )
        )
    inclusion, inclusion_name = None, ""
    try:  # what is published: stage counts against the eligible census, suppressed (votes.results.published)
        from votes.results.published import poll_statistics

        inclusion, inclusion_name = (lambda p: poll_statistics(p, 10)), "votes.results.published.poll_statistics"
    except ImportError:
        stage, eligible = getattr(vstats, "poll_stage_counts", None), getattr(vstats, "poll_eligible_counts", None)
        if stage and eligible:
            inclusion = lambda p: (stage(p), eligible(p))  # noqa: E731
            inclusion_name = "votes.results.stats.poll_stage_counts + poll_eligible_counts"
    if inclusion is None:
        figures.append(
            missing("stats_1m_inclusion", "no inclusion statistics function in votes.results.stats yet", goal)
        )
    else:
        t = _median_seconds(lambda: inclusion(poll), repeats)  # type: ignore[misc]
        ctx.log(f"{inclusion_name}: {t * 1000:.1f} ms")
        figures.append(
            Figure(
                "stats_1m_inclusion",
                t * 1000,
                "ms",
                base_inclusion * 1000,
                "naive grouped SQL over participations + census (ms)",
                t / base_inclusion,
                goal,
                met=t <= base_inclusion,
                sizes=sizes,
                extra={"function": inclusion_name},
            )
        )
    figures.append(_stats_open(ctx, poll, naive_inclusion, sizes))
    return figures


def _stats_open(ctx: Context, poll: Any, naive_inclusion: Callable[[], Any], sizes: dict[str, Any]) -> Figure:
    """The live dashboard's figures of the same poll reopened, cold: nothing settled, no denominators cached."""
    goal = "≤ 1.0x the naive grouped SQL (open poll, cold)"
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from votes.models import Poll
    from votes.results import stats as vstats

    live = getattr(vstats, "poll_live_turnout", None)
    if live is None:
        return missing("stats_open", "votes.results.stats.poll_live_turnout does not exist yet", goal)
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() + timedelta(days=1))
    poll.refresh_from_db()
    province, district = vstats.poll_scope(poll)

    def cold(fn: Callable[[], Any]) -> float:
        times = []
        for _ in range(ctx.sizes["repeats"]):
            cache.delete(vstats._eligible_key(province, district))
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    # Interleaved, so both sides see the same load: naive, ours, naive, ours...
    base, ours = [], []
    for _ in range(3):
        base.append(cold(naive_inclusion))
        ours.append(cold(lambda: live(poll)))
    b, t = statistics.median(base), statistics.median(ours)
    warm = _median_seconds(lambda: live(poll), ctx.sizes["repeats"])
    ctx.log(f"open poll, cold: poll_live_turnout {t * 1000:.1f} ms, naive {b * 1000:.1f} ms; warm {warm * 1000:.1f} ms")
    return Figure(
        "stats_open",
        t * 1000,
        "ms",
        b * 1000,
        "naive grouped SQL over participations + census (ms)",
        t / b,
        goal,
        met=t <= b,
        sizes=sizes,
        extra={"function": "votes.results.stats.poll_live_turnout", "warm_ms": round(warm * 1000, 2)},
    )
