"""Stage 1, parse: a PDF file becomes pages of lines, words and rectangles.

A backend (``backends.py``) reads characters and rectangles page by page; this module groups them
into lines and turns failures of the PDF library into the one-line errors of ``errors.py``.
``PdfSource.pages()`` yields one page at a time, so that a reader can keep memory flat in the
page count.

A damaged file is read as far as it can be: a page one library cannot load is read by the other,
or left out; what was survived, and the damage ``integrity.py`` finds in the file's structure
(broken streams, missing objects, a cross-reference table to rebuild), is kept in
``PdfSource.problems`` and becomes ``damaged_pdf`` warnings.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .backends import BACKENDS, Problem, RawPage
from .errors import (CorruptPdfError, EmptyFileError, EncryptedPdfError, InputNotFoundError, NoPagesError,
                     NotAPdfError, NoTextLayerError, TooManyPagesError)
from .integrity import find_damage
from .layout import GlyphEvidence, GlyphMetrics, Page, group_lines
from .limits import inflate_budget, too_large, too_large_on_memory_error
from .textcheck import Mismatch, check_page

if TYPE_CHECKING:
    from .readahead import EarlyReading


@dataclass(slots=True)
class ParsedDocument:
    path: Path
    sha256: str
    pages: list[Page]
    metadata: dict[str, str] = field(default_factory=dict)
    glyphs: GlyphMetrics = field(default_factory=GlyphMetrics)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_is_pdf(path: Path) -> None:
    """Fail early, with a one-line reason, on what is not a PDF file at all."""
    if not path.exists():
        raise InputNotFoundError(f"{path}: file not found")
    if not path.is_file():
        raise InputNotFoundError(f"{path}: not a file")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        raise EmptyFileError(f"{path}: empty file, not a PDF")
    if b"%PDF-" not in head:
        raise NotAPdfError(f"{path}: not a PDF (no %PDF header)")


def count_pages(path: Path, password: str = "") -> int:
    """The page count, read cheaply before any page is parsed (PDFium; pdfminer for what it refuses)."""
    import pypdfium2 as pdfium

    try:
        with pdfium.PdfDocument(str(path), password=password or None) as pdf:
            return len(pdf)
    except Exception:  # noqa: BLE001 (PDFium's reasons are vague: pdfminer says what is wrong)
        import pdfplumber

        try:
            with pdfplumber.open(path, password=password) as pdf:
                return len(pdf.pages)
        except Exception as exc:  # noqa: BLE001
            raise _classify_pdf_error(path, exc, password) from exc


@dataclass(slots=True)
class PdfSource:
    """An opened PDF, read page by page: ``pages()`` yields each page once, built on demand.

    ``metadata`` is filled when reading starts, ``glyphs`` and ``mismatches`` (pages whose words
    differ from the library's own text, see ``textcheck.py``) as pages go by; ``page_count``,
    ``text_pages`` and ``problems`` (damage survived, see ``integrity.py``) are known once every
    page has been read.
    """

    path: Path
    sha256: str
    password: str
    backend: str
    metadata: dict[str, str] = field(default_factory=dict)
    glyphs: GlyphMetrics = field(default_factory=GlyphMetrics)
    page_count: int = 0
    text_pages: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lost_pages: int = 0
    read_ahead: bool = False  # pages read in another process (``readahead.py``) while these are used
    early: EarlyReading | None = None  # a child that is reading the file already: the first pass's pages
    _damage: list[Problem] | None = None  # the structure's, found once

    def pages(self) -> Iterator[Page]:
        self.page_count = self.text_pages = self.lost_pages = 0
        self.mismatches, self.problems = [], []
        invalid: list[tuple[int, int]] = []  # (page, characters without valid Unicode)
        damage = self.damage()  # before any page: a decompression bomb is refused here
        if self.early is not None:
            read, self.early = self.early.pages(self.metadata), None
        elif self.read_ahead:
            from .readahead import read_in_another_process

            read = read_in_another_process(self.path, self.password, self.backend, self.metadata)
        else:
            read = read_pages(self.path, self.password, self.backend, self.metadata)
        for item in read:
            page = item.page
            self.glyphs.take(item.glyphs)
            if item.mismatch is not None:
                self.mismatches.append(item.mismatch)
            self.page_count += 1
            self.text_pages += bool(page.lines)
            self.lost_pages += item.lost
            self.problems += item.problems
            if item.invalid_chars:
                invalid.append((page.number, item.invalid_chars))
            yield page
        self.problems += _invalid_unicode(invalid) + damage

    def damage(self) -> list[Problem]:
        """What ``integrity.find_damage`` finds in the file (looked for once); TooLargeError for
        a stream that would not fit in memory (``limits.py``)."""
        if self._damage is None:
            early = self.early
            self._damage = early.take("damage") if early is not None else structure_damage(self.path, self.password)
        return self._damage

    def check_readable(self) -> None:
        """After reading: refuse a PDF without pages, or without any text (a scan), or whose pages
        could none be read."""
        if not self.page_count:
            raise NoPagesError(f"{self.path}: the PDF has no pages")
        if self.lost_pages == self.page_count:
            raise CorruptPdfError(f"{self.path}: corrupt PDF (none of its {self.page_count} pages can be read)")
        if not self.text_pages:
            raise NoTextLayerError(f"{self.path}: no text layer on any of its {self.page_count} pages "
                                   "(a scan? run OCR first, e.g. ocrmypdf -l ita)")


def open_pdf(path: Path | str, password: str = "", backend: str = "pdfium",
             max_pages: int | None = None, read_ahead: bool | None = False,
             early: EarlyReading | None = None) -> PdfSource:
    """Check a file and open it for reading. A document PDFium cannot open is read by pdfminer,
    which opens more damaged files and names their damage better. ``read_ahead``: read the pages
    in another process (``readahead.py``); None decides by the page count and the cores. ``early``:
    the same file being read already (``readahead.start_reading``), for the first pass."""
    path = Path(path)
    if early is not None and (early.path, early.password, early.backend) != (path, password, backend):
        early.close()
        early = None
    check_is_pdf(path)
    if max_pages is not None and (count := count_pages(path, password)) > max_pages:
        raise TooManyPagesError(f"{path}: {count} pages, more than the limit of {max_pages} (--max-pages)")
    if early is not None:
        pages, backend = early.take("opened")
    else:
        pages = pdfium_page_count(path, password)
        backend = "pdfplumber" if backend == "pdfium" and pages is None else backend
    if read_ahead is None:
        from .readahead import worth_it

        read_ahead = pages is not None and worth_it(pages)
    return PdfSource(path=path, sha256=sha256_of(path), password=password, backend=backend, read_ahead=read_ahead,
                     early=early)


def parse_pdf(path: Path | str, password: str = "", backend: str = "pdfium",
              max_pages: int | None = None) -> ParsedDocument:
    """Read a whole PDF into memory (the extraction itself streams, see ``api.py``)."""
    source = open_pdf(path, password, backend, max_pages)
    pages = list(source.pages())
    source.check_readable()
    return ParsedDocument(path=source.path, sha256=source.sha256, pages=pages, metadata=source.metadata,
                          glyphs=source.glyphs)


@dataclass(slots=True)
class ReadPage:
    """A page read and built, with what reading it told: one item of ``read_pages``."""

    page: Page
    glyphs: GlyphEvidence
    mismatch: Mismatch | None
    lost: bool
    problems: list[Problem]
    invalid_chars: int


def read_pages(path: Path, password: str, backend: str, metadata: dict[str, str]) -> Iterator[ReadPage]:
    """Every page of the file, read by ``backend`` and built into lines (``metadata`` is filled as
    reading starts). Only the first ``GlyphMetrics.PAGES`` pages are measured for glyph widths."""
    raw_pages = BACKENDS[backend](path, password, metadata)
    for index, raw in enumerate(_guarded(raw_pages, path, password)):
        page = _build_page(raw)
        yield ReadPage(page, GlyphMetrics.evidence(raw.chars, measured=index < GlyphMetrics.PAGES),
                       check_page(page, raw.text, raw.reader), raw.lost, raw.problems, raw.invalid_chars)


def structure_damage(path: Path, password: str) -> list[Problem]:
    """What ``integrity.find_damage`` finds in the file; TooLargeError for a stream that would not
    fit in memory (``limits.py``)."""
    with too_large_on_memory_error(path):
        return find_damage(path, password, inflate_budget())


def pdfium_page_count(path: Path, password: str) -> int | None:
    """The page count, None for a document PDFium cannot open."""
    import pypdfium2 as pdfium

    try:
        with pdfium.PdfDocument(str(path), password=password or None) as pdf:
            return len(pdf)
    except Exception:  # noqa: BLE001
        return None


def _guarded(pages: Iterator[RawPage], path: Path, password: str) -> Iterator[RawPage]:
    """Yield from a backend, translating the PDF library's exceptions (and only those)."""
    while True:
        try:
            raw = next(pages)
        except StopIteration:
            return
        except MemoryError:
            raise too_large(path) from None
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # pdfminer/pdfium signal damage with many exception types
            raise _classify_pdf_error(path, exc, password) from exc
        yield raw


def _invalid_unicode(pages: list[tuple[int, int]]) -> list[Problem]:
    """One problem for the characters of every page that map to no valid Unicode."""
    if not pages:
        return []
    count, first = sum(n for _, n in pages), pages[0][0]
    return [Problem(f"{count} character(s) on {len(pages)} page(s), the first on page {first}, map to no valid "
                    "Unicode (a lone UTF-16 surrogate in a font's ToUnicode map): kept as U+FFFD", first)]


def _build_page(raw: RawPage) -> Page:
    return Page(number=raw.number, width=raw.width, height=raw.height,
                lines=group_lines(raw.chars, raw.number), rects=raw.rects, has_images=raw.has_images)


def _classify_pdf_error(path: Path, exc: Exception, password: str) -> Exception:
    cause = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
    if type(cause).__name__ in {"PDFPasswordIncorrect", "PDFEncryptionError"} or (
            "password" in str(cause).lower()):
        hint = "wrong password" if password else "encrypted, use --password"
        return EncryptedPdfError(f"{path}: {hint}")
    return CorruptPdfError(f"{path}: corrupt or truncated PDF ({_reason(cause)})")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:120]
