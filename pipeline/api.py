"""The whole flow in one place: parse → clean → segment → extract → normalise → export.

This is the only module that knows the order of the stages. The CLI is a thin shell over it.

Pages stream through the stages one at a time, so memory stays flat in the page count: the first
``SURVEY_PAGES`` pages are read ahead to decide the template and the body type size; each page
is released once the pages that decide its running headers and footers have been seen; blocks
reach the extractor as soon as the next page cannot continue them. (A template that only shows
after the first pages is read in a second pass.)
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from . import __version__
from .clean import Cleaner
from .compare import Comparison
from .compare import compare as compare_extractions
from .docinfo import document_info
from .errors import NotAnExtractionError
from .export import write_outputs
from .extract import Extracted, Extractor
from .furniture import FurnitureStream
from .layout import Line, Page
from .lexicon import lexicon_for
from .models import Extraction, RunInfo, Source, Warning
from .normalise import normalise
from .parse import PdfSource, open_pdf
from .rules import FurnitureRules, RuleSet, load_rules
from .segment import SURVEY_PAGES, Block, SegmentedDocument, Segmenter, Survey, survey
from .validate import validate

if TYPE_CHECKING:
    from .readahead import EarlyReading


@dataclass(slots=True)
class Result:
    """An extraction plus the segmented document (its pages and blocks when kept, for ``explain``)."""

    extraction: Extraction
    document: SegmentedDocument


@dataclass(slots=True)
class _Reading:
    document: SegmentedDocument
    extracted: Extracted
    ligature_repairs: int = 0
    blank_pages: list[int] = field(default_factory=list)
    late_survey: Survey | None = None


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A long plan makes many small objects: the cyclic garbage collector would scan them over and
    over (a third of the run time on 1,000 pages). They hold no cycles: collect far less often."""
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def run(pdf: Path | str, rules: RuleSet | None = None, password: str = "", backend: str = "pdfium",
        max_pages: int | None = None, keep: bool = False, read_ahead: bool | None = None,
        early: EarlyReading | None = None) -> Result:
    """Extract one PDF. With ``keep`` the pages and blocks stay in ``Result.document``. ``read_ahead``
    reads the pages in a second process (``readahead.py``): None does it for a plan long enough,
    on a machine with two cores or more. ``early``: the file's reading, started before this
    process loaded its set-up (``readahead.start_reading``)."""
    rules = rules or load_rules()
    with _fewer_collections():
        source = open_pdf(pdf, password=password, backend=backend, max_pages=max_pages, read_ahead=read_ahead,
                          early=early)
        reading = _read(source, rules, keep)
        if reading.late_survey is not None:  # the template showed only after the first pages
            reading = _read(source, rules, keep, reading.late_survey)
        source.check_readable()
        return _assemble(source, rules, reading)


def _read(source: PdfSource, rules: RuleSet, keep: bool, decided: Survey | None = None) -> _Reading:
    pages = source.pages()
    cleaner = Cleaner(rules, source.glyphs)
    ahead = list(islice(pages, SURVEY_PAGES))
    for page in ahead:
        cleaner.clean(page)
    found = decided or survey(ahead, source.metadata, rules)
    profile = found.profile
    segmenter = Segmenter(profile, found.body_size) if profile else None
    extractor = Extractor(profile, found.body_size, lexicon_for(rules.lexicon).is_known) if profile else None
    stream = FurnitureStream(profile.furniture if profile else FurnitureRules(),
                             segmenter.protects if segmenter else (lambda line, page: False))
    document = SegmentedDocument(source.path, source.sha256, source.metadata, 0, found)
    reading = _Reading(document, Extracted())
    later_text: list[str] | None = [] if profile is None and decided is None else None

    def settle(page: Page, furniture: list[Line]) -> None:
        document.furniture += furniture
        if not page.lines and page.has_images:
            reading.blank_pages.append(page.number)
        if keep:
            document.pages.append(page)
        if segmenter is not None:
            segmenter.feed(page)
            blocks = segmenter.take()
            extractor.feed(sorted(page.lines, key=lambda ln: (ln.top, ln.x0)), blocks)
            _kept(document, blocks, keep)

    for page in ahead:
        for done in stream.push(page):
            settle(*done)
    for page in pages:
        cleaner.clean(page)
        if later_text is not None:
            later_text += [line.text for line in page.lines]
        for done in stream.push(page):
            settle(*done)
    for done in stream.flush():
        settle(*done)
    if segmenter is not None:
        last = segmenter.take(final=True)
        reading.extracted = extractor.finish(last)
        _kept(document, last, keep)
    if later_text:
        late = survey(ahead, source.metadata, rules, later_text)
        reading.late_survey = late if late.profile is not None else None
    document.page_count = source.page_count
    reading.ligature_repairs = cleaner.report.ligature_repairs
    return reading


def _kept(document: SegmentedDocument, blocks: list[Block], keep: bool) -> None:
    if keep:
        document.blocks += blocks


def _assemble(source: PdfSource, rules: RuleSet, reading: _Reading) -> Result:
    document = reading.document
    info = document_info(document, rules)
    items = normalise(reading.extracted, rules, info.period,
                      tuple(document.profile.department_expected) if document.profile else ())
    warnings = list(items.warnings)
    if document.profile is None:
        warnings.insert(0, Warning(kind="unknown_template",
                                   message="no rules profile matched this document; nothing was extracted"))
    warnings += [Warning(kind="no_text_layer", message=f"page {number} has no text layer (scanned?)", page=number)
                 for number in reading.blank_pages]
    warnings += [Warning(kind="text_mismatch", message=m.message, page=m.page) for m in source.mismatches]
    warnings += [Warning(kind=p.kind, message=p.message, page=p.page) for p in source.problems]  # damaged_pdf
    warnings += validate(items.objectives, items.indicators, info.period)
    extraction = Extraction(
        source=Source(file=source.path.name, sha256=source.sha256, pages=source.page_count),
        document=info,
        action_areas=items.action_areas, strategic_directions=items.strategic_directions,
        objectives=items.objectives, indicators=items.indicators, warnings=warnings,
        run=RunInfo(program_version=__version__, rules_version=rules.version,
                    ligature_repairs=reading.ligature_repairs),
    )
    return Result(extraction=extraction, document=document)


def extract(pdf: Path | str, rules: RuleSet | Path | str | None = None, password: str = "",
            backend: str = "pdfium", max_pages: int | None = None, read_ahead: bool | None = None,
            early: EarlyReading | None = None) -> Extraction:
    """Extract one plan PDF. ``rules`` may be a loaded RuleSet or a rules directory."""
    if not isinstance(rules, RuleSet):
        rules = load_rules(rules)
    return run(pdf, rules, password=password, backend=backend, max_pages=max_pages, read_ahead=read_ahead,
               early=early).extraction


def extract_to(pdf: Path | str, out_dir: Path | str, rules: RuleSet | Path | str | None = None,
               password: str = "", backend: str = "pdfium", max_pages: int | None = None,
               stem: str | None = None, formats: tuple[str, ...] = ("csv",),
               db: Path | str | None = None, csv_dialect: str = "standard") -> tuple[Extraction, dict[str, Path]]:
    """Extract and write ``STEM.json`` and the tables into ``out_dir`` (and into the catalog ``db``)."""
    extraction = extract(pdf, rules, password=password, backend=backend, max_pages=max_pages)
    return extraction, deliver(extraction, out_dir, stem, formats, db, csv_dialect)


def deliver(extraction: Extraction, out_dir: Path | str | None, stem: str | None = None,
            formats: tuple[str, ...] = ("csv",), db: Path | str | None = None,
            csv_dialect: str = "standard") -> dict[str, Path]:
    """Store an extraction into the catalog ``db`` (if given), then write its files into ``out_dir``
    (if given); returns the paths written."""
    if db is not None:
        from .catalog import Catalog

        with Catalog(db) as catalog:
            catalog.store(extraction)
    return {} if out_dir is None else write_outputs(extraction, Path(out_dir), stem, formats, csv_dialect)


def load_plan(reference: Extraction | Path | str, rules: RuleSet | Path | str | None = None,
              db: Path | str | None = None, **options) -> Extraction:
    """A plan to compare: an Extraction, a PDF, an extraction JSON, or a document id of the catalog."""
    if isinstance(reference, Extraction):
        return reference
    path = Path(reference)
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            return Extraction.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise NotAnExtractionError(
                f"{path}: not an extraction JSON of planextract ({str(exc).splitlines()[0]})") from exc
    if db is not None and not path.is_file():
        from .catalog import Catalog

        with Catalog(db) as catalog:
            return catalog.load(str(reference))
    return extract(path, rules, **options)


def compare(old: Extraction | Path | str, new: Extraction | Path | str, rules: RuleSet | Path | str | None = None,
            db: Path | str | None = None, out_dir: Path | str | None = None, lang: str = "it",
            **options) -> Comparison:
    """What changed from the ``old`` plan to the ``new`` one (each as ``load_plan`` takes it);
    with ``out_dir``, also writes changes.json, changes.csv and report.html (in ``lang``) there."""
    from .report import write_comparison  # imported when used: an extraction does not need it

    comparison = compare_extractions(load_plan(old, rules, db, **options), load_plan(new, rules, db, **options))
    if out_dir is not None:
        write_comparison(comparison, Path(out_dir), lang)
    return comparison
