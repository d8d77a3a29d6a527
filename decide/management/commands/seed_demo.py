"""Build the demo site idempotently: each app's `demo.seed()` in dependency order."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError

# Dependency order: accounts (districts, census, people) → cms → proposals → legislation → votes.
DEMO_MODULES = (
    "accounts.demo",
    "cms.demo",
    "proposals.demo",
    "proposals.demo_debate",
    "legislation.demo",
    "votes.demo",
    "votes.demo_results",
)


class Command(BaseCommand):
    help = "Create (or complete) the demo site. Running it twice changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        for module_name in DEMO_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ImportError as exc:  # a demo that silently did not run would leave a half-built site
                raise CommandError(f"The demo module {module_name} cannot load: {exc}") from exc
            module.seed()
            self.stdout.write(f"Demo data ready: {module_name}")
