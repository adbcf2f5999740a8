"""PDF readers: each yields the characters and rectangles of one page at a time.

A backend is a function ``(path, password, metadata) -> Iterator[RawPage]`` that fills
``metadata`` with the document information dictionary. Exceptions are left to ``parse.py``.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .layout import Char, Rect

_SUBSET = re.compile(r"^[A-Z]{6}\+")
LOST_GLYPH = "\ufffd"  # what a glyph without a Unicode mapping becomes


def font_name(name: str) -> str:
    """Font names without the subset tag ('ABCDEF+Carlito-Bold' -> 'Carlito-Bold'), alike in every backend."""
    return _SUBSET.sub("", name)


@dataclass(slots=True)
class RawPage:
    number: int
    width: float
    height: float
    chars: list[Char]
    rects: list[Rect]
    has_images: bool


def read_with_pdfplumber(path: Path, password: str, metadata: dict[str, str]) -> Iterator[RawPage]:
    import pdfplumber

    with pdfplumber.open(path, password=password) as pdf:
        metadata.update({str(k): _text(v) for k, v in (pdf.metadata or {}).items()})
        for number, page in enumerate(pdf.pages, start=1):
            chars = [
                Char(text=c["text"], x0=float(c["x0"]), x1=float(c["x1"]), top=float(c["top"]),
                     bottom=float(c["bottom"]), fontname=font_name(str(c.get("fontname", ""))),
                     size=float(c.get("size", 0.0)))
                for c in page.chars
            ]
            rects = [
                Rect(x0=float(r["x0"]), top=float(r["top"]), x1=float(r["x1"]), bottom=float(r["bottom"]),
                     filled=bool(r.get("fill")), stroked=bool(r.get("stroke")))
                for r in page.rects
            ]
            rects += [Rect(x0=float(ln["x0"]), top=float(ln["top"]), x1=float(ln["x1"]),
                           bottom=float(ln["bottom"])) for ln in page.lines]
            raw = RawPage(number=number, width=float(page.width), height=float(page.height),
                          chars=chars, rects=rects, has_images=bool(page.images))
            page.close()
            yield raw


def _text(value: object) -> str:
    if isinstance(value, bytes):
        for encoding in ("utf-16", "utf-8", "latin-1"):
            try:
                return value.decode(encoding)
            except UnicodeDecodeError:
                continue
    return str(value)


def read_with_pdfium(path: Path, password: str, metadata: dict[str, str]) -> Iterator[RawPage]:
    """The same characters, boxes and fonts as pdfplumber, from PDFium (several times faster).

    Character boxes are PDFium's *loose* boxes (advance width × font ascent/descent), the boxes
    pdfplumber reports; characters PDFium generates itself (spaces between lines) are skipped.
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path), password=password or None)
    try:
        metadata.update({k: str(v) for k, v in pdf.get_metadata_dict().items() if v})
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    chars = _pdfium_chars(textpage.raw, height)
                finally:
                    textpage.close()
                rects, has_images = _pdfium_shapes(page, height)
            finally:
                page.close()
            yield RawPage(number=index + 1, width=float(width), height=float(height), chars=chars,
                          rects=rects, has_images=has_images)
    finally:
        pdf.close()


_BLANKS = frozenset([9, 10, 11, 12, 13, 32, 0xA0, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
                     0x2007, 0x2008, 0x2009, 0x200A, 0x202F, 0x205F, 0x3000])


def _pdfium_chars(textpage, height: float) -> list[Char]:  # noqa: ANN001 (a ctypes handle)
    """Every non-blank character with its loose box.

    The font is asked of PDFium only where a character does not continue the previous one
    (a new word, line or cell): inside a word it cannot change. This halves the calls per character.
    """
    import pypdfium2.raw as raw

    box = raw.FS_RECTF()
    get_unicode, get_box, get_object = raw.FPDFText_GetUnicode, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetTextObject
    addressof = ctypes.addressof
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    fonts: dict[int, tuple[str, float]] = {}  # per text object: its font name and size
    chars: list[Char] = []
    append, new = chars.append, tuple.__new__
    font: tuple[str, float] = ("", 0.0)
    right = bottom = -1e9
    for k in range(raw.FPDFText_CountChars(textpage)):
        code = get_unicode(textpage, k)
        if code in _BLANKS:  # spaces, and the line breaks PDFium generates, only separate words
            right = -1e9
            continue
        get_box(textpage, k, box)
        if abs(box.left - right) > 0.05 or abs(box.bottom - bottom) > 0.05:
            handle = get_object(textpage, k)
            address = addressof(handle.contents) if handle else 0
            font = fonts.get(address)
            if font is None:
                length = raw.FPDFText_GetFontInfo(textpage, k, name, 256, flags)
                font = fonts[address] = (font_name(name.raw[:max(0, length - 1)].decode("utf-8", "replace")),
                                         raw.FPDFText_GetFontSize(textpage, k))
        right, bottom = box.right, box.bottom
        char = chr(code) if 0 < code < 0xFFFE else LOST_GLYPH
        append(new(Char, (char, box.left, right, height - box.top, height - bottom, font[0], font[1])))
    return chars


def _pdfium_shapes(page, height: float) -> tuple[list[Rect], bool]:  # noqa: ANN001 (a pypdfium2 page)
    """Rectangles and straight ruling lines from the page's paths (as pdfplumber reads them: curves,
    such as glyphs drawn as outlines, are left out); whether the page holds images."""
    import pypdfium2.raw as raw

    rects: list[Rect] = []
    has_images = has_forms = False
    fill, stroke = ctypes.c_int(), ctypes.c_int()

    def add(handle) -> None:  # noqa: ANN001
        nonlocal has_images
        kind = raw.FPDFPageObj_GetType(handle)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            has_images = True
        elif kind == raw.FPDF_PAGEOBJ_PATH and (points := _path_points(handle)) is not None:
            raw.FPDFPath_GetDrawMode(handle, fill, stroke)
            rects.extend(_path_rects(points, height, bool(fill.value), bool(stroke.value)))

    for k in range(raw.FPDFPage_CountObjects(page.raw)):  # raw calls: text objects are many
        handle = raw.FPDFPage_GetObject(page.raw, k)
        has_forms |= raw.FPDFPageObj_GetType(handle) == raw.FPDF_PAGEOBJ_FORM
        add(handle)
    if has_forms:  # shapes nested in form XObjects
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE)):
            if obj.level > 0:
                add(obj.raw)
    return rects, has_images


def _path_points(handle) -> list[tuple[int, float, float]] | None:  # noqa: ANN001
    """(segment type, x, y) in page space, or None for a path with curves."""
    import pypdfium2.raw as raw

    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(handle, m)
    x, y = ctypes.c_float(), ctypes.c_float()
    points = []
    for k in range(raw.FPDFPath_CountSegments(handle)):
        segment = raw.FPDFPath_GetPathSegment(handle, k)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_BEZIERTO:
            return None
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        points.append((kind, m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f))
    return points


def _path_rects(points: list[tuple[int, float, float]], height: float, filled: bool, stroked: bool) -> list[Rect]:
    """An axis-aligned rectangle as one Rect; any other straight path as its axis-aligned segments."""
    import pypdfium2.raw as raw

    corners = {(round(px, 2), round(py, 2)) for _, px, py in points}
    xs, ys = sorted({c[0] for c in corners}), sorted({c[1] for c in corners})
    if len(corners) == 4 and len(xs) == 2 and len(ys) == 2:
        return [Rect(xs[0], height - ys[1], xs[1], height - ys[0], filled, stroked)]
    rects = []
    for (_, x0, y0), (kind, x1, y1) in zip(points, points[1:]):
        if kind == raw.FPDF_SEGMENT_LINETO and (abs(x0 - x1) < 0.5 or abs(y0 - y1) < 0.5):
            rects.append(Rect(min(x0, x1), height - max(y0, y1), max(x0, x1), height - min(y0, y1)))
    return rects


BACKENDS: dict[str, Callable[[Path, str, dict[str, str]], Iterator[RawPage]]] = {
    "pdfium": read_with_pdfium,
    "pdfplumber": read_with_pdfplumber,
}
