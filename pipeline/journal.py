"""The batch journal: one JSON line per finished file, on disk before the next file is counted.

``run_batch`` appends every row it gets from a worker to ``OUT/journal.jsonl`` (flushed and
fsynced), so a run killed without warning (``kill -9``, a power cut) still leaves a record of
everything it finished; the next run reads the manifest, then the journal (a later line wins), and
reuses those files. Once the manifest has been written at the end of a run, the journal is removed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .errors import OutputError

JOURNAL_NAME = "journal.jsonl"


class Journal:
    """Opened for appending; opening it is also the proof that the output folder can be written."""

    def __init__(self, out: Path) -> None:
        self.path = out / JOURNAL_NAME
        try:
            self.handle = self.path.open("ab")
            if self.handle.tell() and not _ends_with_newline(self.path):
                self.handle.write(b"\n")  # a run killed mid-line: the next line must start afresh
        except OSError as exc:
            raise OutputError(f"{out}: cannot write output ({exc.strerror})") from exc

    def append(self, row: dict[str, Any]) -> None:
        line = json.dumps(row, ensure_ascii=True, separators=(",", ":")) + "\n"
        try:
            self.handle.write(line.encode("ascii"))
            self.handle.flush()
            os.fsync(self.handle.fileno())
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write output ({exc.strerror})") from exc

    def close(self) -> None:
        self.handle.close()

    def remove(self) -> None:
        """After the manifest holds every row: the journal has nothing more to tell."""
        self.close()
        self.path.unlink(missing_ok=True)


def read_journal(out: Path) -> list[dict[str, Any]]:
    """The rows of an earlier run's journal; a line cut short by a kill is skipped."""
    path = out / JOURNAL_NAME
    if not path.is_file():
        return []
    rows = []
    for line in path.read_bytes().splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            rows.append(item)
    return rows


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
