"""The whole flow in one place: parse → clean → segment → extract → normalise → export.

This is the only module that knows the order of the stages. The CLI is a thin shell over it.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import __version__
from .clean import clean_pages
from .docinfo import document_info
from .export import write_outputs
from .extract import extract as extract_items
from .lexicon import lexicon_for
from .models import Extraction, RunInfo, Source, Warning
from .normalise import normalise
from .parse import parse_pdf
from .rules import RuleSet, load_rules
from .segment import SegmentedDocument, segment
from .validate import validate


@dataclass(slots=True)
class Result:
    """An extraction plus the intermediate document, for ``explain`` and for tests."""

    extraction: Extraction
    document: SegmentedDocument


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A long plan makes millions of small objects that live until the end: the cyclic garbage
    collector would scan them over and over (a third of the run time on 1,000 pages). They hold
    no cycles, so collect far less often while extracting."""
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def run(pdf: Path | str, rules: RuleSet | None = None, password: str = "", backend: str = "pdfium",
        max_pages: int | None = None) -> Result:
    with _fewer_collections():
        return _run(pdf, rules or load_rules(), password, backend, max_pages)


def _run(pdf: Path | str, rules: RuleSet, password: str, backend: str, max_pages: int | None) -> Result:
    parsed = parse_pdf(pdf, password=password, backend=backend, max_pages=max_pages)
    report = clean_pages(parsed.pages, rules, parsed.glyphs)
    document = segment(parsed, rules)
    lexicon = lexicon_for(rules.lexicon)
    items = normalise(extract_items(document, lexicon.is_known), rules)
    warnings = list(items.warnings)
    if document.profile is None:
        warnings.insert(0, Warning(kind="unknown_template",
                                   message="no rules profile matched this document; nothing was extracted"))
    warnings += [Warning(kind="no_text_layer", message=f"page {p.number} has no text layer (scanned?)", page=p.number)
                 for p in parsed.pages if not p.lines and p.has_images]
    info = document_info(document, rules)
    warnings += validate(items.objectives, items.indicators, info.period)
    extraction = Extraction(
        source=Source(file=parsed.path.name, sha256=parsed.sha256, pages=len(parsed.pages)),
        document=info,
        action_areas=items.action_areas, strategic_directions=items.strategic_directions,
        objectives=items.objectives, indicators=items.indicators, warnings=warnings,
        run=RunInfo(program_version=__version__, rules_version=rules.version,
                    ligature_repairs=report.ligature_repairs),
    )
    return Result(extraction=extraction, document=document)


def extract(pdf: Path | str, rules: RuleSet | Path | str | None = None, password: str = "",
            backend: str = "pdfium", max_pages: int | None = None) -> Extraction:
    """Extract one plan PDF. ``rules`` may be a loaded RuleSet or a rules directory."""
    if not isinstance(rules, RuleSet):
        rules = load_rules(rules)
    return run(pdf, rules, password=password, backend=backend, max_pages=max_pages).extraction


def extract_to(pdf: Path | str, out_dir: Path | str, rules: RuleSet | Path | str | None = None,
               password: str = "", backend: str = "pdfium", max_pages: int | None = None,
               stem: str | None = None) -> tuple[Extraction, dict[str, Path]]:
    """Extract and write ``STEM.json`` + the two CSV files into ``out_dir``."""
    extraction = extract(pdf, rules, password=password, backend=backend, max_pages=max_pages)
    return extraction, write_outputs(extraction, Path(out_dir), stem)
