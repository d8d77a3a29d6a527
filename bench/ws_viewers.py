"""Many WebSocket viewers in one process: `python -m bench.ws_viewers N URL [URL ...]`.

Connects N sockets spread over the URLs, prints `ready <connected>` once all are open,
records when each message (by its JSON "id") arrives on each socket, answers a line `count`
on stdin with the number of arrivals so far, and on a line `stop` prints
`{"id": [monotonic arrival times...], ...}` as JSON and exits.
CLOCK_MONOTONIC is one clock for every process of the machine, so the publisher's send
times and these arrival times compare directly.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections import defaultdict

from websockets.asyncio.client import connect

arrivals: dict[str, list[float]] = defaultdict(list)


def raise_file_limit(need: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, need)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        raise SystemExit(f"file limit {soft} is below the {need} sockets needed (hard limit {hard})")


async def viewer(url: str, opened: asyncio.Event, counter: list[int], total: int, stop: asyncio.Event) -> None:
    origin = "http://" + url.split("//", 1)[1].split("/", 1)[0]
    try:
        async with connect(
            url,
            origin=origin,
            compression=None,
            ping_interval=None,
            open_timeout=60,  # type: ignore[arg-type]
            max_size=2**20,
        ) as ws:
            counter[0] += 1
            if counter[0] == total:
                opened.set()
            reader = asyncio.ensure_future(_read(ws))
            await stop.wait()
            reader.cancel()
    except Exception as exc:
        counter[1] += 1
        if counter[1] <= 3:
            print(f"viewer failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        if counter[0] + counter[1] == total:
            opened.set()


async def _read(ws: object) -> None:
    async for message in ws:  # type: ignore[attr-defined]
        now = time.monotonic()
        try:
            key = str(json.loads(message)["id"])
        except (ValueError, KeyError, TypeError):
            continue
        arrivals[key].append(now)


async def main(n: int, urls: list[str]) -> None:
    raise_file_limit(n + 100)
    opened = asyncio.Event()
    stop = asyncio.Event()
    counter = [0, 0]
    tasks = []
    for i in range(n):
        tasks.append(asyncio.ensure_future(viewer(urls[i % len(urls)], opened, counter, n, stop)))
        if i % 50 == 49:  # do not flood the listen backlogs
            await asyncio.sleep(0.05)
    await asyncio.wait_for(opened.wait(), 120)
    print(f"ready {counter[0]} {counter[1]}", flush=True)
    loop = asyncio.get_running_loop()
    while True:  # `count` answers how many messages arrived so far; `stop` ends the run
        command = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if command != "count":
            break
        print(sum(len(times) for times in arrivals.values()), flush=True)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps(arrivals), flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2:]))
