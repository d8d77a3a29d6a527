"""A terminal progress bar with no dependency: one line, redrawn in place, only when it changes."""

from __future__ import annotations

from typing import TextIO

_LABELS = {"checking": "Checking ", "importing": "Importing"}


class TerminalProgress:
    def __init__(self, stream: TextIO, *, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self._last: tuple[str, int] | None = None
        self._interactive = stream.isatty() if hasattr(stream, "isatty") else False

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        # A log file gets a line per 10 %; a terminal gets every percent, redrawn in place.
        step = 1 if self._interactive else 10
        if self._last is not None and self._last[0] == phase and percent // step == self._last[1] // step:
            return
        if self._last is not None and self._last[0] != phase and self._interactive:
            self.stream.write("\n")
        self._last = (phase, percent)
        filled = self.width * percent // 100
        bar = "#" * filled + "-" * (self.width - filled)
        unit = "bytes" if phase == "checking" else "rows"
        line = f"{_LABELS.get(phase, phase)} [{bar}] {percent:3d}%  {done:,}/{total:,} {unit}"
        self.stream.write(f"\r{line}" if self._interactive else f"{line}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self._interactive and self._last is not None:
            self.stream.write("\n")
            self.stream.flush()
