"""Import a census CSV file: the whole file is checked first, then imported at once, or not at all."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.census_csv import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, Problem
from accounts.census_import import census_import_file
from accounts.models import CensusImport
from accounts.progress import TerminalProgress


class Command(BaseCommand):
    help = (
        f"Import eligible residents from a CSV file with the header {','.join(REQUIRED_COLUMNS)}"
        f"[,{','.join(OPTIONAL_COLUMNS)}]. UTF-8 or Latin-1. Every bad row is reported by line number; "
        "if any row is bad, nothing is imported. Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file")
        parser.add_argument("--no-progress", action="store_true", help="do not draw the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        progress = None if options["no_progress"] or options["verbosity"] == 0 else TerminalProgress(sys.stderr)

        def report(problem: Problem) -> None:
            # Every problem, as found: the import record keeps only the first ones.
            self.stderr.write(f"line {problem.line}: {problem.reason}")

        census_import = census_import_file(path=path, on_progress=progress, on_problem=report)
        if progress is not None:
            progress.finish()
        if census_import.status != CensusImport.Status.DONE:
            if census_import.problems_total and census_import.problems and census_import.problems[0]["line"] in (0, 1):
                # File-level refusals (encoding, header) were not reported row by row.
                self.stderr.write(f"line {census_import.problems[0]['line']}: {census_import.problems[0]['reason']}")
            raise CommandError(
                f"{census_import.problems_total} problem(s) in {path.name}: nothing was imported. "
                "Fix the lines above and run the import again."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{census_import.rows_total:,} rows: {census_import.rows_created:,} new, "
                f"{census_import.rows_updated:,} updated, {census_import.rows_unchanged:,} unchanged."
            )
        )
