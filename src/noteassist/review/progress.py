"""Progress of a QA run on stderr: a bar with notes/s and ETA on a terminal, a plain line now and then otherwise
(a log file or CI keeps a readable record instead of carriage returns)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

PLAIN_EVERY_SECONDS = 10.0
BAR_EVERY_SECONDS = 0.2
BAR_WIDTH = 28


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    def __init__(self, total: int | None = None, stream: TextIO | None = None, *, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = total
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = self.start
        self.done = 0
        self.skipped = 0

    def resumed(self, notes: int) -> None:
        """Notes written by the run being resumed: counted as done, not in the rate."""
        self.done = self.skipped = notes

    def update(self, done: int, words: int = 0) -> None:
        self.done = done
        now = time.monotonic()
        if not self.enabled or now - self.last < (BAR_EVERY_SECONDS if self.tty else PLAIN_EVERY_SECONDS):
            return
        self.last = now
        self._show(now, final=False)

    def finish(self) -> None:
        if self.enabled:
            self._show(time.monotonic(), final=True)

    def _show(self, now: float, final: bool) -> None:
        elapsed = max(now - self.start, 1e-9)
        rate = (self.done - self.skipped) / elapsed
        if self.tty:
            if self.total:
                filled = int(BAR_WIDTH * min(1.0, self.done / self.total))
                eta = (self.total - self.done) / rate if rate > 0 else 0
                line = (f"\rqa [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total} notes "
                        f"{rate:.1f} notes/s ETA {_duration(eta)}")
            else:
                line = f"\rqa {self.done} notes {rate:.1f} notes/s {_duration(elapsed)}"
            self.stream.write(line + ("\n" if final else ""))
        else:
            of = f"/{self.total}" if self.total else ""
            self.stream.write(f"noteassist: qa: {self.done}{of} notes, {rate:.1f} notes/s, "
                              f"{_duration(elapsed)} elapsed{' (done)' if final else ''}\n")
        self.stream.flush()
