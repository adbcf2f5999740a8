"""Set-up built once and kept in the user's cache folder, so a fresh process starts in a fraction of
the time: the validated rules, the lexicon in a compact form, the department matcher's word sets.

An entry is a file named after a key that hashes everything it was built from (the rules files'
bytes, the libraries' installed files, planextract's version and the size and time of its own source
files, so that a changed checkout never reads an entry of the code before), so any change builds a
new one. Entries are
written atomically; one that is damaged or unreadable is rebuilt; a folder that cannot be written
only costs time. ``PLANEXTRACT_CACHE_DIR`` chooses the folder (default ``$XDG_CACHE_HOME/planextract``,
else ``~/.cache/planextract``); ``PLANEXTRACT_CACHE_DIR=off`` turns the cache off. Nothing an
extraction writes depends on whether an entry came from the cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ENTRIES_KEPT = 8
"""Entries of one kind kept (several rules folders or library versions side by side); older ones go."""

OFF = {"off", "0", "no", "none", "false"}


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    chosen = os.environ.get("PLANEXTRACT_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF or not chosen.strip() else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "planextract"


def library_stamps(*modules: str) -> tuple[str, ...]:
    """For each installed library (by its import name), the size and modification time of the file
    it is imported from: part of a key, so that installing another version builds again. Found
    without importing it, and without ``importlib.metadata`` (which alone costs a fresh process
    more than reading the whole lexicon's entry)."""
    stamps = []
    for name in modules:
        module = sys.modules.get(name)
        spec = module.__spec__ if module is not None else importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            status = os.stat(origin) if origin else None
        except OSError:
            status = None
        stamps.append(f"{name}:{status.st_size}:{status.st_mtime_ns}" if status else f"{name}:absent")
    return tuple(stamps)


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """planextract's version and the size and modification time of each of its source files."""
    from . import __version__

    package = Path(__file__).parent
    stamps = [__version__]
    for source in sorted(package.glob("*.py")):
        status = source.stat()
        stamps.append(f"{source.name}:{status.st_size}:{status.st_mtime_ns}")
    return "|".join(stamps)


def cached(kind: str, key: tuple[str, ...], build: Callable[[], T]) -> T:
    """The value stored for ``key``, or ``build()`` stored for next time."""
    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256("\0".join((_code_stamp(), *key)).encode("utf-8", "surrogateescape")).hexdigest()
    path = folder / f"{kind}-{digest[:24]}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # noqa: BLE001, S110 (an entry missing, damaged or foreign is built again)
        pass
    value = build()
    _store(path, value, kind)
    return value


def _store(path: Path, value: object, kind: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{kind}-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        _prune(path.parent, kind)
    except (OSError, pickle.PicklingError):
        pass  # a read-only or full cache folder: the next run builds again


def _prune(folder: Path, kind: str) -> None:
    entries = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[ENTRIES_KEPT:]:
        old.unlink(missing_ok=True)
