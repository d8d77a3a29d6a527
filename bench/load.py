"""Closed-loop load: N concurrent workers, each repeating a job, bounded by count and by time."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """uvloop when present (it ships with uvicorn[standard]): a cheaper client leaves more CPU to the server."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class LoadResult:
    done: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


Job = Callable[[int, int], Awaitable[None]]


async def closed_loop(job: Job, *, workers: int, max_jobs: int, max_seconds: float) -> LoadResult:
    """Run `job(worker, n)` from `workers` coroutines until `max_jobs` have started or time is up.

    A job that raises counts as an error (its message is sampled); its latency is not recorded.
    """
    result = LoadResult()
    started = time.perf_counter()
    deadline = started + max_seconds
    counter = iter(range(max_jobs))

    async def worker(index: int) -> None:
        for n in counter:
            if time.perf_counter() >= deadline:
                return
            t0 = time.perf_counter()
            try:
                await job(index, n)
            except Exception as exc:  # every failure is counted, none stops the run
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{type(exc).__name__}: {exc}"[:300])
                continue
            result.latencies.append(time.perf_counter() - t0)
            result.done += 1

    await asyncio.gather(*(worker(i) for i in range(workers)))
    result.seconds = time.perf_counter() - started
    return result
