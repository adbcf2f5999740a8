"""Fault injection: damaged copies (mutants) of the sample plans, run through the CLI and classified.

From a fixed seed, ``mutants`` makes copies of samples/pap-2022-2024.pdf and samples/dup-2022-2024.pdf
with one fault each, the kinds in turn:

- ``streamflip``: one byte of a stream's data replaced (compressed page content, fonts, ToUnicode maps);
- ``rawflip``: one byte anywhere after the header replaced;
- ``delobj``: one object blanked out (offsets kept) or cut out (the cross-reference table now wrong);
- ``dupobj``: one object redefined by an appended incremental update (as an array, null, an empty
  dictionary or another object's body);
- ``truncate``: the file cut short.

``run_cli`` runs ``planextract extract MUTANT -o DIR`` in a child forked from this process (the
imports and caches are warm, a crash of the PDF library kills only the child), and ``classify``
compares the result with the clean sample's extraction:

- ``error``: a documented error (an exit code of errors.py other than 1);
- ``warned``: exit 0 with a ``damaged_pdf`` warning, or another warning the clean file does not have;
- ``identical``: exit 0, the same content (document, areas, directions, objectives, indicators);
- ``silent``: exit 0, other content and no new warning — data lost without a word;
- ``crash``: exit 1, a traceback or a signal; ``hang``: no answer within the time allowed.

Used by tests/test_damaged.py (a few dozen mutants) and benchmarks/fuzz.py (the full table).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FUZZED = ("pap-2022-2024", "dup-2022-2024")
KINDS = ("streamflip", "rawflip", "delobj", "dupobj", "truncate")
VERDICTS = ("error", "warned", "identical", "silent", "crash", "hang")
SEED = 10

_OBJECT = re.compile(rb"(?<![0-9])(\d+) (\d+) obj\b")
_STREAM = re.compile(rb"stream\r?\n")


@dataclass(frozen=True)
class Mutant:
    name: str      # '007-pap-dupobj'
    sample: str    # 'pap-2022-2024'
    kind: str
    detail: str    # what was done, e.g. 'byte 52292 (stream of object 39): 0x5f -> 0x5d'
    data: bytes


@dataclass
class Outcome:
    mutant: Mutant
    verdict: str
    exit_code: int
    new_warnings: list[str] = field(default_factory=list)  # 'kind: message' not in the clean file
    difference: str = ""   # what differs from the clean content (silent and warned)
    stderr: str = ""


# -- mutants -------------------------------------------------------------------------------------

def mutants(count: int, seed: int = SEED) -> Iterator[Mutant]:
    """``count`` mutants, the same ones for the same seed (so the first N of a longer run are the N
    of a shorter one): the samples alternate, the kinds take turns."""
    rng = random.Random(seed)
    originals = {name: (SAMPLES / f"{name}.pdf").read_bytes() for name in FUZZED}
    for index in range(count):
        sample, kind = FUZZED[index % len(FUZZED)], KINDS[(index // len(FUZZED)) % len(KINDS)]
        data, detail = MUTATORS[kind](originals[sample], rng)
        yield Mutant(f"{index:03d}-{sample[:3]}-{kind}", sample, kind, detail, data)


def objects(data: bytes) -> list[tuple[int, int, int]]:
    """(number, start, end) of each ``N G obj ... endobj`` in the file, in file order."""
    found = []
    for match in _OBJECT.finditer(data):
        end = data.find(b"endobj", match.end())
        if end != -1:
            found.append((int(match.group(1)), match.start(), end + len(b"endobj")))
    return found


def streams(data: bytes) -> list[tuple[int, int, int]]:
    """(object number, start, end) of each stream's data."""
    found = []
    for number, start, end in objects(data):
        head = _STREAM.search(data, start, end)
        stop = data.rfind(b"endstream", start, end)
        if head is not None and stop > head.end():
            found.append((number, head.end(), stop))
    return found


def _replace_byte(data: bytes, position: int, rng: random.Random) -> tuple[bytes, str]:
    old = data[position]
    new = rng.choice([b for b in range(256) if b != old])
    return data[:position] + bytes([new]) + data[position + 1:], f"byte {position}: {old:#04x} -> {new:#04x}"


def stream_flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    spans = streams(data)
    number, start, end = rng.choices(spans, weights=[e - s for _, s, e in spans])[0]
    mutated, detail = _replace_byte(data, rng.randrange(start, end), rng)
    return mutated, f"{detail} (stream of object {number})"


def raw_flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return _replace_byte(data, rng.randrange(16, len(data)), rng)


def delete_object(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    number, start, end = rng.choice(objects(data))
    if rng.random() < 0.5:
        return data[:start] + b" " * (end - start) + data[end:], f"object {number} blanked ({end - start} bytes)"
    return data[:start] + data[end:], f"object {number} cut out ({end - start} bytes)"


_REDEFINITIONS = (b"[ 1 2 3 ]", b"null", b"<< >>", b"(broken)")


def redefine_object(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """An incremental update that gives an object another body."""
    found = objects(data)
    number, _, _ = rng.choice(found)
    if rng.random() < 0.3:
        other, start, end = rng.choice(found)
        body = data[start:end].split(b"obj", 1)[1].rsplit(b"endobj", 1)[0].strip()
        what = f"the body of object {other}"
    else:
        body = rng.choice(_REDEFINITIONS)
        what = body.decode()
    return _append_update(data, number, body), f"object {number} redefined as {what}"


def _append_update(data: bytes, number: int, body: bytes) -> bytes:
    trailer = data[data.rindex(b"trailer"):]
    dictionary = trailer[trailer.index(b"<<"):trailer.rindex(b">>")]
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    offset = len(data)
    update = b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = offset + len(update)
    update += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (number, offset)
    update += b"trailer\n%s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (dictionary, previous, xref)
    return data + update


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = rng.randrange(len(data) // 10, len(data) - 1)
    return data[:at], f"cut at byte {at} of {len(data)}"


MUTATORS: dict[str, Callable[[bytes, random.Random], tuple[bytes, str]]] = {
    "streamflip": stream_flip, "rawflip": raw_flip, "delobj": delete_object, "dupobj": redefine_object,
    "truncate": truncate,
}


# -- running -------------------------------------------------------------------------------------

def warm_up() -> dict[str, dict]:
    """Import and load everything once in this process (forked children inherit it) and return
    the clean samples' extractions as the JSON the CLI writes."""
    import pipeline.cli  # noqa: F401 (imported before the children fork)
    from pipeline.api import extract
    from pipeline.export import to_json
    from pipeline.rules import load_rules

    rules = load_rules()
    return {name: json.loads(to_json(extract(SAMPLES / f"{name}.pdf", rules))) for name in FUZZED}


def run_all(batch: Iterable[Mutant], work: Path, clean: dict[str, dict], workers: int = 2,
            timeout: float = 120.0) -> list[Outcome]:
    """Each mutant through the CLI, ``workers`` at a time, classified against ``clean``."""
    pending, running, outcomes = list(batch), {}, []
    while pending or running:
        while pending and len(running) < workers:
            mutant = pending.pop(0)
            folder = work / mutant.name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{mutant.name}.pdf").write_bytes(mutant.data)
            running[_fork_cli(folder / f"{mutant.name}.pdf", folder)] = (mutant, folder, time.monotonic())
        for pid, (mutant, folder, started) in list(running.items()):
            code = _exit_code(pid, time.monotonic() - started > timeout)
            if code is not None:
                del running[pid]
                outcomes.append(_outcome(mutant, folder, code, clean[mutant.sample]))
        time.sleep(0.02)
    return sorted(outcomes, key=lambda o: o.mutant.name)


_HUNG = -1000


def _fork_cli(pdf: Path, out: Path) -> int:
    """``planextract extract PDF -o OUT`` in a forked child, its stdout and stderr into OUT/stderr.txt."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the child never returns: whatever happens, it exits here
        with open(out / "stderr.txt", "w", encoding="utf-8") as log:
            sys.stdout = sys.stderr = log
            code = _cli(["extract", str(pdf), "-o", str(out)])
    finally:
        os._exit(code)


def _cli(args: list[str]) -> int:
    """The CLI's exit code for ``args`` (1 and a traceback on stderr for anything it lets escape)."""
    from pipeline.cli import main

    try:
        main(args, prog_name="planextract")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # noqa: BLE001 (the child reports, whatever happens)
        import traceback

        traceback.print_exc()
        return 1
    return 0


def _exit_code(pid: int, overdue: bool) -> int | None:
    """The child's exit code (negative: the signal that killed it), ``_HUNG`` once killed for
    taking too long, None while it runs."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        return os.waitstatus_to_exitcode(status)
    if not overdue:
        return None
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return _HUNG


# -- classifying ---------------------------------------------------------------------------------

def documented_codes() -> set[int]:
    from pipeline.errors import EXIT_CODES

    return set(EXIT_CODES.values()) - {1}


def content(extraction: dict) -> dict:
    """What the extraction says about the plan (not where it came from, nor its warnings)."""
    return {key: value for key, value in extraction.items() if key not in {"source", "warnings", "run"}}


def new_warnings(extraction: dict, clean: dict) -> list[str]:
    before = Counter((w["kind"], w["message"]) for w in clean["warnings"])
    after = Counter((w["kind"], w["message"]) for w in extraction["warnings"])
    return [f"{kind}: {message}" for (kind, message) in (after - before)]


def difference(extraction: dict, clean: dict) -> str:
    """A short account of how the content differs, e.g. 'objectives 27/29, strategic_directions changed'."""
    parts = []
    for key, value in content(clean).items():
        other = extraction.get(key)
        if other == value:
            continue
        if isinstance(value, list) and isinstance(other, list):
            parts.append(f"{key} {len(other)}/{len(value)}" + (" changed" if len(other) == len(value) else ""))
        else:
            parts.append(f"{key} changed")
    return ", ".join(parts)


def classify(exit_code: int, stderr: str, extraction: dict | None, clean: dict) -> tuple[str, list[str], str]:
    """(verdict, new warnings, difference) of one run."""
    if exit_code == _HUNG:
        return "hang", [], ""
    if "Traceback" in stderr or "internal error" in stderr or exit_code != 0 and exit_code not in documented_codes():
        return "crash", [], ""
    if exit_code != 0:
        return "error", [], ""
    if extraction is None:
        return "crash", [], "exit 0 without a JSON output"
    warned, changed = new_warnings(extraction, clean), difference(extraction, clean)
    if warned:
        return "warned", warned, changed
    return ("silent" if changed else "identical"), [], changed


def _outcome(mutant: Mutant, folder: Path, code: int, clean: dict) -> Outcome:
    stderr = (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace") \
        if (folder / "stderr.txt").exists() else ""
    output = folder / f"{mutant.name}.json"
    extraction = json.loads(output.read_text(encoding="utf-8")) if code == 0 and output.exists() else None
    verdict, warned, changed = classify(code, stderr, extraction, clean)
    return Outcome(mutant, verdict, code, warned, changed, stderr.strip())


# -- reporting -----------------------------------------------------------------------------------

def table(outcomes: list[Outcome]) -> str:
    """Verdicts by kind of fault, as a text table."""
    counts = Counter((o.verdict, o.mutant.kind) for o in outcomes)
    kinds = [k for k in KINDS if any(o.mutant.kind == k for o in outcomes)]
    head = f"{'':<12}" + "".join(f"{k:>11}" for k in kinds) + f"{'total':>8}"
    rows = [head]
    for verdict in VERDICTS:
        cells = [counts[verdict, k] for k in kinds]
        rows.append(f"{verdict:<12}" + "".join(f"{n:>11}" for n in cells) + f"{sum(cells):>8}")
    rows.append(f"{'mutants':<12}" + "".join(f"{sum(o.mutant.kind == k for o in outcomes):>11}" for k in kinds)
                + f"{len(outcomes):>8}")
    return "\n".join(rows)


def describe(outcome: Outcome) -> str:
    line = f"{outcome.mutant.name} [{outcome.verdict}, exit {outcome.exit_code}] {outcome.mutant.detail}"
    if outcome.difference:
        line += f"; differs: {outcome.difference}"
    if outcome.verdict in {"crash", "hang"} and outcome.stderr:
        line += "\n    " + outcome.stderr.splitlines()[-1][:300]
    return line
