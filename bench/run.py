"""`python -m bench.run --smoke|--full`: set up, start the servers, measure every figure, stop everything.

Prints one table and writes bench/results/latest.json (bench/results/smoke.json for --smoke).
Exits non-zero on errors, lost or doubled ballots, never because the machine is slow.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from . import harness
from .core import FULL, SMOKE, Context, Figure, missing
from .procs import Processes, free_port, wait_for_port

RESULTS = Path(__file__).resolve().parent / "results"


# The ASGI server of the two /ws/ processes; `uvicorn` is the recorded choice (see README, "Serving choice").
WS_SERVERS: dict[str, Callable[[str], list[str]]] = {
    "uvicorn": lambda b: [
        f"{b}/uvicorn",
        "decide.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--log-level",
        "warning",
        "--no-access-log",
        "--backlog",
        "2048",
    ],
    "uvicorn-sansio": lambda b: [
        f"{b}/uvicorn",
        "decide.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--log-level",
        "warning",
        "--no-access-log",
        "--backlog",
        "2048",
        "--ws",
        "websockets-sansio",
    ],
    "daphne": lambda b: [f"{b}/daphne", "-b", "127.0.0.1", "-p", "{port}", "-v", "0", "decide.asgi:application"],
}


def start_servers(ctx: Context) -> None:
    """Decide as production runs it: gunicorn (decide/gunicorn.conf.py) for pages, two uvicorn processes for /ws/."""
    py = harness.PYTHON
    bin_dir = str(Path(py).parent)
    ws_server = WS_SERVERS[ctx.ws_server](bin_dir)
    specs = {
        "decide_http": [
            f"{bin_dir}/gunicorn",
            "decide.wsgi:application",
            # Production's own config (decide/gunicorn.conf.py); --workers from --http-workers if given.
            "--config",
            "decide/gunicorn.conf.py",
            *(["--workers", str(ctx.http_workers)] if ctx.http_workers else []),
            "--bind",
            "127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        "baseline_http": [
            f"{bin_dir}/gunicorn",
            "bench.baseline_project.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            "127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        "decide_ws_1": ws_server,
        "decide_ws_2": ws_server,
        "baseline_ws": [py, "-m", "bench.ws_baseline", "{port}"],
    }
    started = []
    for name, args in specs.items():
        port = free_port()
        ctx.ports[name] = port
        proc = ctx.procs.start(name, [a.replace("{port}", str(port)) for a in args], ctx.env)
        ctx.pids[name] = proc.pid
        started.append((port, proc))
    for port, proc in started:
        wait_for_port(port, proc)


def django_setup(env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in env.items() if k not in os.environ or k in _OURS})
    # This process writes the figures' data (a million-row COPY when a figure runs alone): the
    # production statement limit (15 s, for pages) is not for it. The servers keep theirs (`env`).
    os.environ["DB_STATEMENT_TIMEOUT"] = "0"
    import django

    django.setup()


_OURS = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "CENSUS_PEPPER",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "CHANNEL_PREFIX",
    "CACHE_PREFIX",
    "LOG_LEVEL",
}


def guarded(ctx: Context, name: str, fn: Callable[[], list[Figure]]) -> list[Figure]:
    """One figure failing to run is reported as missing (and fails the run), not a crash of the rest."""
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {name}", flush=True)
    t0 = time.perf_counter()
    try:
        figures = fn()
    except Exception as exc:
        traceback.print_exc()
        ctx.failures.append(f"{name}: {type(exc).__name__}: {exc}")
        figures = [missing(name, f"crashed: {type(exc).__name__}: {exc}")]
    ctx.log(f"({time.perf_counter() - t0:.1f}s)")
    return figures


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "unit", "baseline", "ratio", "goal met")]
    for f in figures:
        if f.missing:
            rows.append((f.name, "—", "", "", "", f"missing: {f.missing}"))
            continue
        met = {True: "yes", False: "no", None: "—"}[f.met]
        rows.append((f.name, f"{f.value:.4g}", f.unit, f"{f.baseline:.4g}", f"{f.ratio:.3g}", met))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for i, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + f" | {r[5]} |")
        if i == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|---|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--smoke", action="store_true", help="small sizes, same code paths, under 2 minutes")
    mode.add_argument("--full", action="store_true", help="the figures of the issue, about 10 minutes")
    parser.add_argument("--only", default="", help="comma-separated figure names (development)")
    parser.add_argument("--size", action="append", default=[], metavar="KEY=N", help="override one size (development)")
    parser.add_argument("--ws-server", choices=sorted(WS_SERVERS), default="uvicorn", help="ASGI server for /ws/")
    parser.add_argument(
        "--http-workers", type=int, default=0, help="gunicorn sync workers for Decide (default: its gunicorn.conf.py)"
    )
    parser.add_argument("--keep-db", action="store_true", help=f"keep {harness.BENCH_DB} afterwards")
    args = parser.parse_args(argv)
    # A TERM (CI timeout, kill) unwinds through the `finally` below, so no server outlives the run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        database_url, redis_url = harness.required_urls()
    except harness.SetupError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    started_at = time.perf_counter()
    # Other work on the machine shows in every absolute figure; the ratios are why baselines run alongside.
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    env = harness.server_env(database_url, redis_url)
    ctx = Context(
        smoke=args.smoke,
        sizes=dict(SMOKE if args.smoke else FULL),
        env=env,
        database_url=database_url,
        procs=Processes(),
        ws_server=args.ws_server,
        http_workers=args.http_workers,
    )
    for override in args.size:
        key, _, value = override.partition("=")
        if key not in ctx.sizes:
            parser.error(f"unknown size {key!r}; known: {', '.join(ctx.sizes)}")
        ctx.sizes[key] = type(ctx.sizes[key])(value)
    only = {x for x in args.only.split(",") if x}
    figures: list[Figure] = []
    try:
        print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] setting up {harness.BENCH_DB}", flush=True)
        harness.prepare_database(database_url, env, log=ctx.log)
        harness.collectstatic(env)
        django_setup(env)
        from . import fig_data, fig_fanout, fig_http, fig_legislation, fig_notifications, fig_pages

        print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] starting servers", flush=True)
        start_servers(ctx)
        ctx.log(f"ports {ctx.ports}")
        steps: list[tuple[str, Callable[[], list[Figure]]]] = [
            ("census_import", lambda: fig_data.census_import(ctx)),
            ("stats_1m", lambda: fig_data.stats(ctx)),
            ("ballot_rate", lambda: fig_http.ballot_rate(ctx, fig_http.baseline(ctx, 32))),
            ("pages", lambda: fig_pages.pages(ctx, fig_http.baseline(ctx, 16))),
            ("bill_page", lambda: fig_legislation.bill_page(ctx)),
            ("fanout", lambda: fig_fanout.fanout(ctx)),
            ("notify_followers", lambda: fig_notifications.notify_followers(ctx)),
        ]
        for name, step in steps:
            if not only or name in only:
                figures += guarded(ctx, name, step)
    except Exception as exc:
        traceback.print_exc()
        ctx.failures.append(f"set-up: {type(exc).__name__}: {exc}")
    finally:
        ctx.procs.stop_all()
        if not args.keep_db:
            try:
                from django.conf import settings

                if settings.configured:
                    from django.db import connections

                    connections.close_all()
                harness.drop_database(database_url)
            except Exception as exc:  # a left-over database is not worth hiding the results
                print(f"bench: could not drop {harness.BENCH_DB}: {exc}", file=sys.stderr)
    report = {
        "mode": "smoke" if args.smoke else "full",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started_at, 1),
        "machine": {
            **harness.machine(database_url),
            "load_average_at_start": load_at_start,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "serving": {
            "http": f"gunicorn decide.wsgi, decide/gunicorn.conf.py, {ctx.http_workers or 'default'} sync workers",
            "websocket": f"2 {ctx.ws_server} processes (decide.asgi), channels_redis RedisPubSubChannelLayer",
            "baseline_http": "gunicorn bench.baseline_project (do-nothing view, default middleware), 2 sync workers",
            "baseline_ws": "bench.ws_baseline: plain websockets broadcast, 1 process",
        },
        "sizes": ctx.sizes,
        "figures": [f.as_dict() for f in figures],
        "failures": ctx.failures,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("smoke.json" if args.smoke else "latest.json")
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(out)
    print()
    print(table(figures))
    print(f"\nwritten {out.relative_to(RESULTS.parent.parent)} in {report['seconds']}s")
    if ctx.failures:
        print("\nFAILED:\n  " + "\n  ".join(ctx.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
