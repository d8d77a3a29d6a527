"""Load regions, provinces and districts from a CSV file (La Libertad's by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.districts import LA_LIBERTAD, DistrictFileError, districts_load


class Command(BaseCommand):
    help = (
        "Create or refresh districts from a CSV file with the columns "
        "region_code,region_name,province_code,province_name,district_code,district_name,area."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(LA_LIBERTAD), help="CSV file (default: La Libertad)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = districts_load(path=path)
        except DistrictFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.districts} districts in {result.provinces} provinces ({result.created} new).")
