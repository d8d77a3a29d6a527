"""What every figure shares: sizes, the running servers, and the shape of a result row."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .procs import Processes

SMOKE: dict[str, Any] = {
    "http_seconds": 3,
    "ballot_voters": 500,
    "ballot_seconds": 5,
    "pages_proposals": 300,
    "pages_comments": 100,
    "pages_seconds": 3,
    "fanout_viewers": 100,
    "fanout_seconds": 3,
    "fanout_rate": 2,
    "stats_ballots": 20_000,
    "census_rows": 5_000,
    "notify_followers": 2_000,
    "notify_workers": 2,
    "repeats": 3,
}
FULL: dict[str, Any] = {
    "http_seconds": 20,
    "ballot_voters": 20_000,
    "ballot_seconds": 45,
    "pages_proposals": 10_000,
    "pages_comments": 1_000,
    "pages_seconds": 20,
    "fanout_viewers": 5_000,
    "fanout_seconds": 30,
    "fanout_rate": 2,
    "stats_ballots": 1_000_000,
    "census_rows": 1_000_000,
    "notify_followers": 100_000,
    "notify_workers": 2,
    "repeats": 5,
}


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    baseline_what: str
    ratio: float
    goal: str
    met: bool | None
    sizes: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    missing: str = ""

    def as_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            if isinstance(v, float):
                return None if math.isnan(v) else round(v, 4)
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list):
                return [clean(x) for x in v]
            return v

        return clean(self.__dict__.copy())  # type: ignore[no-any-return]


def missing(name: str, why: str, goal: str = "") -> Figure:
    nan = float("nan")
    return Figure(name, nan, "", nan, "", nan, goal, None, missing=why)


@dataclass
class Context:
    smoke: bool
    sizes: dict[str, Any]
    env: dict[str, str]
    database_url: str
    procs: Processes
    ws_server: str = "uvicorn"
    http_workers: int = 0  # 0: what decide/gunicorn.conf.py decides
    ports: dict[str, int] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        print(f"  {message}", flush=True)
