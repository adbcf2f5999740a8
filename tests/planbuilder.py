"""Render plan content in many layouts, with the text-layer damage real PDFs show.

The content is a plan extraction (the samples' ``*.expected.json``): the builder draws it as a PAP
or a DUP with reportlab, in the layout a :class:`Layout` describes — page orientation, font,
indicator-table column order and widths, drawn or undrawn cells, value alignment inside wrapped
rows, repeated or missing headers on continued tables, running headers and footers, justified
text — and damages the text layer the way fonts with unmapped ligature glyphs do:

``space``   the glyph became a space character, the following letters keep their place;
``gap``     the glyph became nothing: a visible gap between characters;
``cid``     the glyph has no Unicode mapping: pdfminer reads ``(cid:0)``;
``pua``     the glyph maps to a private-use code point (U+E000);
``unicode`` fi/fl are written as the Unicode ligature characters ﬁ ﬂ.

Run ``python tests/planbuilder.py DIR`` to write every variant of the test suite into DIR.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

FONTS = {
    "helvetica": ("Helvetica", "Helvetica-Bold"),
    "times": ("Times-Roman", "Times-Bold"),
    "vera": ("Vera", "VeraBd"),  # TrueType (shipped with reportlab): needed for cid/pua damage
}
INDICATOR_LABELS = {"code": "Codice", "description": "Codice e descrizione indicatore", "unit": "Unità di misura",
                    "target": "Obiettivo", "actual": "Consuntivo"}
OWNER_LABELS = {"mission_programme": "Missione/Programma", "political_owner": "Sindaco / Consigliere Metropolitano",
                "department": "CdR Responsabile"}
LIGATURE_LOSS = re.compile(r"tti|tt|ti")
UNICODE_LIGATURES = {"ffi": "\ufb03", "ffl": "\ufb04", "fi": "\ufb01", "fl": "\ufb02", "ff": "\ufb00"}
LOST_GLYPH = "\ue000"  # not in the font: drawn as .notdef, code 0 of the subset, patched afterwards

STRATEGIC_DIRECTIONS = [
    ("1", "SALUTE ORGANIZZATIVA", ["Aggiornare i Regolamenti dell'Ente con tempestività;",
                                    "Migliorare il clima e il benessere dei dipendenti, investendo sulla formazione e "
                                    "sulle competenze del personale, con particolare attenzione alla conciliazione;"]),
    ("2", "SALUTE DI GENERE", ["Promuovere misure che favoriscano le pari opportunità nel lavoro;"]),
]


@dataclass(frozen=True)
class Layout:
    name: str
    portrait: bool = False
    font: str = "helvetica"
    body_size: float = 9.0
    table_size: float = 8.0
    columns: tuple[str, ...] = ("description", "unit", "target", "actual")
    widths: tuple[float, ...] = (0.58, 0.11, 0.11, 0.20)
    grid: bool = True
    align: str = "middle"           # top | middle | bottom, for values in wrapped rows
    repeat_header: bool = True      # header drawn again on a continued table
    running_header: bool = True
    footer: str = "Pagina {page} di {pages}"
    justify: bool = False
    damage: str = "none"            # none | space | gap | cid | pua | unicode
    owner_columns: tuple[str, ...] = ("political_owner", "department")
    dup_owner_columns: tuple[str, ...] = ("mission_programme", "political_owner", "department")
    area_marker_first: bool = False  # 'AZIONE 3 - TITLE' instead of 'TITLE ... AZIONE 3'
    margin: float = 50.0
    extra_space: float = 0.0        # vertical space added before each objective (moves page breaks)
    split_rows: bool = False        # a wrapped row may break across two pages
    labels: tuple[tuple[str, str], ...] = ()  # other wordings of table header labels (key, label)
    preamble_pages: int = 0         # pages of narrative before the plan's first table

    @property
    def pagesize(self) -> tuple[float, float]:
        return A4 if self.portrait else landscape(A4)


def load_content(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))


def _register_fonts() -> None:
    import reportlab

    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
        pdfmetrics.registerFont(TTFont("Vera", os.path.join(folder, "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("VeraBd", os.path.join(folder, "VeraBd.ttf")))


# -- drawing text with damage --------------------------------------------------------------------

@dataclass
class _Pen:
    canvas: Canvas
    layout: Layout

    def width(self, text: str, font: str, size: float) -> float:
        return pdfmetrics.stringWidth(text, font, size)

    def word(self, x: float, y: float, word: str, font: str, size: float, damaged: bool) -> float:
        """Draw one word at x; returns its advance. Damage only touches lower-case body text."""
        c = self.canvas
        c.setFont(font, size)
        form = self.layout.damage if damaged else "none"
        if form == "unicode":
            pattern = re.compile("|".join(UNICODE_LIGATURES))
            for piece in re.split(f"({pattern.pattern})", word):
                if not piece:
                    continue
                if piece in UNICODE_LIGATURES and font.startswith("Vera"):
                    c.drawString(x, y, UNICODE_LIGATURES[piece])
                    x += self.width(UNICODE_LIGATURES[piece], font, size)
                else:
                    c.drawString(x, y, piece)
                    x += self.width(piece, font, size)
            return x
        if form in {"cid", "pua"}:  # the glyph is drawn (as .notdef) but has no usable text
            damaged_word = LIGATURE_LOSS.sub(LOST_GLYPH, word)
            c.drawString(x, y, damaged_word)
            return x + self.width(damaged_word, font, size)
        start = x
        cursor = 0
        for match in (LIGATURE_LOSS.finditer(word) if form != "none" else ()):
            before = word[cursor:match.start()]
            c.drawString(x, y, before)
            x += self.width(before, font, size)
            lost = self.width(match.group(), font, size)
            if form == "space":
                c.drawString(x, y, " ")
            x += lost
            cursor = match.end()
        rest = word[cursor:]
        c.drawString(x, y, rest)
        return start + (x - start) + self.width(rest, font, size)

    def line(self, x: float, y: float, text: str, font: str, size: float, width: float | None = None,
             damaged: bool = False) -> None:
        words = text.split(" ")
        space = self.width(" ", font, size)
        if width is not None and len(words) > 1:
            natural = sum(self.width(w, font, size) for w in words) + space * (len(words) - 1)
            space += max(0.0, width - natural) / (len(words) - 1)
        for word in words:
            x = self.word(x, y, word, font, size, damaged) + space


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    return simpleSplit(text, font, size, width) or [""]


# -- page flow -----------------------------------------------------------------------------------

@dataclass
class _Flow:
    layout: Layout
    title: str
    entity: str
    path: Path
    pages: int = 0
    total: int = 0
    canvas: Canvas = field(init=False)
    y: float = 0.0

    def __post_init__(self) -> None:
        _register_fonts()
        self.canvas = Canvas(str(self.path), pagesize=self.layout.pagesize, pageCompression=0)
        self.canvas.setTitle(self.title)
        self.canvas.setAuthor(self.entity)
        self.pen = _Pen(self.canvas, self.layout)
        self.regular, self.bold = FONTS[self.layout.font]
        self.width_, self.height_ = self.layout.pagesize
        self.left = self.layout.margin
        self.right = self.width_ - self.layout.margin
        self._start_page()

    @property
    def content_width(self) -> float:
        return self.right - self.left

    def _start_page(self) -> None:
        self.pages += 1
        c = self.canvas
        top = self.height_ - self.layout.margin * 0.6
        if self.layout.running_header:
            c.setFont(self.regular, 8)
            c.drawString(self.left, top, self.title)
            c.drawRightString(self.right, top, self.entity)
            c.line(self.left, top - 4, self.right, top - 4)
        if self.layout.footer:
            c.setFont(self.regular, 8)
            c.drawCentredString(self.width_ / 2, self.layout.margin * 0.5,
                                self.layout.footer.format(page=self.pages, pages=self.total or "?"))
        self.y = self.height_ - self.layout.margin - 10

    def new_page(self) -> None:
        self.canvas.showPage()
        self._start_page()

    def ensure(self, height: float) -> bool:
        """Start a new page unless ``height`` fits; returns whether a page was started."""
        if self.y - height < self.layout.margin:
            self.new_page()
            return True
        return False

    def paragraph(self, text: str, size: float | None = None, bold: bool = False, damaged: bool = True,
                  indent: float = 0.0, after: float = 6.0) -> None:
        size = size or self.layout.body_size
        font = self.bold if bold else self.regular
        width = self.content_width - indent
        lines = _wrap(text, font, size, width)
        leading = size * 1.25
        for index, line in enumerate(lines):
            self.ensure(leading)
            justify = self.layout.justify and index < len(lines) - 1
            self.pen.line(self.left + indent, self.y - size, line, font, size,
                          width if justify else None, damaged=damaged and not bold)
            self.y -= leading
        self.y -= after

    def heading(self, text: str, size: float) -> None:
        lines = _wrap(text, self.bold, size, self.content_width * 0.75)
        self.ensure(size * 1.3 * len(lines) + 30)
        self.paragraph(text, size=size, bold=True, damaged=False, after=4)

    def band(self, left_text: str, right_text: str | None, size: float = 11.0) -> None:
        c = self.canvas
        text_width = self.content_width * 0.75
        lines = _wrap(left_text, self.bold, size, text_width)
        height = len(lines) * size * 1.25 + 12
        self.ensure(height + 40)
        c.setFillColorRGB(0.85, 0.9, 0.96)
        c.rect(self.left, self.y - height, self.content_width, height, fill=1, stroke=0)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(self.bold, size)
        for index, line in enumerate(lines):
            c.drawString(self.left + 8, self.y - 6 - size - index * size * 1.25, line)
        if right_text:
            c.drawRightString(self.right - 8, self.y - height / 2 - size / 3, right_text)
        self.y -= height + 8

    # -- tables ------------------------------------------------------------------------------

    def table(self, columns: list[tuple[str, float]], header: dict[str, str], rows: list[dict],
              aligns: dict[str, str]) -> None:
        """Draw a table: ``columns`` are (key, width); each row maps keys to text (or ``__span__``)."""
        size = self.layout.table_size
        leading = size * 1.2
        pad = 3.0

        def cell_lines(row: dict) -> dict[str, list[str]]:
            out = {}
            for key, width in columns:
                if key in row.get("__span__", {}):
                    width = row["__span__"][key]
                text = row.get(key) or ""
                font = self.bold if row.get("__bold__") == key or row is header else self.regular
                out[key] = _wrap(text, font, size, width - 2 * pad) if text else []
            return out

        def draw_row(row: dict, is_header: bool = False, lines: dict[str, list[str]] | None = None,
                     align_override: str | None = None) -> None:
            lines = lines if lines is not None else cell_lines(row)
            height = max([len(v) for v in lines.values()] + [1]) * leading + 2 * pad
            x = self.left
            covered = 0.0  # width still covered by a spanning cell
            for key, width in columns:
                span = row.get("__span__", {}).get(key)
                if covered > 0.5:
                    covered -= width
                    x += width
                    continue
                w = span or width
                if self.layout.grid:
                    if is_header:
                        self.canvas.setFillColorRGB(0.8, 0.85, 0.92)
                        self.canvas.rect(x, self.y - height, w, height, fill=1, stroke=1)
                        self.canvas.setFillColorRGB(0, 0, 0)
                    else:
                        self.canvas.rect(x, self.y - height, w, height, fill=0, stroke=1)
                cell = lines[key]
                block = len(cell) * leading
                align = "top" if is_header or key in ("description",) else (
                    align_override or aligns.get(key, self.layout.align))
                offset = {"top": pad, "middle": (height - block) / 2, "bottom": height - pad - block}[align]
                bold = is_header or row.get("__bold__") == key
                font = self.bold if bold else self.regular
                for index, text in enumerate(cell):
                    baseline = self.y - offset - size - index * leading + 1.5
                    self.pen.line(x + pad, baseline, text, font, size)
                x += w
                if span:
                    covered = span - width
            self.y -= height

        def row_height(row: dict) -> float:
            return max([len(v) for v in cell_lines(row).values()] + [1]) * leading + 2 * pad

        self.ensure(row_height(header) + row_height(rows[0]) if rows else row_height(header))
        draw_row(header, is_header=True)
        for row in rows:
            lines = cell_lines(row)
            fitting = int((self.y - self.layout.margin - 2 * pad) // leading)
            longest = max([len(v) for v in lines.values()] + [1])
            if self.layout.split_rows and 1 <= fitting < longest:  # the row breaks across the pages
                draw_row(row, lines={k: v[:fitting] for k, v in lines.items()}, align_override="top")
                self.new_page()
                if self.layout.repeat_header:
                    draw_row(header, is_header=True)
                draw_row(row, lines={k: v[fitting:] for k, v in lines.items()}, align_override="top")
                continue
            if self.ensure(row_height(row)) and self.layout.repeat_header:
                draw_row(header, is_header=True)
            draw_row(row)
        self.y -= 10

    def save(self) -> None:
        self.canvas.save()


def _patch_lost_glyphs(path: Path, form: str) -> None:
    """Make code 0 (.notdef, where the lost glyphs were drawn) of the first subset of each font
    unmapped (cid) or a private-use character (pua). Same length: the file's offsets stay valid."""
    data = path.read_bytes()

    def patch(match: re.Match[bytes]) -> bytes:
        count = int(match.group(1))
        if form == "pua":
            return match.group(0).replace(b"<00> <0000>", b"<00> <E000>")
        # drop the entry, count one less, pad with spaces to the same length
        head = b"%d beginbfchar\n" % (count - 1)
        return head + b" " * (len(match.group(0)) - len(head))

    path.write_bytes(re.sub(rb"(\d+) beginbfchar\n<00> <0000>\n", patch, data))


# -- documents -----------------------------------------------------------------------------------

def _column_widths(layout: Layout, width: float) -> list[tuple[str, float]]:
    return [(key, width * fraction) for key, fraction in zip(layout.columns, layout.widths)]


def _render(builder, content: dict, layout: Layout, path: Path) -> Path:
    """Render twice: the first pass counts the pages for 'Pagina N di M'."""
    flow = builder(content, layout, path, 0)
    builder(content, layout, path, flow.pages)
    if layout.damage in {"cid", "pua"}:
        _patch_lost_glyphs(path, layout.damage)
    return path


def render_pap(content: dict, layout: Layout, path: Path) -> Path:
    return _render(_pap, content, layout, path)


def render_dup(content: dict, layout: Layout, path: Path) -> Path:
    return _render(_dup, content, layout, path)


def _preamble(flow: _Flow, pages: int) -> None:
    """Pages of narrative (nothing a template is recognised by), for late template detection."""
    text = ("Il presente documento illustra il contesto normativo e organizzativo dell'ente, la "
            "programmazione delle attività e il quadro delle risorse disponibili per il triennio. ") * 6
    while flow.pages <= pages:
        flow.paragraph(text)


def _pap(content: dict, layout: Layout, path: Path, total: int) -> _Flow:
    doc = content["document"]
    flow = _Flow(layout, doc["title"], doc["entity"], path, total=total)
    flow.paragraph(doc["title"], size=16, bold=True, damaged=False, after=10)
    _preamble(flow, layout.preamble_pages)
    flow.paragraph("1) NORMATIVA E AMBITI DI AZIONE", size=12, bold=True, damaged=False)
    flow.paragraph("Il Piano triennale delle azioni positive individua le azioni finalizzate all'attuazione dei "
                   "principi di parità e pari opportunità. La direttiva prevede cinque ambiti di azione.")
    for area in content["action_areas"]:  # numbered narrative headings: not objectives
        flow.paragraph(f"{area['number']} {area['title']}", size=11, bold=True, damaged=False)
        flow.paragraph("Per questo ambito di azione la Città metropolitana ha individuato tra i suoi obiettivi "
                       "specifici le attività descritte nelle pagine seguenti.")
    flow.paragraph("INDIRIZZI STRATEGICI DUP", size=12, bold=True, damaged=False)
    for number, title, items in STRATEGIC_DIRECTIONS:
        flow.paragraph(f"{number}. {title}", size=10, bold=True, damaged=False, after=2)
        for letter, text in zip("abcdefgh", items):
            flow.paragraph(f"{letter}. {text}", indent=10, after=2)
    flow.paragraph("Nelle pagine seguenti è riportato il dettaglio degli obiettivi generali e specifici.")

    objectives = content["objectives"]
    indicators = content["indicators"]
    for objective in (o for o in objectives if o["level"] == "general"):
        _objective_heading(flow, objective, layout)
        owner = {"political_owner": objective["political_owner"], "department": objective["department"]}
        _owner_table(flow, layout.owner_columns, owner)
    flow.new_page()
    areas = {a["number"]: a["title"] for a in content["action_areas"]}
    current = None
    for objective in (o for o in objectives if o["level"] == "specific"):
        if objective["action_area"] != current:
            current = objective["action_area"]
            if layout.area_marker_first:
                flow.band(f"AZIONE {current} - {areas[current]}", None)
            else:
                flow.band(areas[current], f"AZIONE {current}")
        _objective_heading(flow, objective, layout)
        _indicator_table(flow, layout, objective, [i for i in indicators if i["objective_code"] == objective["code"]])
    flow.save()
    return flow


def _objective_heading(flow: _Flow, objective: dict, layout: Layout) -> None:
    flow.y -= layout.extra_space
    flow.heading(f"{objective['code']} {objective['title']}", size=layout.body_size + 3)
    if objective.get("description"):
        flow.paragraph(objective["description"])


def _owner_table(flow: _Flow, columns: tuple[str, ...], values: dict[str, str]) -> None:
    width = flow.content_width * (0.75 if len(columns) > 2 else 0.6)
    widths = {"mission_programme": 0.25, "political_owner": 0.35, "department": 0.40}
    total = sum(widths[c] for c in columns)
    spec = [(c, width * widths[c] / total) for c in columns]
    labels = {**OWNER_LABELS, **dict(flow.layout.labels)}
    header = {c: labels[c] for c in columns}
    flow.table(spec, header, [values], aligns={c: "top" for c in columns})


def _indicator_table(flow: _Flow, layout: Layout, objective: dict, indicators: list[dict]) -> None:
    spec = _column_widths(layout, flow.content_width)
    labels = {**INDICATOR_LABELS, **dict(layout.labels)}
    header = {key: labels[key] for key in layout.columns}
    # the department row: label in the description column, name spanning the unit+target columns
    department_row: dict = {"description": "Obiettivo specifico", "__bold__": "description"}
    value_keys = [k for k in layout.columns if k in ("unit", "target")]
    positions = [layout.columns.index(k) for k in value_keys]
    if positions == list(range(min(positions), max(positions) + 1)):
        first = layout.columns[min(positions)]
        department_row[first] = objective["department"]
        department_row["__span__"] = {first: sum(w for k, w in spec if k in value_keys)}
    else:
        department_row[value_keys[0]] = objective["department"]
    rows = [department_row]
    separate_code = "code" in layout.columns
    for indicator in indicators:
        description = indicator["description"] if separate_code else f"{indicator['code']} {indicator['description']}"
        rows.append({"code": indicator["code"], "description": description,
                     "unit": indicator["unit_raw"] or "", "target": indicator["target_raw"] or "",
                     "actual": indicator["actual_raw"] or ""})
    flow.table(spec, header, rows, aligns={})


def _dup(content: dict, layout: Layout, path: Path, total: int) -> _Flow:
    doc = content["document"]
    flow = _Flow(layout, doc["title"], doc["entity"], path, total=total)
    flow.paragraph(doc["title"], size=18, bold=True, damaged=False, after=12)
    flow.paragraph(doc["entity"], size=12, damaged=False)
    _preamble(flow, layout.preamble_pages)
    flow.new_page()
    mission = programme = None
    for objective in content["objectives"]:
        if objective["mission"]["code"] != mission:
            mission = objective["mission"]["code"]
            flow.band(f"MISSIONE {mission} - {objective['mission']['title']}", None, size=11)
        if objective["programme"]["code"] != programme:
            programme = objective["programme"]["code"]
            flow.heading(f"Programma {programme} - {objective['programme']['title']}", size=layout.body_size + 1.5)
        _objective_heading(flow, objective, layout)
        values = {"mission_programme": f"Missione {mission} Programma {programme}",
                  "political_owner": objective["political_owner"], "department": objective["department"]}
        _owner_table(flow, layout.dup_owner_columns, values)
    flow.save()
    return flow


# -- the variants the test suite renders ---------------------------------------------------------

BASE = Layout("base")
VARIANTS: list[Layout] = [
    BASE,
    replace(BASE, name="portrait-times", portrait=True, font="times", body_size=10, table_size=8.5,
            widths=(0.52, 0.14, 0.14, 0.20)),
    replace(BASE, name="columns-reordered-no-grid", columns=("target", "unit", "description", "actual"),
            widths=(0.12, 0.12, 0.56, 0.20), grid=False, owner_columns=("department", "political_owner"),
            dup_owner_columns=("department", "mission_programme", "political_owner")),
    replace(BASE, name="values-top-no-repeat", align="top", repeat_header=False, extra_space=37,
            footer="{page}", running_header=False),
    replace(BASE, name="rows-split-across-pages", portrait=True, split_rows=True, extra_space=23,
            widths=(0.40, 0.2, 0.2, 0.2), table_size=9.0),
    replace(BASE, name="values-bottom-justified", align="bottom", justify=True, portrait=True,
            widths=(0.50, 0.16, 0.14, 0.20), area_marker_first=True),
    replace(BASE, name="code-column-other-labels", columns=("code", "description", "unit", "target", "actual"),
            widths=(0.07, 0.51, 0.11, 0.11, 0.20),
            labels=(("description", "Descrizione indicatore"), ("target", "Target"), ("actual", "Valore raggiunto"),
                    ("political_owner", "Assessore di riferimento"), ("department", "Centro di Responsabilità"))),
    replace(BASE, name="long-preamble", preamble_pages=45),  # the template shows after the first 40 pages
    replace(BASE, name="damage-space", damage="space", font="vera"),
    replace(BASE, name="damage-gap", damage="gap", portrait=True),
    replace(BASE, name="damage-cid", damage="cid", font="vera"),
    replace(BASE, name="damage-pua", damage="pua", font="vera", justify=True),
    replace(BASE, name="damage-unicode", damage="unicode", font="vera"),
]


def render_all(directory: Path, variants: Iterable[Layout] = VARIANTS) -> dict[tuple[str, str], Path]:
    directory.mkdir(parents=True, exist_ok=True)
    pap, dup = load_content("pap-2022-2024"), load_content("dup-2022-2024")
    paths = {}
    for layout in variants:
        paths[("pap", layout.name)] = render_pap(pap, layout, directory / f"pap-{layout.name}.pdf")
        paths[("dup", layout.name)] = render_dup(dup, layout, directory / f"dup-{layout.name}.pdf")
    return paths


if __name__ == "__main__":
    for key, path in render_all(Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures")).items():
        print(*key, path)
