"""Live debate fan-out: comments to many WebSocket viewers over two server processes, vs plain websockets."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import datagen, harness
from .core import Context, Figure, missing
from .load import percentile
from .procs import cpu_seconds, group_pids


def _drain(count: Callable[[], int], expected: int, timeout: float) -> float:
    """Wait until every message arrived, or arrivals stopped growing for 3 s, or `timeout`; seconds waited."""
    started = time.monotonic()
    last, still_since = -1, time.monotonic()
    while time.monotonic() - started < timeout:
        got = count()
        if got >= expected:
            break
        if got != last:
            last, still_since = got, time.monotonic()
        elif time.monotonic() - still_since > 3:
            break
        time.sleep(0.25)
    return time.monotonic() - started


class Viewers:
    """The viewer process: connect, wait for `ready`, later `stop` and collect arrival times."""

    def __init__(self, ctx: Context, n: int, urls: list[str]) -> None:
        self.proc = subprocess.Popen(
            [harness.PYTHON, "-m", "bench.ws_viewers", str(n), *urls],
            cwd=harness.ROOT,
            env=ctx.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if not line or line[0] != "ready":
            self.proc.kill()
            raise RuntimeError(f"viewers did not connect (got {line!r})")
        self.connected, self.failed = int(line[1]), int(line[2])

    def count(self) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("count\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline() or 0)

    def drain(self, expected: int, timeout: float) -> float:
        return _drain(self.count, expected, timeout)

    def collect(self) -> dict[str, list[float]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("stop\n")
        self.proc.stdin.flush()
        data = json.loads(self.proc.stdout.readline() or "{}")
        self.proc.wait(timeout=30)
        return data  # type: ignore[no-any-return]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


VIEWERS_PER_PROCESS = 2_500


class ViewerSet:
    """Viewers spread over several client processes (2,500 each): one asyncio process reading, parsing
    and time-stamping 10,000 frames a second is itself the p50 of any server, Decide's or the baseline's."""

    def __init__(self, ctx: Context, n: int, urls: list[str]) -> None:
        processes = max(1, -(-n // VIEWERS_PER_PROCESS))
        shares = [n // processes + (1 if i < n % processes else 0) for i in range(processes)]
        self.parts: list[Viewers] = []
        try:
            for share in shares:
                self.parts.append(Viewers(ctx, share, urls))
        except Exception:
            self.kill()
            raise
        self.connected = sum(p.connected for p in self.parts)
        self.failed = sum(p.failed for p in self.parts)

    def count(self) -> int:
        return sum(p.count() for p in self.parts)

    def drain(self, expected: int, timeout: float) -> float:
        return _drain(self.count, expected, timeout)

    def collect(self) -> dict[str, list[float]]:
        merged: dict[str, list[float]] = {}
        for part in self.parts:
            for key, times in part.collect().items():
                merged.setdefault(key, []).extend(times)
        return merged

    def kill(self) -> None:
        for part in self.parts:
            part.kill()


def rss_bytes(pids: list[int]) -> int:
    """Resident memory of these processes now (VmRSS from /proc/<pid>/status)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


def _measure(ctx: Context, server_names: list[str], urls: list[str], publish: Any, count: int) -> dict[str, Any]:
    """Connect viewers, publish `count` messages at the configured rate, return latency, CPU and memory figures."""
    n = ctx.sizes["fanout_viewers"]
    pids = [p for name in server_names for p in group_pids(ctx.pids[name])]
    rss0 = rss_bytes(pids)
    viewers = ViewerSet(ctx, n, urls)
    try:
        publish("warm-up")  # first-use costs (templates, connections) are not what the figure is about
        time.sleep(1.0)  # let the servers settle after the connection storm
        # Memory the servers grew by while the viewers connected (their sockets, consumers, channel-layer groups).
        rss1 = rss_bytes(pids)
        cpu0 = cpu_seconds(pids)
        sent: dict[str, float] = {}
        calls: list[float] = []  # how long the publishing call itself took (Decide: the comment service)
        interval = 1.0 / ctx.sizes["fanout_rate"]
        start = time.monotonic()
        for i in range(count):
            target = start + i * interval
            delay = target - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            t0 = time.monotonic()
            key = publish(i)
            calls.append(time.monotonic() - t0)
            sent[str(key)] = t0
        # A backlog is late, not lost: wait while messages still arrive (bounded), CPU counted throughout.
        drained = viewers.drain(count * viewers.connected + viewers.connected, timeout=60)
        cpu1 = cpu_seconds(pids)
        arrivals = viewers.collect()
    finally:
        viewers.kill()
    latencies: list[float] = []
    last: list[float] = []
    delivered = 0
    for key, t0 in sent.items():
        times = arrivals.get(key, [])
        delivered += len(times)
        latencies += [t - t0 for t in times]
        if times:
            last.append(max(times) - t0)
    expected = count * viewers.connected
    return {
        "viewers": viewers.connected,
        "viewers_failed": viewers.failed,
        "messages": count,
        "delivered": delivered,
        "expected": expected,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "last_viewer_mean_ms": (sum(last) / len(last) * 1000) if last else float("nan"),
        "last_viewer_max_ms": max(last) * 1000 if last else float("nan"),
        "drain_s": drained,
        "publish_call_mean_ms": sum(calls) / len(calls) * 1000 if calls else float("nan"),
        "publish_call_max_ms": max(calls) * 1000 if calls else float("nan"),
        "cpu_s": cpu1 - cpu0,
        "cpu_us_per_delivery": (cpu1 - cpu0) / delivered * 1e6 if delivered else float("nan"),
        "cpu_ms_per_broadcast": (cpu1 - cpu0) / count * 1000 if count else float("nan"),
        "rss_mb_before": rss0 / 2**20,
        "rss_mb_connected": rss1 / 2**20,
        "kb_per_connection": (rss1 - rss0) / viewers.connected / 1024 if viewers.connected else float("nan"),
    }


def fanout(ctx: Context) -> list[Figure]:
    goal_p99 = "p99 ≤ 500 ms, nothing lost (5,000 viewers in the full run)"
    goal_cpu = "server CPU per delivered message ≤ 2x baseline"
    try:
        from proposals.debate.services import comment_create
        from proposals.routing import websocket_urlpatterns  # noqa: F401
    except ImportError as exc:
        return [missing("fanout_p99", f"live debate not in place: {exc}", goal_p99)]
    from accounts.models import User
    from proposals.models import Proposal, ProposalEvent

    process = datagen.process_page(vote_open=False)
    ((author_id, _key),) = datagen.verified_users(
        1, first_document=datagen.documents(1), seed=90, prefix="fanout-author"
    )
    author = User.objects.get(pk=author_id)
    pid = datagen.proposals(process, 1, author_id=author_id, seed=91)[0]
    proposal = Proposal.objects.get(pk=pid)
    count = int(ctx.sizes["fanout_seconds"] * ctx.sizes["fanout_rate"])
    texts: list[str] = []

    def publish_decide(i: int | str) -> int:
        before = ProposalEvent.objects.filter(proposal=proposal).order_by("-pk").values_list("pk", flat=True).first()
        comment_create(
            author=author,
            proposal=proposal,
            body=f"<p>Comentario {i}: el riego tecnificado ahorra agua y necesitamos plazos claros para la obra.</p>",
        )
        event = ProposalEvent.objects.filter(proposal=proposal, pk__gt=before or 0).order_by("pk").first()
        assert event is not None
        texts.append(event.text)
        return event.pk

    ws_urls = [f"ws://127.0.0.1:{ctx.ports[name]}/ws/proposals/{pid}/" for name in ("decide_ws_1", "decide_ws_2")]
    ctx.log(f"decide: {ctx.sizes['fanout_viewers']} viewers over {ws_urls}")
    decide = _measure(ctx, ["decide_ws_1", "decide_ws_2"], ws_urls, publish_decide, count)
    ctx.log(f"decide: {decide}")

    # Baseline: the same bytes (the texts Decide pushed, ids renumbered) through a plain websockets server.
    from websockets.sync.client import connect

    base_port = ctx.ports["baseline_ws"]
    publisher = connect(f"ws://127.0.0.1:{base_port}/publish", compression=None)

    def publish_base(i: int | str) -> str:
        key = f"b{i}"
        text = texts[i % len(texts)] if isinstance(i, int) else texts[0]
        body = json.loads(text)
        body["id"] = key
        publisher.send(json.dumps(body, separators=(",", ":")))
        return key

    try:
        base = _measure(ctx, ["baseline_ws"], [f"ws://127.0.0.1:{base_port}/view"], publish_base, count)
    finally:
        publisher.close()
    ctx.log(f"baseline: {base}")
    lost = decide["expected"] - decide["delivered"]
    if decide["viewers_failed"] or lost:
        ctx.failures.append(f"fanout: {decide['viewers_failed']} viewers failed to connect, {lost} deliveries lost")
    sizes = {
        "viewers": decide["viewers"],
        "server_processes": 2,
        "comments": count,
        "rate_per_s": ctx.sizes["fanout_rate"],
        "message_bytes": len(texts[0]) if texts else 0,
    }
    p99_ratio = decide["p99_ms"] / base["p99_ms"] if base["p99_ms"] else float("nan")
    cpu_ratio = (
        decide["cpu_us_per_delivery"] / base["cpu_us_per_delivery"] if base["cpu_us_per_delivery"] else float("nan")
    )
    return [
        Figure(
            "fanout_p99",
            decide["p99_ms"],
            "ms",
            base["p99_ms"],
            "plain websockets broadcast p99 (ms)",
            p99_ratio,
            goal_p99,
            met=decide["p99_ms"] <= 500 and not lost and not decide["viewers_failed"],
            sizes=sizes,
            extra={"decide": decide, "baseline": base},
        ),
        Figure(
            "fanout_cpu",
            decide["cpu_us_per_delivery"],
            "µs CPU/delivery",
            base["cpu_us_per_delivery"],
            "plain websockets broadcast (µs CPU/delivery)",
            cpu_ratio,
            goal_cpu,
            # CPU is read in clock ticks (10 ms): a smoke run's few hundred deliveries may show none on one side.
            met=None if not base["cpu_s"] or not decide["cpu_s"] else cpu_ratio <= 2 and not decide["viewers_failed"],
            sizes=sizes,
        ),
        Figure(
            "fanout_memory",
            decide["kb_per_connection"],
            "KB/connection",
            base["kb_per_connection"],
            "plain websockets server (KB/connection)",
            decide["kb_per_connection"] / base["kb_per_connection"] if base["kb_per_connection"] else float("nan"),
            "reported (server RSS growth while the viewers connect, over both processes)",
            met=None,
            sizes=sizes,
        ),
    ]
