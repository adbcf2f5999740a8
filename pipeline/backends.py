"""PDF readers: each yields the characters and rectangles of one page at a time.

A backend is a function ``(path, password, metadata) -> Iterator[RawPage]`` that fills
``metadata`` with the document information dictionary. Exceptions are left to ``parse.py``.
Two are registered: PDFium (``pdfium_reader.py``, the fast default) and pdfminer through
pdfplumber (the reference, slower), which give the same characters and boxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .layout import Char, Rect

_SUBSET = re.compile(r"^[A-Z]{6}\+")
SURROGATE = re.compile("[\ud800-\udfff]")
LOST_GLYPH = "\ufffd"  # what a glyph without a Unicode mapping becomes
A4 = (595.28, 841.89)


def font_name(name: str) -> str:
    """Font names without the subset tag ('ABCDEF+Carlito-Bold' -> 'Carlito-Bold'), alike in every backend."""
    return _SUBSET.sub("", name)


DESCENT_EM = 0.2
"""Where a character's box ends below its baseline, in font sizes. Both backends box upright text
from the baseline: bottom = baseline + DESCENT_EM × size, top = bottom - size. pdfminer takes the
descent from the font descriptor and PDFium guesses its own when that says 0 (LibreOffice writes
0 for every font), so fonts sharing a baseline would not share a line the same way in both."""


def upright(matrix: tuple[float, ...]) -> bool:
    """Text on a horizontal baseline, neither rotated nor mirrored (a text matrix ``a b c d``); it may
    be slanted (``c``: the oblique Word makes of a font without an italic)."""
    a, b, c, d = matrix[:4]
    return abs(b) < 1e-6 and a > 0 and d > 0


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the file that reading survived: it becomes a warning of ``kind``."""

    message: str
    page: int | None = None
    kind: str = "damaged_pdf"


@dataclass(slots=True)
class RawPage:
    number: int
    width: float
    height: float
    chars: list[Char]
    rects: list[Rect]
    has_images: bool
    text: str = ""          # the page's text as the PDF library itself reads it, for ``textcheck.py``
    reader: str = ""        # the library that read the page
    notes: list[str] = field(default_factory=list)  # what went wrong reading it, and was survived
    problems: list[Problem] = field(default_factory=list)  # damage met reading it: warnings
    lost: bool = False      # the page could not be read at all: it stands empty
    invalid_chars: int = 0  # characters without valid Unicode (a lone surrogate), kept as U+FFFD


def valid_text(text: str) -> str:
    """``text`` with any lone UTF-16 surrogate (not valid Unicode, not writable as UTF-8) as U+FFFD."""
    return SURROGATE.sub(LOST_GLYPH, text)


def lost_page(number: int, size: tuple[float, float], reason: str) -> RawPage:
    """An empty page in place of one that cannot be read, with the problem that says so."""
    width, height = size if size[0] > 0 and size[1] > 0 else A4
    return RawPage(number=number, width=width, height=height, chars=[], rects=[], has_images=False,
                   problems=[Problem(f"page {number}: {reason}", number)], lost=True)


def read_with_pdfplumber(path: Path, password: str, metadata: dict[str, str]) -> Iterator[RawPage]:
    import pdfplumber

    with pdfplumber.open(path, password=password) as pdf:
        metadata.update({str(k): valid_text(_text(v)) for k, v in (pdf.metadata or {}).items()})
        other = _PdfiumFallback(path, password, len(pdf.pages))
        try:
            for number, page in enumerate(pdf.pages, start=1):
                yield _pdfplumber_page_or_other(page, number, other)
        finally:
            other.close()


def _pdfplumber_page_or_other(page: Any, number: int, other: _PdfiumFallback) -> RawPage:
    """A page pdfminer cannot read is read by PDFium, or else left out with a problem."""
    try:
        return pdfplumber_page(page, number)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 (pdfminer signals damage with many exception types)
        reason = _reason(exc)
    size = (float(page.width), float(page.height))
    if (raw := other.page(number - 1)) is None:
        return lost_page(number, size, f"pdfminer cannot read this page ({reason}), PDFium neither: left out")
    raw.problems.append(Problem(f"page {number}: pdfminer cannot read this page ({reason}): read with PDFium",
                                number))
    return raw


class _PdfiumFallback:
    """PDFium, opened on the first page pdfminer cannot read; of no use if it sees another page count."""

    def __init__(self, path: Path, password: str, pages: int) -> None:
        self.path, self.password, self.pages = path, password, pages
        self.pdf: Any = None

    def page(self, index: int) -> RawPage | None:
        import pypdfium2 as pdfium

        from .pdfium_reader import read_page

        try:
            if self.pdf is None:
                self.pdf = pdfium.PdfDocument(str(self.path), password=self.password or None)
            return read_page(self.pdf, index)[0] if len(self.pdf) == self.pages else None
        except pdfium.PdfiumError:
            return None

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def pdfplumber_page(page: Any, number: int) -> RawPage:
    """One pdfplumber page as a RawPage (and the page's cached objects released). A character
    pdfminer gives no text (a ToUnicode map to a lone surrogate) is kept as U+FFFD."""
    height = float(page.height)
    chars = []
    invalid = 0
    for c in page.chars:
        size, top, bottom = float(c.get("size", 0.0)), float(c["top"]), float(c["bottom"])
        x0, x1 = float(c["x0"]), float(c["x1"])
        matrix = c.get("matrix")
        if matrix and upright(matrix):  # boxed from the origin: slanted text is not shifted by its slant
            bottom = height - float(matrix[5]) + DESCENT_EM * size
            top = bottom - size
            if abs(matrix[2]) > 1e-6:
                x0 = float(matrix[4])
                x1 = x0 + float(c.get("adv", 0.0)) * float(matrix[0])
        text = c["text"]
        if not text or SURROGATE.search(text):
            invalid += 1
            text = valid_text(text) or LOST_GLYPH
        chars.append(Char(text, x0, x1, top, bottom, font_name(str(c.get("fontname", ""))), size))
    rects = [
        Rect(x0=float(r["x0"]), top=float(r["top"]), x1=float(r["x1"]), bottom=float(r["bottom"]),
             filled=bool(r.get("fill")), stroked=bool(r.get("stroke")))
        for r in page.rects
    ]
    rects += [Rect(x0=float(ln["x0"]), top=float(ln["top"]), x1=float(ln["x1"]),
                   bottom=float(ln["bottom"])) for ln in page.lines]
    raw = RawPage(number=number, width=float(page.width), height=float(page.height), chars=chars,
                  rects=rects, has_images=bool(page.images), text=stream_text(chars), reader="pdfminer",
                  invalid_chars=invalid)
    page.close()
    return raw


def stream_text(chars: list[Char]) -> str:
    """Characters in the order the content stream draws them, a space where they stop following
    each other (a new line, a jump back or ahead): pdfminer's own text of the page. A character
    drawn again where the same one already stands (fake bold) counts once, as in PDFium's text."""
    parts: list[str] = []
    standing: dict[tuple[str, int], list[float]] = {}
    previous: Char | None = None
    for char in chars:
        at = standing.setdefault((char.text, round(char.top)), [])
        if any(abs(x - char.x0) < 1.0 for x in at):
            continue
        at.append(char.x0)
        if previous is not None and (abs(char.bottom - previous.bottom) > 0.5 * max(char.size, 1.0)
                                     or not -0.5 * char.size < char.x0 - previous.x1 < 0.2 * char.size):
            parts.append(" ")
        parts.append(char.text)
        previous = char
    return "".join(parts)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        for encoding in ("utf-16", "utf-8", "latin-1"):
            try:
                return value.decode(encoding)
            except UnicodeDecodeError:
                continue
    return str(value)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:100]


def _read_with_pdfium(path: Path, password: str, metadata: dict[str, str]) -> Iterator[RawPage]:
    from .pdfium_reader import read_with_pdfium

    return read_with_pdfium(path, password, metadata)


BACKENDS: dict[str, Callable[[Path, str, dict[str, str]], Iterator[RawPage]]] = {
    "pdfium": _read_with_pdfium,
    "pdfplumber": read_with_pdfplumber,
}
