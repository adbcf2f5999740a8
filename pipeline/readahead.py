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
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from dataclasses import fields
from multiprocessing.connection import Connection
from operator import attrgetter
from pathlib import Path
from typing import Any, Iterator

from .errors import CorruptPdfError
from .layout import Line, Page, Rect, Word
from .parse import ReadPage, read_pages

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
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    _widen(sender)
    child = context.Process(target=_read_and_send, args=(sender, str(path), password, backend), daemon=True,
                            name="planextract-reader")
    child.start()
    sender.close()
    pages = 0
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                child.join()
                raise CorruptPdfError(f"{path}: the PDF library crashed reading page {pages + 1} "
                                      f"(reader process exit code {child.exitcode})") from None
            if kind == "page":
                pages += 1
                yield _decoded(payload)
            elif kind == "metadata":
                metadata.update(payload)
            elif kind == "error":
                raise payload
            else:
                return
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


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
        try:
            connection.send(("error", exc))
        except Exception:  # noqa: BLE001 (an exception that does not pickle: its message does)
            connection.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        connection.close()


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
