"""`manage.py backup [DIR]`: a consistent PostgreSQL dump plus the media files, with a checksum manifest."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from decide.backups import backup_create
from decide.refusals import Refused


class Command(BaseCommand):
    help = "Back up the database (pg_dump, one snapshot) and the media files, with a checksum manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", nargs="?", help="folder to create (default: backups/<date-time>/)")

    def handle(self, *args: Any, **options: Any) -> None:
        destination = Path(
            options["destination"] or Path(settings.BASE_DIR) / "backups" / datetime.now().strftime("%Y%m%d-%H%M%S")
        )
        try:
            backup_create(destination=destination)
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(f"Backup written to {destination} (database.dump, media.tar.gz, manifest.json).")
