"""Fault injection on the sample plans: how planextract answers damaged PDFs.

    python benchmarks/fuzz.py --mutants 300 [--seed 10] [--workers 2] [--keep DIR] [--list]

Makes the mutants of tests/fuzzing.py (byte flips in streams and anywhere, deleted and redefined
objects, truncation), runs ``planextract extract MUTANT -o DIR`` on each and prints how many ended
in a documented error, a warning, an extraction identical to the clean file's, or a silent loss
(exit 0, other content, no new warning), by kind of fault; then how many of the silent losses, and
of the mutants read without a new warning into the clean file's content, ``qpdf --check`` and
``pdftotext`` flag as damaged (where they are installed). ``--keep`` copies the silent,
crashed and hung mutants into DIR; ``--list`` names every mutant with its verdict.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzzing import SEED, Outcome, describe, mutants, run_all, table, warm_up  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="copy silent, crashed and hung mutants here")
    parser.add_argument("--list", action="store_true", help="one line per mutant")
    args = parser.parse_args()
    started = time.perf_counter()
    clean = warm_up()
    with tempfile.TemporaryDirectory(prefix="planextract-fuzz-") as work:
        outcomes = run_all(mutants(args.mutants, args.seed), Path(work), clean, workers=args.workers)
        bad = [o for o in outcomes if o.verdict in {"silent", "crash", "hang"}]
        flagged = {verdict: _external_flags([o for o in outcomes if o.verdict == verdict], Path(work))
                   for verdict in ("silent", "identical")}
        if args.keep is not None:
            _keep(bad, Path(work), args.keep)
    print(f"{len(outcomes)} mutants of {', '.join(sorted({o.mutant.sample for o in outcomes}))} "
          f"(seed {args.seed}), {time.perf_counter() - started:.0f} s\n")
    print(table(outcomes))
    warned_same = sum(o.verdict == "warned" and not o.difference for o in outcomes)
    print(f"\nwarned with content identical to the clean file: {warned_same}")
    print(f"warned with damaged_pdf: {sum(map(_damaged, outcomes))}")
    for verdict, what in (("silent", "silent losses"), ("identical", "identical extractions (no new warning)")):
        for tool, count in flagged[verdict].items():
            print(f"{what} flagged by {tool}: {count}")
    undamaged = [o for o in outcomes if o.verdict == "warned" and not _damaged(o)]
    for outcome in outcomes if args.list else bad + undamaged:
        print(describe(outcome) + ("" if _damaged(outcome) or outcome.verdict != "warned"
                                   else f"; warned: {'; '.join(outcome.new_warnings)[:300]}"))


def _damaged(outcome: Outcome) -> bool:
    return any(w.startswith("damaged_pdf") for w in outcome.new_warnings)


def _external_flags(silent: list[Outcome], work: Path) -> dict[str, str]:
    """How many of the silent mutants qpdf --check and pdftotext report as damaged."""
    checks = {"qpdf --check": ["qpdf", "--check"], "pdftotext": ["pdftotext"]}
    flags = {}
    for tool, command in checks.items():
        if shutil.which(command[0]) is None:
            flags[tool] = "not installed"
            continue
        hits = sum(_flags(command, work / o.mutant.name / f"{o.mutant.name}.pdf") for o in silent)
        flags[tool] = f"{hits} of {len(silent)}"
    return flags


def _flags(command: list[str], pdf: Path) -> bool:
    extra = [str(pdf), "-"] if command[0] == "pdftotext" else [str(pdf)]
    done = subprocess.run(command + extra, check=False, capture_output=True, text=True, errors="replace",
                          timeout=120)
    if command[0] == "qpdf":
        return done.returncode != 0 or "WARNING" in done.stderr
    return done.returncode != 0 or "Error" in done.stderr


def _keep(outcomes: list[Outcome], work: Path, keep: Path) -> None:
    keep.mkdir(parents=True, exist_ok=True)
    for outcome in outcomes:
        name = outcome.mutant.name
        shutil.copy(work / name / f"{name}.pdf", keep / f"{name}.pdf")
        (keep / f"{name}.note.txt").write_text(describe(outcome) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
