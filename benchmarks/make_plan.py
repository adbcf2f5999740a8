"""Generate a long plan for the benchmark: the sample PAP's content repeated with fresh codes.

    python benchmarks/make_plan.py PAGES OUT.pdf

Each repetition renumbers its objectives and indicators (six-digit codes), so every code stays
unique; the result is a realistic plan of about PAGES pages in the base layout of the test
fixtures (tests/planbuilder.py), with running headers, footers and tables across pages.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from planbuilder import BASE, load_content, render_pap  # noqa: E402

PAGES_PER_COPY = 7.17  # pages one copy of the specific objectives fills in the base layout (measured)


def long_plan(pages: int) -> dict:
    sample = load_content("pap-2022-2024")
    content = copy.deepcopy(sample)
    content["objectives"] = [o for o in sample["objectives"] if o["level"] == "general"]
    content["indicators"] = []
    specific = [o for o in sample["objectives"] if o["level"] == "specific"]
    objective_codes, indicator_codes = iter(range(300000, 999999)), iter(range(600000, 999999))
    for _ in range(max(1, round(pages / PAGES_PER_COPY))):
        for objective in specific:
            clone = dict(objective, code=str(next(objective_codes)))
            content["objectives"].append(clone)
            for indicator in sample["indicators"]:
                if indicator["objective_code"] == objective["code"]:
                    content["indicators"].append(dict(indicator, code=str(next(indicator_codes)),
                                                      objective_code=clone["code"]))
    return content


def main() -> None:
    pages, out = int(sys.argv[1]), Path(sys.argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    render_pap(long_plan(pages), BASE, out)
    print(out)


if __name__ == "__main__":
    main()
