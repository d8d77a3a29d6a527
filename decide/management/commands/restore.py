"""`manage.py restore DIR`: check a backup's checksums, then restore it into the (empty) configured database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decide.backups import backup_restore
from decide.refusals import Refused


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database, and its media files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the backup folder (with manifest.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_restore(source=Path(options["source"]))
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write("Restored. The census pepper was not in the backup: keep CENSUS_PEPPER as it was.")
