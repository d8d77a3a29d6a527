"""Import a census CSV file: the whole file is checked first, then imported at once, or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        # The raw stream: the bar redraws one line with "\r", which OutputWrapper would end with "\n".
        stream: TextIO = self.stderr._out  # type: ignore[assignment]
        progress = None if options["no_progress"] or options["verbosity"] == 0 else TerminalProgress(stream)

        reported = 0

        def report(problem: Problem) -> None:
            # Every problem, as found: the import record keeps only the first ones.
            nonlocal reported
            reported += 1
            self.stderr.write(_line(problem.line, problem.reason))

        census_import = census_import_file(path=path, on_progress=progress, on_problem=report)
        if progress is not None:
            progress.finish()
        if census_import.status != CensusImport.Status.DONE:
            if not reported:
                # Refusals of the whole file (encoding, header) and write failures are not row problems.
                for problem in census_import.problems:
                    self.stderr.write(_line(int(problem["line"]), str(problem["reason"])))
            raise CommandError(
                _(
                    "%(count)d problem(s) in %(file)s: nothing was imported. "
                    "Fix the lines above and run the import again."
                )
                % {"count": census_import.problems_total, "file": path.name}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(total)s rows: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "total": f"{census_import.rows_total:,}",
                    "new": f"{census_import.rows_created:,}",
                    "updated": f"{census_import.rows_updated:,}",
                    "unchanged": f"{census_import.rows_unchanged:,}",
                }
            )
        )


def _line(number: int, reason: str) -> str:
    """One problem, in the language of the reasons (the import's, which is the command's)."""
    return _("line %(line)d: %(reason)s") % {"line": number, "reason": reason}
