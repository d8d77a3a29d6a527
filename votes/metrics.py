"""Ballot counts for /metrics, read from the database at each scrape (listed in settings.METRICS_COLLECTORS).

Counted from participations, the record of who took part (one per person and poll, online or
at a booth): never from ballots joined to anything, and never per poll option, so a scrape
says how many voted, not what they chose.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, Metric

from votes.models import Participation


class BallotCollector:
    def collect(self) -> Iterator[Metric]:
        cast = CounterMetricFamily("decide_ballots_cast", "Ballots cast, online and at booths.", labels=["channel"])
        for row in Participation.objects.values("channel").annotate(n=Count("id")).order_by("channel"):
            cast.add_metric([row["channel"]], row["n"])
        yield cast
