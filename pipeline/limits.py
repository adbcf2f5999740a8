"""A memory ceiling and a time limit for reading, and what becomes of running into them.

A PDF of a few megabytes can inflate to gigabytes (a Flate stream of zeros: a decompression
bomb). ``limit_memory`` puts a ceiling on this process's data segment (``RLIMIT_DATA``, which on
Linux counts the heap and anonymous mappings, not the shared libraries; ``RLIMIT_AS`` elsewhere).
Python then fails an allocation beyond it with a MemoryError, which ``too_large_on_memory_error``
turns into the one-line ``TooLargeError`` (exit 18). PDFium cannot be caught that way: it aborts
the process when an allocation fails. So before PDFium reads a page, ``integrity.find_damage``
inflates every content stream and font (a chunk at a time, dropping what it inflates) and refuses
the file if one inflates to more than ``inflate_budget()``: an eighth of the ceiling, since PDFium
holds a page's decoded content and the objects parsed from it several times over.

``time_limit`` bounds one extraction in ``extract`` (``batch`` stops its workers from outside).
"""

from __future__ import annotations

import resource
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import TimeoutError_, TooLargeError

DEFAULT_MAX_MEMORY = 2 * 2 ** 30
"""The ceiling ``extract --max-memory`` and the batch workers default to (bytes)."""
BUDGET_SHARE = 8
"""The ceiling over the most one stream may inflate to."""
_LIMIT = resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS


def parse_size(text: str) -> int:
    """'2G', '1.5GiB', '512M', '800MB' or a number of bytes, as bytes."""
    units = {"k": 2 ** 10, "m": 2 ** 20, "g": 2 ** 30, "t": 2 ** 40}
    cleaned = text.strip().lower().removesuffix("b").removesuffix("i")
    number, unit = (cleaned[:-1], units[cleaned[-1]]) if cleaned[-1:] in units else (cleaned, 1)
    try:
        size = float(number) * unit
    except ValueError:
        raise ValueError(f"not a size: {text!r} (say e.g. 2G, 512M)") from None
    if size < 2 ** 20:
        raise ValueError(f"{text!r}: a memory limit below 1 MiB cannot work")
    return int(size)


def limit_memory(max_bytes: int | None) -> None:
    """Let this process (and the children it starts after) use at most ``max_bytes`` of data
    memory; None leaves the limit as it is. A hard limit lower than asked is kept."""
    if max_bytes is None:
        return
    _, hard = resource.getrlimit(_LIMIT)
    ceiling = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
    resource.setrlimit(_LIMIT, (ceiling, hard))


def memory_ceiling() -> int | None:
    """The ceiling now in force (bytes), None without one."""
    soft, _ = resource.getrlimit(_LIMIT)
    return None if soft == resource.RLIM_INFINITY else soft


def inflate_budget() -> int | None:
    """The most one stream may inflate to under the ceiling now in force (None: no limit)."""
    ceiling = memory_ceiling()
    return None if ceiling is None else ceiling // BUDGET_SHARE


@contextmanager
def too_large_on_memory_error(path: Path | str) -> Iterator[None]:
    """A MemoryError inside becomes TooLargeError naming ``path`` and the ceiling."""
    try:
        yield
    except MemoryError:
        raise too_large(path) from None


def too_large(path: Path | str) -> TooLargeError:
    """The error for running out of memory reading ``path``."""
    ceiling = memory_ceiling()
    within = "the memory available" if ceiling is None else described(ceiling)
    return TooLargeError(f"{path}: too large to read within {within} of memory (--max-memory)")


def described(size: int) -> str:
    """A size in MiB or GiB: '512 MiB', '2.0 GiB'."""
    return f"{size / 2 ** 30:.1f} GiB" if size >= 2 ** 30 else f"{size / 2 ** 20:.0f} MiB"


@contextmanager
def time_limit(seconds: float | None, path: Path | str) -> Iterator[None]:
    """Stop what runs inside after ``seconds`` with ``TimeoutError_`` naming ``path`` (exit 13). A
    timer signal interrupts Python code (not one long call into a C library: the rules' regexes
    have their own limit). None, or outside the main thread, sets no limit."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError_(f"{path}: took longer than {seconds:g} s (--timeout); stopped")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
