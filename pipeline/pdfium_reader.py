"""The PDFium backend: the characters, boxes and fonts pdfminer gives, several times faster.

PDFium's text page is read character by character through its C API (``pypdfium2.raw``) and
rebuilt the way pdfminer reports it (see ``_pdfium_chars``): in one call per page where the
optional C module ``_pdfium_bulk`` is built, which runs the same loop. Where PDFium's text page is known to
lose text, the page is read with pdfminer instead: PDFium leaves out a text object it takes for a
copy of one of the five before it (fake bold), but it measures "the same place" in unscaled text
units, so with a large font size under a small text matrix — common in office PDFs — a real
letter or space drawn as its own object nearby is dropped ('Uf icio' for 'Ufficio').
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from .backends import (DESCENT_EM, LOST_GLYPH, SURROGATE, Problem, RawPage, font_name, lost_page,
                       pdfplumber_page, upright, valid_text)
from .layout import Char, Rect

_BLANKS = frozenset([9, 10, 11, 12, 13, 32, 0xA0, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
                     0x2007, 0x2008, 0x2009, 0x200A, 0x202F, 0x205F, 0x3000])
_HYPHEN_MARK = 2  # PDFium's code for a hyphen that ends a line
REOPEN_EVERY = 500
"""Pages after which the document is opened afresh: PDFium keeps every object it has parsed until
the document is closed (about 35 MB per 1,000 pages of a plan), so memory would grow with the pages."""


def read_with_pdfium(path: Path, password: str, metadata: dict[str, str]) -> Iterator[RawPage]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path), password=password or None)
    fallback = _Fallback(path, password, len(pdf))
    try:
        metadata.update({k: valid_text(str(v)) for k, v in pdf.get_metadata_dict().items() if v})
        size = (0.0, 0.0)
        for index in range(len(pdf)):
            if index and index % REOPEN_EVERY == 0:
                pdf = _reopened(pdf, path, password)
            raw = _page(pdf, index, fallback, size)
            size = (raw.width, raw.height)
            yield raw
    finally:
        fallback.close()
        pdf.close()


def _reopened(pdf: Any, path: Path, password: str) -> Any:
    """A new handle on the same file, or the old one if the file no longer opens the same."""
    import pypdfium2 as pdfium

    try:
        fresh = pdfium.PdfDocument(str(path), password=password or None)
    except (pdfium.PdfiumError, OSError):
        return pdf
    if len(fresh) != len(pdf):
        fresh.close()
        return pdf
    pdf.close()
    return fresh


def _page(pdf: Any, index: int, fallback: _Fallback, size: tuple[float, float]) -> RawPage:
    """Page ``index`` read by PDFium; by pdfminer where PDFium drops text or cannot load the page;
    an empty page, with a ``damaged_pdf`` problem, where neither can."""
    import pypdfium2 as pdfium

    number = index + 1
    try:
        raw, dropped = read_page(pdf, index)
    except pdfium.PdfiumError as exc:
        if (other := fallback.page(index)) is None:
            return lost_page(number, size, f"PDFium cannot read this page ({exc}), pdfminer neither: left out")
        other.problems.append(Problem(f"page {number}: PDFium cannot read this page ({exc}): read with pdfminer",
                                      number))
        return other
    if dropped and (other := fallback.page(index)) is not None:
        other.notes.append(f"PDFium's text page left out {dropped} text object(s): read with pdfminer")
        return other
    return raw


def read_page(pdf: Any, index: int) -> tuple[RawPage, int]:
    """Page ``index`` of an open PDFium document, and how many text objects its text page left out."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range(errors="surrogatepass")  # a lone surrogate kept, to be counted
            chars, objects = _pdfium_chars(textpage.raw, height, text)
            rects, has_images, dropped = _pdfium_shapes(page, height, textpage.raw, objects, chars)
        finally:
            textpage.close()
    finally:
        page.close()
    invalid = len(SURROGATE.findall(text))
    raw = RawPage(number=index + 1, width=float(width), height=float(height), chars=chars, rects=rects,
                  has_images=has_images, text=valid_text(text) if invalid else text, reader="PDFium",
                  invalid_chars=invalid)
    return raw, dropped


class _Fallback:
    """pdfminer, opened on the first page that needs it; of no use if it sees another page count."""

    def __init__(self, path: Path, password: str, pages: int) -> None:
        self.path, self.password, self.pages = path, password, pages
        self.pdf: Any = None

    def page(self, index: int) -> RawPage | None:
        import pdfplumber

        try:
            if self.pdf is None:
                self.pdf = pdfplumber.open(self.path, password=self.password)
            if len(self.pdf.pages) != self.pages:
                return None  # the pages would not be the same ones
            return pdfplumber_page(self.pdf.pages[index], index + 1)
        except Exception:  # noqa: BLE001 (pdfminer cannot read it either: keep PDFium's reading)
            return None

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


@dataclass(frozen=True, slots=True)
class _Font:
    name: str
    size: float      # as pdfminer reports it: the font size scaled by the text matrix
    upright: bool    # horizontal text, not rotated or mirrored
    matrix: tuple[float, float, float, float] = (1.0, 0.0, 0.0, 1.0)  # text space to page space
    font_size: float = 0.0   # in text space
    descent_em: float = 0.0  # the font's own, for rotated text


def _pdfium_chars(textpage, height: float, text_units: str = "") -> tuple[list[Char], set[int]]:  # noqa: ANN001
    """Every character with the box pdfminer gives it, and the text objects seen giving them.

    pdfminer's box runs from the character's origin over its advance width, and from the font's
    descent below the baseline up one font size. PDFium's *loose* box also takes in the glyph's ink
    ('f' leans over its neighbours, 'g' hangs lower than 'a'), so it is used only where pdfminer's
    cannot be rebuilt: the right edge is the loose one unless the next character's origin comes
    first, and rotated text keeps the loose box.

    A printed space separates words; those PDFium makes up where it sees a gap are left out (the
    gap itself separates words, the same way for both backends). A ligature glyph whose text
    mapping holds several letters (``ffi``) comes from PDFium as one character per letter, all
    with the glyph's box: they become one character of several letters, as pdfminer reports it
    (otherwise they would look like a letter printed twice at one place). PDFium's mark for a
    hyphen ending a line is the hyphen it stands for.

    PDFium is asked for a character's text object (and so its font) only where the character does
    not continue the previous one — a new word, line or cell — since inside a run it cannot change.

    PDFium gives text in UTF-16 code units: a character beyond the BMP (U+1F600) comes as a
    surrogate pair, joined here into one character; a lone surrogate (not valid Unicode, a broken
    ToUnicode map) becomes U+FFFD.

    ``text_units`` is the page's text as PDFium gives it, one UTF-16 code unit per character (see
    ``_rows``).
    """
    calls = _hot_calls()
    if calls.chars is not None:  # _chars_of_rows, in C (_pdfium_bulk.c)
        chars, fonts = calls.chars(ctypes.cast(textpage, ctypes.c_void_p).value or 0, height, DESCENT_EM,
                                   _BLANK_CODES, Char, _NO_FONT, _FONTS, _font_for, _boxed, _turned,
                                   ctypes.addressof(_NAME), ctypes.addressof(_matrix_out()), *calls.bulk_functions,
                                   *calls.font_functions)
        return chars, set(fonts)
    return _chars_of_rows(textpage, height, text_units)


def _chars_of_rows(textpage, height: float, text_units: str) -> tuple[list[Char], set[int]]:  # noqa: ANN001
    """``_pdfium_chars`` in Python, from PDFium's rows (``_rows``)."""
    rows, object_of = _rows(textpage, text_units)
    units = ""  # the codes as a string, made for the rare surrogate
    fonts: dict[int, _Font] = {}  # per text object
    chars: list[Char] = []
    append, new, descent = chars.append, tuple.__new__, DESCENT_EM
    font = _NO_FONT
    # the character read last, written out once the next one tells where it ends
    text: str | None = None
    origin = left = right = top = bottom = baseline = 0.0
    address = -1
    for k, (code, generated, ox, oy, box_left, box_right, box_top, box_bottom) in enumerate(rows):
        if code >= 0xD800:
            units = units or "".join(chr(row[0]) for row in rows)
            if (code := _code_point(units, k, code)) == _PAIR_END:
                continue  # the second half of a surrogate pair, read with the first
        if code in _BLANKS:
            if generated:
                continue  # PDFium's guess at a gap, or a line break: the geometry tells the same
            if text is not None and text != " ":
                append(_boxed(text, origin, left, right, top, bottom, baseline, font, height, ox, oy))
            if font.upright:  # a printed space, where it is printed
                low = height - oy + descent * font.size
                append(new(Char, (" ", ox, ox, low - font.size, low, font.name, font.size)))
            else:
                append(_turned(" ", ox, oy, (box_left, box_right, box_top, box_bottom), None, None, font, height))
            text, right = " ", ox
            continue
        if box_left == left and box_right == right and oy == baseline and box_right > box_left \
                and text is not None and text != " " and object_of(k) == object_of(k - 1):
            text += chr(code)  # another letter of the same glyph
            continue
        if text is not None and text != " ":
            if font.upright:  # _boxed, inline: this runs for every character
                if oy == baseline and origin < ox < right:
                    right = ox
                low = height - baseline + descent * font.size
                append(new(Char, (text, origin, right, low - font.size, low, font.name, font.size)))
            else:
                append(_boxed(text, origin, left, right, top, bottom, baseline, font, height, ox, oy))
        if oy != baseline or abs(ox - right) > 0.05:  # not continuing the run: maybe a new object
            address = object_of(k)
            font = fonts.get(address) or fonts.setdefault(address, _font_of(textpage, k, address))
        text = "-" if code == _HYPHEN_MARK else chr(code) if code < 0xFFFE or code > 0xFFFF else LOST_GLYPH
        origin, left, right, top, bottom, baseline = ox, box_left, box_right, box_top, box_bottom, oy
    if text is not None and text != " ":
        append(_boxed(text, origin, left, right, top, bottom, baseline, font, height, None, None))
    return chars, set(fonts)


_NO_FONT = _Font("", 0.0, True)  # before any character
_BLANK_CODES = tuple(sorted(_BLANKS))

Row = tuple[int, int, float, float, float, float, float, float]
"""What PDFium says of a character: code (a UTF-16 code unit), whether PDFium generated it (a gap
it guessed, a line break; told only of blanks), origin x and y, loose box left, right, top, bottom."""


def _rows(textpage, text_units: str = "") -> tuple[list[Row], Callable[[int], int]]:  # noqa: ANN001
    """A row for every character of the text page, and the address of a character's text object
    (0 for none): from ``_pdfium_bulk`` (the same calls made in C) where it is built, else through
    ctypes, one call per character and property, the text object only where it is asked.

    Through ctypes the codes come from ``text_units``, the page text read once, where its length
    matches the count of characters. It writes U+FFFE for a hyphen mark and for a NUL, so those
    are asked of PDFium one by one.
    """
    import pypdfium2.raw as raw

    calls = _hot_calls()
    address = ctypes.cast(textpage, ctypes.c_void_p).value or 0
    if calls.bulk is not None:
        in_c, objects = calls.bulk(address, *calls.bulk_functions)
        return in_c, objects.__getitem__
    handle = ctypes.c_void_p(address)
    box, x, y = raw.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    box_out, x_out, y_out = ctypes.byref(box), ctypes.byref(x), ctypes.byref(y)
    get_box, get_origin, get_object, is_generated = calls.loose_box, calls.origin, calls.text_object, calls.generated
    get_unicode = calls.unicode
    count = raw.FPDFText_CountChars(textpage)
    codes = [ord(unit) for unit in text_units] if len(text_units) == count else \
        [get_unicode(handle, k) for k in range(count)]
    rows: list[Row] = []
    append, blanks = rows.append, _BLANKS
    for k, code in enumerate(codes):
        get_box(handle, k, box_out)
        get_origin(handle, k, x_out, y_out)
        if code == 0xFFFE:
            code = get_unicode(handle, k)
        append((code, is_generated(handle, k) if code in blanks else 0, x.value, y.value, box.left, box.right,
                box.top, box.bottom))
    return rows, lambda k: get_object(handle, k) or 0


_PAIR_END = -1


def _code_point(units: str, index: int, code: int) -> int:
    """The character at ``index`` from a code unit at or above U+D800: a surrogate pair joined
    (``_PAIR_END`` for its second half), U+FFFD for a surrogate without its other half."""
    if code > 0xDFFF:
        return code
    if code < 0xDC00:  # a first half
        if index + 1 < len(units) and 0xDC00 <= (low := ord(units[index + 1])) <= 0xDFFF:
            return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        return ord(LOST_GLYPH)
    if index > 0 and 0xD800 <= ord(units[index - 1]) < 0xDC00:
        return _PAIR_END
    return ord(LOST_GLYPH)


def _boxed(text: str, origin: float, left: float, right: float, top: float, bottom: float, baseline: float,
           font: _Font, height: float, next_x: float | None, next_y: float | None) -> Char:
    """A character in pdfminer's box (see ``_pdfium_chars``), given where the next one starts."""
    if not font.upright:
        return _turned(text, origin, baseline, (left, right, top, bottom), next_x, next_y, font, height)
    if next_y == baseline and next_x is not None and origin < next_x < right:
        right = next_x
    low = height - baseline + DESCENT_EM * font.size
    return Char(text, origin, right, low - font.size, low, font.name, font.size)


def _turned(text: str, x: float, y: float, loose: tuple[float, float, float, float], next_x: float | None,
            next_y: float | None, font: _Font, height: float) -> Char:
    """A character of rotated text, boxed as pdfminer boxes it: its text-space box (advance width by
    descent to descent + font size) turned into page space, and as its size the box's height."""
    a, b, c, d = font.matrix
    scale = a * a + b * b or 1.0
    advance = 0.0
    if next_x is not None and next_y is not None:
        advance = ((next_x - x) * a + (next_y - y) * b) / scale
    if not 0 < advance < 2 * font.font_size:  # the last of its run: the loose box along the text
        left, right, top, bottom = loose
        advance = abs((right - left) * a + (top - bottom) * b) / scale
    low, high = font.descent_em * font.font_size, (font.descent_em + 1) * font.font_size
    xs = [x + a * u + c * v for u in (0.0, advance) for v in (low, high)]
    ys = [y + b * u + d * v for u in (0.0, advance) for v in (low, high)]
    top, bottom = height - max(ys), height - min(ys)
    return Char(text, min(xs), max(xs), top, bottom, font.name, bottom - top)


@dataclass(frozen=True, slots=True)
class _HotCalls:
    """The functions called for every character, page object or path segment, without ctypes'
    argument checks.

    Called through their ``argtypes``, each converts its arguments anew (half its cost); these
    prototypes of the same functions take the arguments already in C form (a ``c_void_p`` handle,
    ``byref`` outputs) and give a text object as its address.
    """

    loose_box: Any
    origin: Any
    text_object: Any
    generated: Any
    font_info: Any
    matrix: Any
    font_size: Any
    unicode: Any
    page_object: Any
    object_type: Any
    path_segment: Any
    segment_type: Any
    segment_point: Any
    bulk: Any = None  # _pdfium_bulk.rows, where it is built
    chars: Any = None  # _pdfium_bulk.chars, where it is built
    bulk_functions: tuple[int, ...] = ()  # the addresses of the PDFium functions it calls
    font_functions: tuple[int, ...] = ()  # and of those _pdfium_bulk.chars calls for fonts


@lru_cache(maxsize=1)
def _hot_calls() -> _HotCalls:
    import pypdfium2.raw as raw

    bulk = in_c = None
    try:
        from . import _pdfium_bulk
    except ImportError:  # not built (no C compiler at install): the same calls, through ctypes
        pass
    else:
        bulk, in_c = _pdfium_bulk.rows, getattr(_pdfium_bulk, "chars", None)  # None: built by an older version
    functions = (raw.FPDFText_CountChars, raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated,
                 raw.FPDFText_GetCharOrigin, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetTextObject)

    def bare(function: Any, restype: Any) -> Any:
        prototype = type(function)(ctypes.cast(function, ctypes.c_void_p).value)  # same library, same convention
        prototype.restype, prototype.argtypes = restype, None
        return prototype

    return _HotCalls(bare(raw.FPDFText_GetLooseCharBox, ctypes.c_int), bare(raw.FPDFText_GetCharOrigin, ctypes.c_int),
                     bare(raw.FPDFText_GetTextObject, ctypes.c_void_p), bare(raw.FPDFText_IsGenerated, ctypes.c_int),
                     bare(raw.FPDFText_GetFontInfo, ctypes.c_ulong), bare(raw.FPDFText_GetMatrix, ctypes.c_int),
                     bare(raw.FPDFText_GetFontSize, ctypes.c_double), bare(raw.FPDFText_GetUnicode, ctypes.c_uint),
                     bare(raw.FPDFPage_GetObject, ctypes.c_void_p), bare(raw.FPDFPageObj_GetType, ctypes.c_int),
                     bare(raw.FPDFPath_GetPathSegment, ctypes.c_void_p), bare(raw.FPDFPathSegment_GetType, ctypes.c_int),
                     bare(raw.FPDFPathSegment_GetPoint, ctypes.c_int), bulk, in_c,
                     tuple(ctypes.cast(function, ctypes.c_void_p).value or 0 for function in functions),
                     tuple(ctypes.cast(function, ctypes.c_void_p).value or 0
                           for function in (raw.FPDFText_GetFontInfo, raw.FPDFText_GetMatrix, raw.FPDFText_GetFontSize)))


_NAME = ctypes.create_string_buffer(256)
_MATRIX_OUT: Any = None  # an FS_MATRIX, made once pypdfium2 is loaded
_FONTS: dict[tuple[bytes, float, tuple[float, float, float, float]], _Font] = {}


def _matrix_out() -> Any:
    """The FS_MATRIX PDFium writes a character's matrix to (made once pypdfium2 is loaded)."""
    import pypdfium2.raw as raw

    global _MATRIX_OUT
    if _MATRIX_OUT is None:
        _MATRIX_OUT = raw.FS_MATRIX()
    return _MATRIX_OUT


def _font_of(textpage: ctypes.c_void_p, index: int, text_object: int) -> _Font:
    """The font of a text object: name, size and matrix asked of PDFium (three calls), the rest
    computed once per distinct font, size and matrix (``_font_for``)."""
    m, calls = _matrix_out(), _hot_calls()
    length = calls.font_info(textpage, index, _NAME, 256, None)
    calls.matrix(textpage, index, ctypes.byref(m))
    key = (_NAME.raw[:max(0, length - 1)], calls.font_size(textpage, index), (m.a, m.b, m.c, m.d))
    return _FONTS.get(key) or _font_for(key, text_object)


def _font_for(key: tuple[bytes, float, tuple[float, float, float, float]], text_object: int) -> _Font:
    """The font of a name, size and matrix not met before (``_FONTS`` keeps it)."""
    import pypdfium2.raw as raw

    if len(_FONTS) > 4096:  # rotated text makes a matrix per angle: keep the cache small
        _FONTS.clear()
    name, font_size, matrix = key
    straight = upright(matrix)
    descent = ctypes.c_float(0.0)
    if text_object and not straight:
        handle = ctypes.cast(text_object, raw.FPDF_PAGEOBJECT)
        raw.FPDFFont_GetDescent(raw.FPDFTextObj_GetFont(handle), ctypes.c_float(1.0), descent)
    font = _FONTS[key] = _Font(font_name(name.decode("utf-8", "replace")), font_size * (matrix[3] if straight else 1.0),
                               straight, matrix, font_size, descent.value)
    return font


def _pdfium_shapes(page, height: float, textpage, read_objects: set[int],  # noqa: ANN001 (pypdfium2 handles)
                   spaces: list[Char]) -> tuple[list[Rect], bool, int]:
    """Rectangles and straight ruling lines from the page's paths (as pdfplumber reads them: curves,
    such as glyphs drawn as outlines, are left out); whether the page holds images; how many text
    objects with a visible width gave no character to the text page (``read_objects`` are those
    known to have given some; the others are asked). Text objects without ink that PDFium skipped
    are added to ``spaces`` as the word breaks they are."""
    import pypdfium2.raw as raw

    rects: list[Rect] = []
    has_images = has_forms = False
    dropped = 0
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))

    def add(handle) -> None:  # noqa: ANN001
        nonlocal has_images, dropped
        kind = raw.FPDFPageObj_GetType(handle)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            if ctypes.addressof(handle.contents) not in read_objects \
                    and raw.FPDFPageObj_GetBounds(handle, left, bottom, right, top):
                if right.value - left.value > 0.5:
                    dropped += raw.FPDFTextObj_GetText(handle, textpage, None, 0) <= 2  # no text: 1 NUL (2 bytes)
                else:  # no ink: spaces drawn on their own, which PDFium leaves out
                    spaces.append(_space_at(handle, height))
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            has_images = True
        elif kind == raw.FPDF_PAGEOBJ_PATH and (points := _path_points(handle)) is not None:
            raw.FPDFPath_GetDrawMode(handle, fill, stroke)
            rects.extend(_path_rects(points, height, bool(fill.value), bool(stroke.value)))

    calls = _hot_calls()
    page_handle = ctypes.c_void_p(ctypes.cast(page.raw, ctypes.c_void_p).value)
    for k in range(raw.FPDFPage_CountObjects(page.raw)):  # bare calls: text objects are many
        address = calls.page_object(page_handle, k)
        kind = calls.object_type(ctypes.c_void_p(address))
        if kind == raw.FPDF_PAGEOBJ_TEXT and address in read_objects:
            continue  # the common case: a text object whose characters were read
        has_forms |= kind == raw.FPDF_PAGEOBJ_FORM
        add(ctypes.cast(address, raw.FPDF_PAGEOBJECT))
    if has_forms:  # objects nested in form XObjects
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_TEXT)):
            if obj.level > 0:
                add(obj.raw)
    return rects, has_images, dropped


def _space_at(handle, height: float) -> Char:  # noqa: ANN001
    """A space where a text object without ink starts, on its baseline."""
    import pypdfium2.raw as raw

    matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(handle, matrix)
    size = ctypes.c_float(0.0)
    raw.FPDFTextObj_GetFontSize(handle, size)
    points = size.value * abs(matrix.d) if abs(matrix.d) > 1e-6 else size.value
    low = height - matrix.f + DESCENT_EM * points
    return Char(" ", matrix.e, matrix.e, low - points, low, "", points)


def _path_points(handle) -> list[tuple[int, float, float]] | None:  # noqa: ANN001
    """(segment type, x, y) in page space, or None for a path with curves."""
    import pypdfium2.raw as raw

    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(handle, m)
    x, y = ctypes.c_float(), ctypes.c_float()
    x_out, y_out = ctypes.byref(x), ctypes.byref(y)
    calls = _hot_calls()
    path = ctypes.c_void_p(ctypes.cast(handle, ctypes.c_void_p).value)
    points = []
    for k in range(raw.FPDFPath_CountSegments(handle)):
        segment = ctypes.c_void_p(calls.path_segment(path, k))
        kind = calls.segment_type(segment)
        if kind == raw.FPDF_SEGMENT_BEZIERTO:
            return None
        calls.segment_point(segment, x_out, y_out)
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


