"""PDF readers: each yields the characters and rectangles of one page at a time.

A backend is a function ``(path, password, metadata) -> Iterator[RawPage]`` that fills
``metadata`` with the document information dictionary. Exceptions are left to ``parse.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .layout import Char, Rect


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
                     bottom=float(c["bottom"]), fontname=str(c.get("fontname", "")),
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


BACKENDS: dict[str, Callable[[Path, str, dict[str, str]], Iterator[RawPage]]] = {
    "pdfplumber": read_with_pdfplumber,
}
