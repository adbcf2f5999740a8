"""What a fresh `planextract extract` spends before its first page, part by part (run on demand).

    python benchmarks/startup.py [PDF]

Each measurement is a fresh interpreter, best of five (other load on the machine only ever slows
a run), once with an empty cache folder (the first run ever on a machine, or after an upgrade)
and once with the cache filled. Prints Markdown tables: the set-up parts, and the whole `extract`
of PDF (default: the sample PAP) against the same extraction repeated in a warm process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
RUNS = 5
_SCRATCH: str | None = None  # the cache folders of one report, removed after it

PARTS = """
import sys, time
start = time.perf_counter()
def mark(name):
    global start
    now = time.perf_counter()
    print(name, now - start)
    start = now
from pipeline import api
mark("imports")
from pipeline.rules import load_rules
rules = load_rules()
mark("rules")
from pipeline.lexicon import lexicon_for
lexicon = lexicon_for(rules.lexicon)
lexicon.words_above(rules.lexicon.join_min_zipf)
mark("lexicon")
from pipeline.departments import DepartmentMatcher
DepartmentMatcher(rules.departments)
mark("department matcher")
print("spaCy loaded", int("spacy" in sys.modules))
"""

WARM = """
import sys, time
from pipeline.api import extract_to
extract_to(sys.argv[1], sys.argv[2])
best = float("inf")
for _ in range(5):
    start = time.perf_counter()
    extract_to(sys.argv[1], sys.argv[2])
    best = min(best, time.perf_counter() - start)
print(best)
"""


def _run(command: list[str], cache: str) -> tuple[float, str]:
    env = {**os.environ, "PLANEXTRACT_CACHE_DIR": cache}
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT, env=env).stdout
    return time.perf_counter() - start, out


def parts(cache: str, empty_each_time: bool) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(RUNS):
        if empty_each_time:
            cache = tempfile.mkdtemp(dir=_SCRATCH)
        seconds, out = _run([PYTHON, "-c", PARTS], cache)
        found = {name: float(value) for name, value in (line.rsplit(" ", 1) for line in out.splitlines())}
        found["whole process"] = seconds
        for name, value in found.items():
            best[name] = min(best.get(name, value), value)
    return best


def cold_extract(pdf: Path, cache: str, empty_each_time: bool) -> float:
    with tempfile.TemporaryDirectory() as out:
        runs = []
        for _ in range(RUNS):
            folder = tempfile.mkdtemp(dir=_SCRATCH) if empty_each_time else cache
            runs.append(_run([PYTHON, "-m", "pipeline", "extract", str(pdf), "-o", out], folder)[0])
    return min(runs)


def warm_extract(pdf: Path, cache: str) -> float:
    with tempfile.TemporaryDirectory() as out:
        return float(_run([PYTHON, "-c", WARM, str(pdf), out], cache)[1])


def compile_package() -> None:
    """Byte-compile planextract, as installing a package does: an editable install run with
    PYTHONDONTWRITEBYTECODE set (some containers set it) would compile its sources in every process."""
    import compileall

    compileall.compile_dir(str(ROOT / "pipeline"), quiet=1)


def report(pdf: Path) -> str:
    global _SCRATCH
    compile_package()
    with tempfile.TemporaryDirectory() as _SCRATCH:
        return _report(pdf)


def _report(pdf: Path) -> str:
    filled = tempfile.mkdtemp(dir=_SCRATCH)
    _run([PYTHON, "-c", PARTS], filled)
    empty, full = parts(filled, True), parts(filled, False)
    lines = ["| set-up part | first run (empty cache), s | cache filled, s |", "|---|---|---|"]
    for name in ("imports", "rules", "lexicon", "department matcher", "spaCy loaded", "whole process"):
        if name == "spaCy loaded":
            lines.append(f"| spaCy loaded | {'yes' if empty[name] else 'no'} | {'yes' if full[name] else 'no'} |")
        else:
            lines.append(f"| {name} | {empty[name]:.3f} | {full[name]:.3f} |")
    warm = warm_extract(pdf, filled)
    first, later = cold_extract(pdf, filled, True), cold_extract(pdf, filled, False)
    summary = (f"`extract {pdf.name}`: first run ever {first:.2f} s, fresh process with the cache filled "
               f"{later:.2f} s, warm process {warm:.2f} s → cold / warm **{later / warm:.2f}×** "
               f"({first / warm:.2f}× on the first run ever).")
    lines += ["", summary]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "samples" / "pap-2022-2024.pdf"))
