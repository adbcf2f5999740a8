"""Damage the PDF readers survive without a word, found by reading the file's structure.

PDFium and pdfminer both repair what they can of a damaged PDF and say nothing: a content stream
whose compressed data breaks off is read up to the break, a font that is missing leaves its text
out, a cross-reference table that points at the wrong bytes is rebuilt by scanning the file. So
``find_damage`` reads, with pdfminer's object parser, what the text of each page depends on — the
catalog, the page tree, each page's content streams, its fonts (their widths, ToUnicode maps and
font programs) and its form XObjects — and checks

- that each object is there and of the right type (a page a dictionary, a content a stream …);
- that the cross-reference table points at the objects it names (else the readers rebuild it);
- that every compressed stream decodes to its end and matches its checksum (a flipped byte in
  Flate data almost never goes unnoticed: the Adler-32 of what it inflates to changes);
- that the fonts and forms the page content selects (``Tf``, ``Do``) are in the page's resources.

What it inflates is scanned and dropped, a chunk at a time: memory stays flat, and a stream
inflating to more than ``budget`` bytes (a decompression bomb, see ``limits.py``) raises
``TooLargeError`` before PDFium would try to hold it. Image data is not decoded (it holds no
text). Each object is checked once, however many pages use it.
"""

from __future__ import annotations

import base64
import os
import re
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from .backends import Problem
from .errors import TooLargeError

_HEADER = re.compile(rb"\s*(\d+)\s+\d+\s+obj\b")
_HEADER_WINDOW = 1024  # bytes read at an object's offset to find its header
_INFLATE_CHUNK = 1 << 14  # compressed bytes inflated at a time: at most ~16 MiB out
_MAX_DEPTH = 64           # page-tree and form nesting followed
_NAME = rb"/([^\s/\[\]()<>{}%]+)"
_USES = re.compile(_NAME + rb"\s+[-+.\d]+\s+Tf\b|" + _NAME + rb"\s*Do\b")  # a font set, a form or image drawn
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def find_damage(path: Path, password: str = "", budget: int | None = None) -> list[Problem]:
    """What is broken in ``path`` that the text of its pages depends on (empty for a sound file).
    Raises TooLargeError for a stream that inflates to more than ``budget`` bytes."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    with path.open("rb") as handle:
        try:
            document = PDFDocument(PDFParser(handle), password=password, caching=False)  # memory flat: an object asked again is parsed again
        except (PDFEncryptionError, PDFPasswordIncorrect):
            return []  # an encryption pdfminer does not handle: nothing to say about the structure
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 (pdfminer signals damage with many exception types)
            return [Problem(f"the file's structure cannot be read ({_reason(exc)})")]
        problems = _xref_damage(document, handle)
        walk = _Walk(document, budget)
        try:
            walk.page_tree()
        except _StreamTooLarge as big:
            raise _too_large(path, big.what, budget or 0) from None
        return problems + walk.problems


def _too_large(path: Path, what: str, budget: int) -> TooLargeError:
    from .limits import described, memory_ceiling

    ceiling = memory_ceiling()
    under = f" under a memory limit of {described(ceiling)}" if ceiling is not None else ""
    return TooLargeError(f"{path}: too large to read: {what} inflates to more than {described(budget)}{under} "
                         "(--max-memory)")


def _xref_damage(document: Any, handle: BinaryIO) -> list[Problem]:
    """A cross-reference table rebuilt by scanning, or entries that point at another object."""
    from pdfminer.pdfdocument import PDFXRefFallback

    if any(isinstance(xref, PDFXRefFallback) for xref in document.xrefs):
        return [Problem("the cross-reference table is broken: the readers rebuild it by scanning the file, "
                        "objects may be lost or wrong")]
    size = os.fstat(handle.fileno()).st_size
    wrong = sorted({number for xref in document.xrefs for number in xref.get_objids()
                    if not _points_at(handle, size, xref.get_pos(number), number)})
    if not wrong:
        return []
    listed = ", ".join(map(str, wrong[:5])) + (" …" if len(wrong) > 5 else "")
    return [Problem(f"the cross-reference table points {len(wrong)} object(s) at the wrong place "
                    f"({listed}): the readers repair it, objects may be lost or wrong")]


def _points_at(handle: BinaryIO, size: int, position: tuple[int | None, int, int], number: int) -> bool:
    """Whether the object's header is where the table says. Read a little at a time (a mapped file
    would count whole in the process's memory once every object was looked at)."""
    stream, offset, _ = position
    if stream is not None or number == 0:
        return True  # in an object stream: checked when that stream is read
    found = _HEADER.match(os.pread(handle.fileno(), _HEADER_WINDOW, offset)) if 0 <= offset < size else None
    return found is not None and int(found.group(1)) == number


class _StreamTooLarge(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class _Uses:
    """The fonts and XObjects a content stream names, gathered from its data chunk by chunk."""

    def __init__(self) -> None:
        self.found: set[tuple[bytes, bytes]] = set()  # (font, '') or ('', XObject), as written
        self.tail = b""  # the end of the last chunk, for a name cut between two

    def __call__(self, chunk: bytes) -> None:
        self.found.update(_USES.findall(self.tail + chunk))
        self.tail = chunk[-64:]

    @property
    def fonts(self) -> set[str]:
        return {_name(font) for font, _ in self.found if font}

    @property
    def xobjects(self) -> set[str]:
        return {_name(xobject) for _, xobject in self.found if xobject}


class _Walk:
    """The objects the pages' text depends on, each read and checked once."""

    def __init__(self, document: Any, budget: int | None) -> None:
        self.document, self.budget = document, budget
        self.problems: list[Problem] = []
        self.seen: set[int] = set()     # dictionaries walked
        self.checked: set[int] = set()  # streams whose data was checked
        self.pages = 0

    def report(self, message: str, page: int | None) -> None:
        self.problems.append(Problem(message if page is None else f"page {page}: {message}", page))

    # -- objects -------------------------------------------------------------------------------

    def load(self, value: Any, what: str, page: int | None) -> Any:
        """``value``, its reference followed; a missing or unreadable object is reported (None)."""
        from pdfminer.pdftypes import PDFObjRef

        if not isinstance(value, PDFObjRef):
            return value
        try:
            found = self.document.getobj(value.objid)
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001
            if type(exc).__name__ == "PDFObjectNotFound":
                self.report(f"{what} (object {value.objid}) is missing", page)
            else:
                self.report(f"{what} (object {value.objid}) cannot be read ({_reason(exc)})", page)
            return None
        if found is None:
            self.report(f"{what} (object {value.objid}) is missing", page)
        return found

    def first_visit(self, value: Any) -> bool:
        """False for a reference already walked (shared fonts, resources)."""
        from pdfminer.pdftypes import PDFObjRef

        if not isinstance(value, PDFObjRef):
            return True
        if value.objid in self.seen:
            return False
        self.seen.add(value.objid)
        return True

    def typed(self, value: Any, kind: type, expected: str, what: str, page: int | None) -> Any:
        """The object ``value`` refers to if it is a ``kind``; anything else is reported (None)."""
        found = self.load(value, what, page)
        if found is None or isinstance(found, kind):
            return found
        self.report(f"{what}{_number(value)} is {_kind(found)}, not {expected}", page)
        return None

    def dictionary(self, value: Any, what: str, page: int | None) -> dict | None:
        return self.typed(value, dict, "a dictionary", what, page)

    def stream(self, value: Any, what: str, page: int | None) -> Any:
        from pdfminer.pdftypes import PDFStream

        return self.typed(value, PDFStream, "a stream", what, page)

    def data(self, value: Any, what: str, page: int | None, scan: Callable[[bytes], None] | None = None) -> None:
        """A stream whose data must decode to its end (checked once), what it decodes to given to ``scan``."""
        objid = getattr(value, "objid", None)
        if objid in self.checked:
            return
        if objid is not None:
            self.checked.add(objid)
        stream = self.stream(value, what, page)
        if stream is None:
            return
        try:
            problem = stream_problem(stream, self.budget, scan)
        except _StreamTooLarge:
            raise _StreamTooLarge(f"{what}{_number(value)}" + (f" of page {page}" if page else "")) from None
        if problem is not None:
            self.report(f"{what}{_number(value)} is damaged ({problem}): text may be missing or wrong", page)

    def entries(self, value: Any, what: str, page: int) -> Iterator[tuple[str, Any]]:
        """The entries of a dictionary (once per dictionary)."""
        if value is None or not self.first_visit(value):
            return
        yield from (self.dictionary(value, what, page) or {}).items()

    def keys(self, resources: Any, kind: str) -> set[str]:
        """The names of a resources dictionary's fonts or XObjects (its damage already reported)."""
        found = self.quiet(resources)
        table = self.quiet(found.get(kind)) if isinstance(found, dict) else None
        return set(table) if isinstance(table, dict) else set()

    def quiet(self, value: Any) -> Any:
        """``value``, its reference followed, None for what cannot be read (and nothing reported)."""
        from pdfminer.pdftypes import PDFObjRef

        try:
            return self.document.getobj(value.objid) if isinstance(value, PDFObjRef) else value
        except (MemoryError, RecursionError):
            raise
        except Exception:  # noqa: BLE001
            return None

    # -- the page tree -------------------------------------------------------------------------

    def page_tree(self) -> None:
        """The document information, the catalog, and the page tree from it, page by page."""
        trailer = next((x.get_trailer() for x in self.document.xrefs if "Root" in (x.get_trailer() or {})), {})
        if "Info" in trailer:
            self.dictionary(trailer["Info"], "the document information", None)
        catalog = self.dictionary(trailer.get("Root"), "the document catalog", None)
        if catalog is None:
            return
        if "Pages" not in catalog:
            self.report("the document catalog has no page tree: the pages are found by scanning the file", None)
            return
        root = self.dictionary(catalog["Pages"], "the page tree", None)
        if root is None:
            return
        self.first_visit(catalog["Pages"])
        self.branch(root, _number(catalog["Pages"]), {}, 0)
        said = self.load(root.get("Count"), "the page count", None)
        if isinstance(said, int) and said != self.pages:
            self.report(f"the page tree holds {self.pages} page(s) but says {said}: pages are lost", None)

    def branch(self, node: dict, number: str, inherited: dict, depth: int) -> None:
        from pdfminer.psparser import LIT

        kind = self.load(node.get("Type"), "the page tree's type", None)
        if kind is not LIT("Pages"):
            self.report(f"the page tree node{number} is not marked as one (its /Type is {_kind(kind)})",
                        self.pages + 1)
        inherited = {**inherited, **{k: node[k] for k in ("Resources", "MediaBox") if k in node}}
        kids = self.load(node.get("Kids"), "the list of pages", self.pages + 1)
        if not isinstance(kids, list) or depth > _MAX_DEPTH:
            return
        for kid in kids:
            if not self.first_visit(kid):
                continue  # a loop in the page tree
            child = self.dictionary(kid, "the page object", self.pages + 1)
            if child is None:
                self.pages += 1  # most likely a page: the next ones keep their numbers
            elif "Kids" in child:
                self.branch(child, _number(kid), inherited, depth + 1)
            else:
                self.pages += 1
                self.page(child, {**inherited, **child}, _number(kid))

    def page(self, page: dict, attributes: dict, number: str) -> None:
        from pdfminer.psparser import LIT

        at = self.pages
        kind = self.load(page.get("Type"), "the page type", at)
        if kind is not LIT("Page"):
            self.report(f"the page object{number} is not marked as a page (its /Type is {_kind(kind)})", at)
        box = self.load(attributes.get("MediaBox"), "the page size", at)
        if "MediaBox" in attributes and not _numbers(box, 4):
            self.report("the page size (/MediaBox) is not four numbers", at)
        uses = _Uses()
        self.contents(page.get("Contents"), at, uses)
        resources = attributes.get("Resources")
        self.resources(resources, at, 0)
        self.uses_exist(uses, resources, "page", at)

    def contents(self, value: Any, page: int, uses: _Uses) -> None:
        found = self.load(value, "the content stream", page)
        if isinstance(found, list):
            for part in found:
                self.data(part, "a content stream", page, uses)
        elif found is not None:
            self.data(value, "the content stream", page, uses)

    def uses_exist(self, uses: _Uses, resources: Any, where: str, page: int) -> None:
        """Fonts and XObjects the content names that its resources lack: their text is not drawn."""
        for kind, names, what in (("Font", uses.fonts, "font"), ("XObject", uses.xobjects, "image or form")):
            if missing := sorted(names - self.keys(resources, kind)):
                self.report(f"the {where} draws with {what} {', '.join(missing)}, missing from its resources: "
                            "that text is lost", page)

    # -- resources -----------------------------------------------------------------------------

    def resources(self, value: Any, page: int, depth: int) -> None:
        if value is None or not self.first_visit(value) or depth > _MAX_DEPTH:
            return
        resources = self.dictionary(value, "the resources", page)
        if resources is None:
            return
        for name, font in self.entries(resources.get("Font"), "the fonts", page):
            self.font(font, f"font {name}", page)
        for name, xobject in self.entries(resources.get("XObject"), "the images and forms", page):
            self.xobject(xobject, name, value, page, depth)

    def font(self, value: Any, what: str, page: int) -> None:
        if not self.first_visit(value):
            return
        font = self.dictionary(value, what, page)
        if font is None:
            return
        for key in ("Widths", "W"):
            if key in font and not _numbers(self.load(font[key], f"the widths of {what}", page)):
                self.report(f"the widths of {what} (/{key}) hold something other than numbers: "
                            "its letters are placed wrong", page)
        if "ToUnicode" in font:
            self.unicode_map(font["ToUnicode"], what, page)
        for descendant in self.list_of(font.get("DescendantFonts"), what, page):
            self.font(descendant, what, page)
        if "FontDescriptor" in font and self.first_visit(font["FontDescriptor"]):
            descriptor = self.dictionary(font["FontDescriptor"], f"the descriptor of {what}", page) or {}
            for key in ("FontFile", "FontFile2", "FontFile3"):
                if key in descriptor:
                    self.data(descriptor[key], f"the program of {what}", page)
        for name, glyph in self.entries(font.get("CharProcs"), f"the glyphs of {what}", page):
            self.data(glyph, f"glyph {name} of {what}", page)

    def unicode_map(self, value: Any, what: str, page: int) -> None:
        from pdfminer.psparser import PSLiteral

        found = self.load(value, f"the ToUnicode map of {what}", page)
        if found is not None and not isinstance(found, PSLiteral):  # /Identity-H and the like: a name
            self.data(value, f"the ToUnicode map of {what}", page)

    def list_of(self, value: Any, what: str, page: int) -> list:
        found = self.load(value, what, page) if value is not None else None
        return found if isinstance(found, list) else []

    def xobject(self, value: Any, name: str, outer: Any, page: int, depth: int) -> None:
        """A form's content is checked like a page's (an image's data is not decoded)."""
        from pdfminer.psparser import LIT

        if not self.first_visit(value):
            return
        xobject = self.stream(value, f"image or form {name}", page)
        if xobject is None or xobject.get("Subtype") is not LIT("Form"):
            return
        uses = _Uses()
        self.data(value, f"form {name}", page, uses)
        resources = xobject.get("Resources", outer)
        self.resources(resources, page, depth + 1)
        self.uses_exist(uses, resources, f"form {name}", page)


# -- stream data -----------------------------------------------------------------------------

def stream_problem(stream: Any, budget: int | None = None, scan: Callable[[bytes], None] | None = None) -> str | None:
    """What is wrong with a stream's encoded data, or None (also for filters that are not checked);
    what it decodes to is given to ``scan`` a chunk at a time."""
    from pdfminer.ascii85 import asciihexdecode
    from pdfminer.pdftypes import LITERALS_ASCII85_DECODE, LITERALS_ASCIIHEX_DECODE, LITERALS_FLATE_DECODE

    try:
        data = stream.get_rawdata()
        if data is None:
            return None
        if stream.decipher:
            data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
        filters = [name for name, _ in stream.get_filters()]
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001
        return _reason(exc)
    for index, name in enumerate(filters):
        try:
            if name in LITERALS_FLATE_DECODE:
                return inflate_problem(data, budget, scan) if index == len(filters) - 1 else None
            if name in LITERALS_ASCII85_DECODE:
                data = ascii85(data)
            elif name in LITERALS_ASCIIHEX_DECODE:
                data = asciihexdecode(data)
            else:
                return None  # images, LZW, run-length: not checked
        except ValueError as exc:  # binascii.Error is a ValueError
            return f"{_filter_name(name)} data: {_reason(exc)}"
    if scan is not None:
        scan(data)
    return None


_A85_ENDS = re.compile(rb"^\s*<?~|~>?\s*$")
_A85_BLANKS = b" \t\r\n\x0c\x00"
_A85_DIGITS = bytes(range(33, 118))
_A85_NUMPY_FROM = 1 << 18
"""Digits from which numpy decodes faster than the standard library, counting its import: counted
over the whole process, since a plan's content streams are many and each small."""
_a85_digits_decoded = 0


def ascii85(data: bytes) -> bytes:
    """ASCII85 decoded: the digits '!' to 'u' in groups of five, 'z' for four zero bytes, '~>' at the
    end. In C (``_ascii85.c``) where it is built; else with numpy once the process has decoded
    enough (``base64.a85decode`` is a Python loop, the slowest part of the check)."""
    global _a85_digits_decoded
    digits = _A85_ENDS.sub(b"", data).translate(None, _A85_BLANKS).replace(b"z", b"!!!!!")
    if bad := digits.translate(None, _A85_DIGITS):
        raise ValueError(f"Non-Ascii85 digit found: {chr(bad[0])!r}")
    if (compiled := _compiled_ascii85()) is not None:
        return compiled(digits)
    _a85_digits_decoded += len(digits)
    if _a85_digits_decoded < _A85_NUMPY_FROM:
        return base64.a85decode(digits)
    import numpy as np

    tail = -len(digits) % 5
    values = np.frombuffer(digits + b"u" * tail, dtype=np.uint8).astype(np.int64) - 33
    words = values.reshape(-1, 5) @ np.array([85 ** 4, 85 ** 3, 85 ** 2, 85, 1], dtype=np.int64)
    if words.size and words.max() > 0xFFFFFFFF:
        raise ValueError("Ascii85 overflow")
    decoded = words.astype(">u4").tobytes()
    return decoded[:len(decoded) - tail] if tail else decoded


@lru_cache(maxsize=1)
def _compiled_ascii85() -> Callable[[bytes], bytes] | None:
    try:
        from ._ascii85 import decode
    except ImportError:  # not built (no C compiler at install): decoded in Python
        return None
    return decode


def inflate_problem(data: bytes, budget: int | None = None, scan: Callable[[bytes], None] | None = None) -> str | None:
    """What is wrong with zlib data (RFC 1950): no header, a break, an early end or a checksum that
    does not match what it inflates to. Inflated a little at a time, given to ``scan`` and dropped;
    more than ``budget`` bytes raise _StreamTooLarge."""
    if not data.strip():
        return None
    if len(data) < 2 or data[0] & 0x0F != 8 or ((data[0] << 8) | data[1]) % 31:
        return "Flate data: no zlib header"
    inflater, view = zlib.decompressobj(-zlib.MAX_WBITS), memoryview(data)[2:]
    checksum, size = 1, 0
    try:
        for start in range(0, len(view), _INFLATE_CHUNK):
            out = inflater.decompress(view[start:start + _INFLATE_CHUNK])
            checksum, size = zlib.adler32(out, checksum), size + len(out)
            if budget is not None and size > budget:
                raise _StreamTooLarge("a stream")
            if scan is not None and out:
                scan(out)
            if inflater.eof:
                end = min(start + _INFLATE_CHUNK, len(view)) - len(inflater.unused_data)
                return _checksum_problem(bytes(view[end:end + 4]), checksum)
    except zlib.error as exc:
        return f"Flate data: {_reason(exc)}"
    return "Flate data: cut short"


def _checksum_problem(stored: bytes, computed: int) -> str | None:
    """A stored checksum that differs; none stored (some producers leave it out, or a line end
    follows the data at once) is not a problem."""
    if len(stored) < 4 or stored[:1] in (b"\r", b"\n", b" ") or int.from_bytes(stored, "big") == computed:
        return None
    return "Flate data: checksum mismatch, the data is garbled"


# -- values and messages ---------------------------------------------------------------------

def _numbers(value: Any, count: int | None = None) -> bool:
    """An array of numbers (nested arrays allowed, as in a CID font's /W), of ``count`` if given."""
    if not isinstance(value, list) or count is not None and len(value) != count:
        return False
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) or isinstance(v, list) and _numbers(v)
               for v in value)


def _name(raw: bytes) -> str:
    """A name as pdfminer keys it: #xx escapes decoded, then UTF-8 (else as bytes shown)."""
    decoded = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError:
        return str(decoded)


def _number(value: Any) -> str:
    objid = getattr(value, "objid", None)
    return f" (object {objid})" if objid is not None else ""


def _kind(value: Any) -> str:
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import PSLiteral

    if isinstance(value, PSLiteral):
        return f"the name /{value.name}"
    if isinstance(value, PDFStream):
        return "a stream"
    kinds = {dict: "a dictionary", list: "an array", type(None): "null", int: "a number", float: "a number",
             bytes: "a string", bool: "a boolean"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def _filter_name(name: Any) -> str:
    return str(getattr(name, "name", name)).replace("Decode", "")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:100]
