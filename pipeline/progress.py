"""The batch progress bar: files, pages per second, failures so far; silent when not on a terminal."""

from __future__ import annotations

import sys
import time

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .batch import Row


class BatchProgress:
    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.progress = Progress(TextColumn("[bold]planextract"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("files · {task.fields[speed]} pages/s · {task.fields[failed]} failed"),
                                 TimeElapsedColumn(), transient=False, disable=not self.enabled)
        self.task = None
        self.pages = 0
        self.failed = 0
        self.started = time.monotonic()

    def __enter__(self) -> "BatchProgress":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def update(self, row: Row, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task("batch", total=total, speed="0", failed=0)
        self.pages += row.pages
        self.failed += row.status == "failed"
        speed = self.pages / max(time.monotonic() - self.started, 1e-6)
        self.progress.update(self.task, completed=done, speed=f"{speed:.0f}", failed=self.failed)
