"""Benchmark `compare` on a long plan against itself with every code renumbered (run on demand).

    python benchmarks/compare.py [--pages 1048] [--workdir benchmarks/data]

Generates (once) the long plan of benchmarks/make_plan.py and its extraction, makes the next-year
plan by renumbering every objective and indicator — and, in a second case, by also rewording every
objective title and indicator description, so that no text is found as is and every one is scored —
then times `compare` in a fresh process and prints the seconds, the memory before and the peak
memory (max RSS) of that process, and how the items were matched: every one *renumbered* to its own
new code (the plan repeats its texts: the k-th copy must go with the k-th copy), none added or
removed — but for the reworded indicators whose description is so short that one more word puts
them below the thresholds (292 of 7,884 in 1,048 pages, as scoring pair by pair leaves them too).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable

_MEASURE = """
import resource, sys, time
from pipeline.compare import compare
from pipeline.models import Extraction

def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

old = Extraction.model_validate_json(open(sys.argv[1], encoding="utf-8").read())
new = Extraction.model_validate_json(open(sys.argv[2], encoding="utf-8").read())
before = rss_mb()
start = time.perf_counter()
comparison = compare(old, new)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
wrong = sum(c.kind == "renumbered" and c.new_code != "N" + c.old_code for c in comparison.changes)
print(seconds, before, peak, wrong, comparison.counts())
"""


def extraction_of(pages: int, workdir: Path) -> Path:
    """The extraction JSON of the generated plan of ``pages`` pages (made once, then reused)."""
    pdf = workdir / f"plan-{pages}.pdf"
    json_path = workdir / "out" / f"plan-{pages}.json"
    if not pdf.exists():
        subprocess.run([PYTHON, str(HERE / "make_plan.py"), str(pages), str(pdf)], check=True,
                       stdout=subprocess.DEVNULL)
    if not json_path.exists():
        subprocess.run([PYTHON, "-m", "pipeline", "extract", str(pdf), "-o", str(json_path.parent)], check=True,
                       cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json_path


def renumbered(source: Path, target: Path, reword: bool) -> Path:
    """The plan with every printed code (and so every id) changed, '300039' → 'N300039'; if ``reword``,
    'rivisto' put after the first word of every objective title and indicator description."""
    sys.path.insert(0, str(HERE.parent))
    from pipeline.models import Extraction

    plan = Extraction.model_validate_json(source.read_text(encoding="utf-8"))
    new_id = {o.id: f"N{o.id}" for o in plan.objectives}

    def recode(code: str | None) -> str | None:
        return None if code is None else f"N{code}"

    for objective in plan.objectives:
        objective.id, objective.code = new_id[objective.id], recode(objective.code)
        objective.parent_id = new_id.get(objective.parent_id or "", objective.parent_id)
        if reword:
            objective.title = objective.title.replace(" ", " rivisto ", 1)
    for indicator in plan.indicators:
        indicator.id, indicator.code = f"N{indicator.id}", recode(indicator.code)
        indicator.objective_id = new_id.get(indicator.objective_id or "", indicator.objective_id)
        indicator.objective_code = recode(indicator.objective_code)
        if reword:
            indicator.description = indicator.description.replace(" ", " rivisto ", 1)
    target.write_text(plan.model_dump_json(by_alias=True), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1048)
    parser.add_argument("--workdir", type=Path, default=HERE / "data")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    old = extraction_of(args.pages, args.workdir)
    print(f"compare, plan of {args.pages} pages against itself:", flush=True)
    for reword, case in ((False, "every code renumbered"), (True, "every code renumbered, every text reworded")):
        new = renumbered(old, args.workdir / f"plan-{args.pages}-renumbered{'-reworded' * reword}.json", reword)
        out = subprocess.run([PYTHON, "-c", _MEASURE, str(old), str(new)], check=True, capture_output=True,
                             text=True).stdout
        seconds, before, peak, wrong, counts = out.split(maxsplit=4)
        print(f"- {case}: {float(seconds):.1f} s, memory {float(before):.0f} MB before, peak {float(peak):.0f} MB; "
              f"{counts.strip()}; {wrong} renumbered to a wrong code", flush=True)


if __name__ == "__main__":
    main()
