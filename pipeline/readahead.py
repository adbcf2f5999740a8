"""Pages read in a second process while this one cleans, segments and extracts the ones before.

Reading a page (PDFium, then characters grouped into lines) is about half the work on a long plan
and needs nothing from the later stages, so on a machine with two cores or more a child process
runs ``parse.read_pages`` and sends each page, built, through a pipe: the same function as
reading in this process, so the same pages in the same order. The pipe holds a few pages, so the
child never runs far ahead and memory stays flat.

A page crosses the pipe as plain tuples (its words and rectangles), which pickle several times
faster than the objects themselves. What the child meets goes back too: the document's metadata
before the first page, an error as the error (``CorruptPdfError`` …), and its death (PDFium
crashing on a damaged file) as a ``CorruptPdfError`` naming the page.

A fresh ``planextract extract`` starts its first file's child before it imports the later stages
(``start_reading``): the child opens the file, checks its structure (``integrity.py``) and reads
its pages while this process loads its set-up, so that on two cores a short plan costs about the
set-up, not the set-up plus the reading.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from operator import attrgetter
from pathlib import Path
from typing import Any

from .errors import CorruptPdfError
from .layout import Line, Page, Rect, Word
from .parse import ReadPage, pdfium_page_count, read_pages, structure_damage

READ_AHEAD_PAGES = 64
"""Pages from which reading in another process pays: the first ``segment.SURVEY_PAGES`` are all
read before any is cleaned, so on a shorter plan the two processes hardly overlap."""

PIPE_BYTES = 1 << 20
"""The pipe's buffer, asked of Linux (its default 64 KiB holds about one page): pages vary in the
work each process gives them, and a few dozen pages of slack keep either from waiting on the other."""

_WORD = attrgetter(*(f.name for f in fields(Word)))
_RECT = attrgetter(*(f.name for f in fields(Rect)))


def worth_it(page_count: int) -> bool:
    """Whether a document of ``page_count`` pages is read faster in another process here: where
    processes fork (Linux), with two cores or more."""
    return page_count >= READ_AHEAD_PAGES and available() and len(os.sched_getaffinity(0)) >= 2


def available() -> bool:
    """A child made by fork starts at once with what this process has loaded, and does not run the
    caller's script again as a spawned one would (a script calling ``extract`` without an
    ``if __name__ == "__main__"`` guard). Elsewhere pages are read in this process."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods() \
        and threading.active_count() == 1  # a fork copies no other thread, but may copy a lock one holds


def read_in_another_process(path: Path, password: str, backend: str, metadata: dict[str, str]) -> Iterator[ReadPage]:
    """``read_pages``, run in a child process; ``metadata`` is filled before the first page."""
    if not available():
        yield from read_pages(path, password, backend, metadata)
        return
    yield from _ChildReading.start(_read_and_send, path, password, backend).pages(metadata)


def start_reading(path: Path | str, password: str, backend: str) -> EarlyReading | None:
    """Open, check and read ``path`` in a child process from now on, for an extraction that has its
    set-up still to load (a fresh ``planextract extract``): with two cores, the reading and the
    imports overlap. None where it cannot pay (see ``available``) or there is no such file."""
    path = Path(path)
    if not (available() and len(os.sched_getaffinity(0)) >= 2 and path.is_file()):
        return None
    return EarlyReading(path, password, backend, _ChildReading.start(_open_check_and_read, path, password, backend))


@dataclass(slots=True)
class EarlyReading:
    """A PDF being read by a child process started before the extraction (``start_reading``). It
    sends what ``parse.open_pdf`` and ``PdfSource`` would find, in the order they ask for it: the
    page count and the backend (``take("opened")``), the structure's damage (``take("damage")``),
    then the pages (``pages``). An error is raised where the same step in this process raises it."""

    path: Path
    password: str
    backend: str
    reading: _ChildReading

    def take(self, expected: str) -> Any:
        kind, payload = self.reading.message()
        if kind == "error":
            self.close()
            raise payload
        if kind != expected:  # a bug, not a damaged file
            raise RuntimeError(f"the reader process sent {kind!r} where {expected!r} was due")
        return payload

    def pages(self, metadata: dict[str, str]) -> Iterator[ReadPage]:
        return self.reading.pages(metadata)

    def close(self) -> None:
        self.reading.close()


@dataclass(slots=True)
class _ChildReading:
    """A child process reading one PDF, and the end of the pipe its messages come out of."""

    path: Path
    child: BaseProcess
    receiver: Connection
    pages_received: int = 0

    @classmethod
    def start(cls, target: Callable[[Connection, str, str, str], None], path: Path, password: str,
              backend: str) -> _ChildReading:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        _widen(sender)
        child = context.Process(target=target, args=(sender, str(path), password, backend), daemon=True,
                                name="planextract-reader")
        child.start()
        sender.close()
        return cls(path, child, receiver)

    def message(self) -> tuple[str, Any]:
        try:
            return self.receiver.recv()
        except EOFError:
            self.child.join()
            raise CorruptPdfError(f"{self.path}: the PDF library crashed reading page {self.pages_received + 1} "
                                  f"(reader process exit code {self.child.exitcode})") from None

    def pages(self, metadata: dict[str, str]) -> Iterator[ReadPage]:
        try:
            while True:
                kind, payload = self.message()
                if kind == "page":
                    self.pages_received += 1
                    yield _decoded(payload)
                elif kind == "metadata":
                    metadata.update(payload)
                elif kind == "error":
                    raise payload
                else:
                    return
        finally:
            self.close()

    def close(self) -> None:
        self.receiver.close()
        if self.child.is_alive():
            self.child.terminate()
        self.child.join()


def _widen(connection: Connection) -> None:
    """Give the pipe ``PIPE_BYTES`` of buffer where the system allows (a smaller one only slows)."""
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # not Linux, or above /proc/sys/fs/pipe-max-size
        pass


def _read_and_send(connection: Connection, path: str, password: str, backend: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops this process
    metadata: dict[str, str] = {}
    try:
        for number, item in enumerate(read_pages(Path(path), password, backend, metadata)):
            if number == 0:
                connection.send(("metadata", metadata))
            connection.send(("page", _encoded(item)))
        connection.send(("metadata", metadata))
        connection.send(("end", None))
    except BrokenPipeError:  # the parent stopped reading
        return
    except BaseException as exc:  # noqa: BLE001 (every failure is the parent's to report)
        _send_error(connection, exc)
    finally:
        connection.close()


def _open_check_and_read(connection: Connection, path: str, password: str, backend: str) -> None:
    """``EarlyReading``'s child: what ``open_pdf`` and ``PdfSource.damage`` find, then the pages."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pages = pdfium_page_count(Path(path), password)
        backend = "pdfplumber" if backend == "pdfium" and pages is None else backend
        connection.send(("opened", (pages, backend)))
        connection.send(("damage", structure_damage(Path(path), password)))
    except BrokenPipeError:
        connection.close()
        return
    except BaseException as exc:  # noqa: BLE001
        _send_error(connection, exc)
        connection.close()
        return
    _read_and_send(connection, path, password, backend)


def _send_error(connection: Connection, exc: BaseException) -> None:
    try:
        connection.send(("error", exc))
    except Exception:  # noqa: BLE001 (an exception that does not pickle: its message does)
        connection.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def _encoded(item: ReadPage) -> tuple[Any, ...]:
    page = item.page
    lines = [(line.page, [_WORD(word) for word in line.words]) for line in page.lines]
    return (page.number, page.width, page.height, lines, [_RECT(rect) for rect in page.rects], page.has_images,
            item.glyphs, item.mismatch, item.lost, item.problems, item.invalid_chars)


def _decoded(data: tuple[Any, ...]) -> ReadPage:
    number, width, height, lines, rects, has_images, glyphs, mismatch, lost, problems, invalid_chars = data
    page = Page(number, width, height, [Line([Word(*word) for word in words], line_page) for line_page, words in lines],
                [Rect(*rect) for rect in rects], has_images)
    return ReadPage(page, glyphs, mismatch, lost, problems, invalid_chars)
