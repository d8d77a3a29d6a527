"""Keep polls and their proposals in step with the calendar. Run it every minute or so (cron, systemd timer).

- A poll that has opened puts its proposals in vote (qualified / published bill → in_vote).
- A poll that has closed shuts its booths and shuffles its ballots once (see poll_ballots_shuffle).
- Its voters are told once when it opens, and those who have not taken part 48 h before it closes;
  a process's followers are told once when one of its phases begins.
Accepting or rejecting proposals happens when administrators publish the results.
Running it twice changes nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from proposals.models import ProposalStatus
from proposals.notifications import phases_tick
from votes import services
from votes.models import Poll
from votes.notifications import polls_tick


class Command(BaseCommand):
    help = "Move proposals of opened polls into the vote; close booths and shuffle ballots of closed polls."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, once every SECONDS (how `make run` keeps the demo in step without cron).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every: int = options["every"]
        if every <= 0:
            self.run_once()
            return
        while True:
            close_old_connections()
            self.run_once()
            time.sleep(every)

    def run_once(self) -> None:
        now = timezone.now()
        opened = Poll.objects.filter(
            opens_at__lte=now, proposals__status__in=[ProposalStatus.QUALIFIED, ProposalStatus.PUBLISHED]
        ).distinct()
        for poll in opened:
            moved = services.poll_open(poll=poll)
            if moved:
                self.stdout.write(f"Poll {poll.pk}: {len(moved)} proposal(s) now in vote.")
        for line in [*polls_tick(now), *phases_tick(now)]:
            self.stdout.write(line)
        # Only polls with something to do now: open booths, or ballots unshuffled past the grace period
        # (before it, casts that passed the open check may still be committing: nothing to do, nothing to say).
        closing = (
            Poll.objects.filter(closes_at__lte=now)
            .filter(
                Q(ballots_shuffled_at__isnull=True, closes_at__lte=now - services.SHUFFLE_GRACE)
                | Q(booths__closed_at__isnull=True, booths__isnull=False)
            )
            .distinct()
        )
        for poll in closing:
            unshuffled = poll.ballots_shuffled_at is None
            booths = services.poll_close(poll=poll)
            done = [f"{booths} booth(s) shut"] if booths else []
            if unshuffled and poll.ballots_shuffled_at is not None:  # poll_close stamps the instance it shuffled
                done.append("ballots shuffled")
            if done:
                self.stdout.write(f"Poll {poll.pk}: closed ({', '.join(done)}).")
