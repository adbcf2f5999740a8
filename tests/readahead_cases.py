"""Run by test_readahead.py in a fresh interpreter: pages are read in another process only where no
other thread runs (a fork copies none of them), and the test session has threads of its own
(Dask's, from the batch tests).

    python tests/readahead_cases.py same OUT PDF...   # each PDF's JSON read ahead, into OUT
    python tests/readahead_cases.py error PDF         # the backend fails after the last page
    python tests/readahead_cases.py crash PDF         # the reading process dies after the last page
    python tests/readahead_cases.py early OUT PDF...  # each PDF opened, checked and read by readahead.start_reading
    python tests/readahead_cases.py early-error PDF   # start_reading's structure check fails

Prints what it saw as JSON: pages that crossed the pipe, and the error's type and message.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from pipeline import parse, readahead
from pipeline.api import extract
from pipeline.errors import TooLargeError
from pipeline.rules import load_rules

crossed = 0
_decoded = readahead._decoded


def _counted(data):  # noqa: ANN001, ANN202
    global crossed
    crossed += 1
    return _decoded(data)


def _failing(failure):  # noqa: ANN001, ANN202
    real = parse.BACKENDS["pdfium"]

    def read(path, password, metadata):  # noqa: ANN001, ANN202 (the child is a fork: it reads with this)
        metadata["Title"] = "letto in parte"
        yield from real(path, password, metadata)
        failure()

    parse.BACKENDS["pdfium"] = read


def _raise() -> None:
    raise ValueError("xref stream broken at offset 1234")


def _too_large(path, password):  # noqa: ANN001, ANN202
    raise TooLargeError(f"{path}: too large to read: a content stream inflates to more than 1 MiB (--max-memory)")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(case: str, *args: str) -> None:
    readahead._decoded = _counted
    assert readahead.available(), "no other thread should run here"
    rules = load_rules()
    seen: dict[str, object] = {}
    if case in ("same", "early"):
        out = Path(args[0])
        for pdf in args[1:]:
            early = readahead.start_reading(pdf, "", "pdfium") if case == "early" else None
            assert case == "same" or early is not None
            extraction = extract(pdf, rules, read_ahead=case == "same", early=early)
            (out / f"{Path(pdf).name}.json").write_text(extraction.model_dump_json())
    elif case == "early-error":
        readahead.structure_damage = _too_large  # the child is a fork: it checks with this
        try:
            extract(args[0], rules, early=readahead.start_reading(args[0], "", "pdfium"))
        except Exception as exc:  # noqa: BLE001
            seen = {"error": type(exc).__name__, "message": str(exc)}
    else:
        _failing(_raise if case == "error" else _die)
        try:
            extract(args[0], rules, read_ahead=True)
        except Exception as exc:  # noqa: BLE001
            seen = {"error": type(exc).__name__, "message": str(exc)}
    print(json.dumps({"crossed": crossed, **seen}))


if __name__ == "__main__":
    main(*sys.argv[1:])
