"""Sample plans of four templates, written the way offices write them: .docx through LibreOffice.

Each fixture is one plan, built with python-docx (``officebuilder._Writer``) and exported to PDF by
LibreOffice, with the running header (title left, entity right), the ``Pag. X di Y`` footer made of
fields, automatic Italian hyphenation and the distractors real plans carry. Next to every
``NAME.pdf`` the generator writes ``NAME.expected.json``: what a perfect extractor must output
(schema 2: ``document``, ``objectives``, ``indicators``), computed from the same Python data the
document was written from.

===================  =============================================================================
``piao-a``           PIAO, sottosezione Performance: strategic and operational objectives, key/value
                     sheets as tables, indicator tables (header repeated, one broken across a
                     page), a table of contents with dot leaders, a staff table by gender.
``piao-b``           the same template with the sheet as bold ``Label: value`` lines, targets for
                     "primo/secondo/terzo anno", comparators in words, dates ``31.12.2026``,
                     an indicator table broken across a page without its header repeated.
``pap-sheets-a``     Piano triennale delle azioni positive: areas and numbered actions, each with a
                     key/value table and an ``Indicatore | Target …`` table; a staff table by gender.
``pap-sheets-b``     the same with other labels (Finalità, Beneficiari, Struttura responsabile,
                     Tempistica), a shaded label column and a table of contents.
``dup-seo-a``        DUP, Sezione Operativa: missions › programmes › a table of operational
                     objectives (codes ``01.02.01``, an ``X`` under each year).
``dup-seo-b``        the same with codes from the budget classification (``01030601``), programmes
                     ``Programma 0103``, a two-row header ("Annualità" over the years) repeated.
``ict-a``            AgID, Piano triennale per l'informatica 2020-2022 (chapters 1-3, real text,
                     CC0): objectives ``OB.x.y``, expected results ``R.A.x.ya``, targets as bullets.
``ict-b``            the same content with the targets of each result in an ``Anno | Target`` table.
===================  =============================================================================

The ICT fixtures read the AgID text from ``../shared/realdocs/`` (next to the project); when that
folder is absent they are skipped. To rebuild everything into ``samples/templates/`` (needs
``soffice``, the Carlito/Liberation/DejaVu fonts, ``hyphen-it``, python-docx and pypdfium2):

    cd /work/main && .venv/bin/python tests/templatebuilder.py [OUT_DIR] [NAME ...]

The generator checks what it relies on after rendering: the table of contents points at the pages
its headings landed on, and the tables meant to break across a page do.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from officebuilder import SOFT_HYPHEN, _convert, _Writer

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "samples" / "templates"
AGID = ROOT.parent / "shared" / "realdocs" / "agid_piano_triennale_ict_2020-2022_obiettivi.rst.txt"
SHY = SOFT_HYPHEN


# -- the content model ---------------------------------------------------------------------------

@dataclass
class Value:
    """One printed value of an indicator: a table cell or a 'Target 2021 - …' line."""

    kind: str                # 'baseline' or 'target'
    year: int | None
    raw: str                 # the text printed; '' is an empty cell (no value)
    label: str = ""          # printed before raw (ICT: 'Baseline: ')


@dataclass
class Indicator:
    description: str
    values: list[Value]
    formula: str | None = None
    unit: str | None = None
    code: str | None = None
    dash: str = "-"          # ICT: the dash printed after the code


@dataclass
class Objective:
    level: str               # area, strategic, general, operational, specific, action
    label: str | None        # the level's name as printed ('Obiettivo operativo')
    title: str
    number: str | None = None  # printed after the label when there is no code ('1.2')
    code: str | None = None
    description: str | None = None
    department: str | None = None
    responsible: str | None = None
    political_owner: str | None = None
    weight: str | None = None
    years: list[int] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    children: list[Objective] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.code or f"{self.level}-{self.number}"

    @property
    def heading(self) -> str:
        return f"{self.label} {self.number} – {self.title}"

    def entry(self, key: str) -> str:
        """A sheet entry: an attribute of the objective, or one of its ``attributes``."""
        return self.attributes[key] if key in self.attributes else getattr(self, key)


@dataclass
class Group:
    """A heading that is not an objective (DUP mission or programme, ICT chapter), or none."""

    heading: str | None
    objectives: list[Objective] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)


@dataclass
class Column:
    """A value column of an indicator table."""

    header: str
    kind: str
    year: int | None


@dataclass
class Plan:
    name: str
    kind: str
    title: str
    entity: str
    period: tuple[int, int]
    font: str
    heading_font: str
    landscape: bool
    body_size: float
    groups: list[Group]
    subtitle: list[str] = field(default_factory=list)
    approval: str = ""
    premessa: list[str] = field(default_factory=list)
    repeat_header: bool = True
    layout: str = "table"                                          # sheet/targets: table, lines, bullets
    labels: list[tuple[str, str]] = field(default_factory=list)     # sheet rows: (label, Objective field)
    fixed_columns: list[tuple[str, str]] = field(default_factory=list)  # (header, Indicator attribute)
    columns: list[Column] = field(default_factory=list)             # indicator value columns
    toc: bool = False
    distractors: list[tuple[str, list[list[str]]]] = field(default_factory=list)  # (caption, rows)
    split: tuple[str, str] | None = None   # first words of two rows of one table: must land on two pages
    shade_labels: bool = False
    two_row_header: bool = False

    @property
    def text_width(self) -> float:
        return 25.7 if self.landscape else 17.0


def _values(columns: list[Column], *raws: str) -> list[Value]:
    """The values of a table row, one per value column (``''`` for an empty cell)."""
    if len(raws) != len(columns):
        raise ValueError(f"{len(columns)} value columns, {len(raws)} values: {raws}")
    return [Value(c.kind, c.year, raw) for c, raw in zip(columns, raws)]


def _all_objectives(plan: Plan) -> list[tuple[Objective, Objective | None]]:
    """Every objective with its parent, in print order."""
    found: list[tuple[Objective, Objective | None]] = []

    def objective(o: Objective, parent: Objective | None) -> None:
        found.append((o, parent))
        for child in o.children:
            objective(child, o)

    def group(g: Group) -> None:
        for o in g.objectives:
            objective(o, None)
        for sub in g.groups:
            group(sub)

    for g in plan.groups:
        group(g)
    return found


# -- the expected extraction ---------------------------------------------------------------------

QUALIFIERS = ("maggiore o uguale a", "non inferiore a", "entro il", "almeno", "≥", "≤")
DATE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")


def _clean(text: str | None) -> str | None:
    """The text as an extractor reads it: soft hyphens gone, whitespace squashed."""
    if text is None:
        return None
    return re.sub(r"\s+", " ", text.replace(SHY, "")).strip()


def parse_value(raw: str) -> Any:
    """A printed value as the extractor types it: ISO date, number, boolean, else the text."""
    text = _clean(raw) or ""
    if text.upper() in ("SI", "SÌ"):
        return True
    if text.upper() == "NO":
        return False
    rest = text
    for qualifier in QUALIFIERS:
        if rest.lower().startswith(qualifier):
            rest = rest[len(qualifier):].strip()
            break
    if date := DATE.fullmatch(rest):
        day, month, year = (int(part) for part in date.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    number = re.fullmatch(rf"({NUMBER.pattern})\s*%?", rest)
    if number:
        digits = number.group(1).replace(".", "")
        return float(digits.replace(",", ".")) if "," in digits else int(digits)
    return text


def _number(raw: str | None) -> float | None:
    if raw is None:
        return None
    return float(parse_value(raw))


def expected(plan: Plan) -> dict:
    objectives, indicators = [], []
    for o, parent in _all_objectives(plan):
        objectives.append({
            "id": o.id, "code": o.code, "level": o.level, "level_label": o.label,
            "parent_id": parent.id if parent else None, "title": _clean(o.title),
            "description": _clean(o.description), "department": _clean(o.department),
            "responsible": _clean(o.responsible), "political_owner": _clean(o.political_owner),
            "weight_raw": o.weight, "weight": _number(o.weight), "years": list(o.years),
            "attributes": {key: _clean(value) for key, value in o.attributes.items()}})
        for k, indicator in enumerate(o.indicators, start=1):
            values = [{"kind": v.kind, "year": v.year, "raw": _clean(v.raw), "value": parse_value(v.raw)}
                      for v in indicator.values if _clean(v.raw)]
            first = next((v for v in values if v["kind"] == "target"), None)
            indicators.append({
                "id": indicator.code or f"{o.id}/{k}", "code": indicator.code, "objective_id": o.id,
                "objective_code": o.code, "description": _clean(indicator.description),
                "formula": _clean(indicator.formula), "unit_raw": _clean(indicator.unit), "values": values,
                "target_raw": first["raw"] if first else None, "target_value": first["value"] if first else None})
    return {"document": {"kind": plan.kind, "title": plan.title, "entity": plan.entity,
                         "period": {"from": plan.period[0], "to": plan.period[1]}},
            "objectives": objectives, "indicators": indicators}


# -- writing -------------------------------------------------------------------------------------

class _TemplateWriter(_Writer):
    """officebuilder's writer plus mixed-style lines, an indented contents and table touches."""

    plan: Plan  # type: ignore[assignment]  # officebuilder's writer only reads the attributes both plans have

    def __init__(self, plan: Plan, first: _TemplateWriter | None = None) -> None:
        super().__init__(plan)  # type: ignore[arg-type]
        # the contents come before the headings: they list those of a first pass
        self.headings: list[str] = list(first.headings) if first else []
        self.toc_indent: dict[str, int] = dict(first.toc_indent) if first else {}

    def heading(self, text: str, size: float, toc: bool = True, indent: int = 0) -> None:  # type: ignore[override]
        super().heading(text, size, toc=toc and self.plan.toc)
        self.toc_indent[text] = indent

    def rich(self, parts: list[tuple[str, str]], *, style: str | None = None, keep_next: bool = False,
             size: float | None = None):
        """One paragraph of runs: (text, 'b' bold / 'i' italic / '' plain)."""
        from docx.shared import Pt

        paragraph = self.doc.add_paragraph(style=style)
        paragraph.paragraph_format.keep_with_next = keep_next
        for text, how in parts:
            before = len(paragraph.runs)
            self._runs(paragraph, text, bold="b" in how, size=Pt(size) if size else None)
            for run in paragraph.runs[before:]:
                run.italic = "i" in how or None
        self.texts.append("".join(text for text, _ in parts))
        return paragraph

    def contents_page(self, pages: dict[str, int]) -> None:
        """'Indice': one line per heading, indented by level, dot leaders to the page number."""
        from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
        from docx.shared import Cm, Pt

        self.paragraph("Indice", bold=True, size=self.plan.body_size + 3, font=self.plan.heading_font)
        for heading in self.headings:
            paragraph = self.paragraph(f"{_clean(heading)}\t{pages.get(heading, 1)}")
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(self.plan.text_width), WD_TAB_ALIGNMENT.RIGHT,
                                                              WD_TAB_LEADER.DOTS)
            paragraph.paragraph_format.left_indent = Cm(0.8 * self.toc_indent.get(heading, 0))
            paragraph.paragraph_format.space_after = Pt(2)

    def grid(self, rows: list[list[str]], fractions: list[float], *, header_rows: int = 0,
             bold_column: bool = False, shade_column: str | None = None, header_shade: str | None = None,
             centre_from: int | None = None, keep_rows: bool = True):
        """A table whose column widths are fractions of the text width, then touched up."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn

        widths = [self.plan.text_width * f / sum(fractions) for f in fractions]
        table = self.table(rows, widths, header_rows=header_rows, bold_rows=header_rows,
                           size=self.plan.body_size - 1)
        for r, row in enumerate(table.rows):
            if keep_rows:
                row._tr.get_or_add_trPr().append(row._tr.makeelement(qn("w:cantSplit"), {}))
            for c, cell in enumerate(row.cells):
                label = c == 0 and r >= header_rows
                if label and bold_column:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
                fill = shade_column if label else header_shade if r < header_rows else None
                if fill:
                    _shade(cell, fill)
                if centre_from is not None and c >= centre_from:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        return table


def _shade(cell, fill: str) -> None:
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    properties.append(properties.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:fill"): fill}))


def _cover(w: _TemplateWriter, plan: Plan, pages: dict[str, int]) -> None:
    size = plan.body_size
    w.paragraph(plan.entity, bold=True, size=size + 5, font=plan.heading_font)
    w.paragraph(plan.title, bold=True, size=size + 9, font=plan.heading_font)
    for line in plan.subtitle:
        w.paragraph(line, size=size + 2)
    if plan.approval:
        w.paragraph(plan.approval)
    w.paragraph("")
    if plan.toc:
        w.contents_page(pages)
    w.page_break()
    if plan.premessa:
        w.heading("Premessa", size + 3)
        for text in plan.premessa:
            w.paragraph(text, justify=True)
    for caption, rows in plan.distractors:
        w.heading(caption, size + 1)
        w.grid(rows, [3.0] + [1.0] * (len(rows[0]) - 1), header_rows=1, centre_from=1, header_shade="E7E6E6")


def _sheet(w: _TemplateWriter, plan: Plan, o: Objective) -> None:
    """The objective's key/value entries: a two-column table or bold 'Label: value' lines."""
    entries = [(label, o.entry(key)) for label, key in plan.labels if o.entry(key)]
    if plan.layout == "lines":
        for label, value in entries:
            w.rich([(f"{label}: ", "b"), (value, "")])
        w.paragraph("")
    else:
        w.grid([[label, value] for label, value in entries], [1.0, 3.2], bold_column=True,
               shade_column="DEEAF6" if plan.shade_labels else None)


def _indicator_table(w: _TemplateWriter, plan: Plan, o: Objective) -> None:
    header = [h for h, _ in plan.fixed_columns] + [c.header for c in plan.columns]
    rows = [[getattr(i, key) or "" for _, key in plan.fixed_columns] + [v.raw for v in i.values]
            for i in o.indicators]
    fractions = {"description": 2.6, "formula": 2.6, "unit": 1.2}
    value_width = 1.5 if len(plan.fixed_columns) > 1 else 0.9
    w.grid([header] + rows, [fractions[key] for _, key in plan.fixed_columns] + [value_width] * len(plan.columns),
           header_rows=1, centre_from=len(plan.fixed_columns), header_shade="D9E2F3")


def _write_piao(w: _TemplateWriter, plan: Plan) -> None:
    size = plan.body_size
    for g in plan.groups:
        for strategic in g.objectives:
            w.heading(strategic.heading, size + 3)
            w.paragraph(strategic.description or "", justify=True)
            for operational in strategic.children:
                w.heading(operational.heading, size + 1, indent=1)
                _sheet(w, plan, operational)
                w.paragraph("Indicatori", bold=True, keep_next=True)
                _indicator_table(w, plan, operational)


def _write_pap(w: _TemplateWriter, plan: Plan) -> None:
    size = plan.body_size
    for g in plan.groups:
        for area in g.objectives:
            w.heading(area.heading, size + 3)
            for action in area.children:
                w.heading(action.heading, size + 1, indent=1)
                _sheet(w, plan, action)
                _indicator_table(w, plan, action)


def _write_dup(w: _TemplateWriter, plan: Plan) -> None:
    size = plan.body_size
    years = list(range(plan.period[0], plan.period[1] + 1))
    labels = ["Codice", "Obiettivo operativo", "Finalità", "Responsabile politico", "Responsabile gestionale"]
    fractions = ([1.9, 5.0, 8.6, 3.1, 3.1] if plan.landscape else [1.75, 2.95, 4.4, 2.3, 2.3]) + [1.1] * len(years)
    for mission in plan.groups:
        w.heading(mission.heading or "", size + 3)
        for programme in mission.groups:
            w.heading(programme.heading or "", size + 1.5)
            rows = [[o.code or "", o.title, o.description or "", o.political_owner or "", o.responsible or ""]
                    + ["X" if y in o.years else "" for y in years] for o in programme.objectives]
            if plan.two_row_header:
                header = [labels + ["Annualità"] + [""] * (len(years) - 1), [""] * len(labels) + [str(y) for y in years]]
            else:
                header = [labels + [str(y) for y in years]]
            table = w.grid(header + rows, fractions, header_rows=len(header), centre_from=len(labels),
                           header_shade="D9D9D9")
            if plan.two_row_header:
                for c in range(len(labels)):
                    table.cell(0, c).merge(table.cell(1, c))
                table.cell(0, len(labels)).merge(table.cell(0, len(labels) + len(years) - 1))


def _target_line(value: Value) -> str:
    return f"Target {value.year} - {value.label}{value.raw}"


def _write_ict(w: _TemplateWriter, plan: Plan) -> None:
    size = plan.body_size
    for chapter in plan.groups:
        w.heading(chapter.heading or "", size + 4)
        for k, o in enumerate(chapter.objectives):
            if k and plan.layout == "bullets":
                w.paragraph("")  # a blank line between objectives, as the bulleted edition has
            w.heading(f"{o.code} - {o.title}", size + 2, indent=1)
            for result in o.indicators:
                head = f"{result.code} {result.dash} "
                if plan.layout == "bullets":
                    w.rich([(head, "b"), (result.description, "i")], keep_next=True)
                    for value in result.values:
                        w.paragraph(_target_line(value), style="List Bullet")
                else:
                    w.rich([(head + result.description, "b")], keep_next=True)
                    w.grid([["Anno", "Target"]] + [[str(v.year), v.label + v.raw] for v in result.values],
                           [1.0, 9.0], header_rows=1, header_shade="E2EFD9")


WRITERS: dict[str, Callable[[_TemplateWriter, Plan], None]] = {
    "piao": _write_piao, "performance": _write_piao, "pap": _write_pap, "dup": _write_dup, "ict_plan": _write_ict}


def _write(plan: Plan, pages: dict[str, int], first: _TemplateWriter | None = None) -> _TemplateWriter:
    w = _TemplateWriter(plan, first)
    w.furniture()
    _cover(w, plan, pages)
    WRITERS[plan.kind](w, plan)
    w.doc.core_properties.title = plan.title
    w.doc.core_properties.author = plan.entity
    return w


# -- building ------------------------------------------------------------------------------------

def _page_texts(pdf: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    return [_clean(re.sub("\ufffe\\s*", "", text)) or "" for text in pages]  # words hyphenated at line ends joined


def _page_of(texts: list[str], snippet: str, after: int = 1) -> int | None:
    """The 1-based page where ``snippet`` first shows, looking past the first ``after`` pages."""
    for number, text in enumerate(texts, start=1):
        if number > after and snippet in text:
            return number
    return None


def _heading_pages(texts: list[str], headings: list[str]) -> dict[str, int]:
    return {h: page for h in headings if (page := _page_of(texts, (_clean(h) or "")[:32])) is not None}


def _unprinted(plan: Plan, texts: list[str]) -> list[str]:
    """The strings of the expected extraction that the PDF's text layer does not carry."""
    furniture = re.compile(rf"{re.escape(_clean(plan.title) or '')} {re.escape(plan.entity)}|Pag\. \d+ di \d+")
    printed = re.sub(r"\s+", "", " ".join(furniture.sub(" ", text) for text in texts))
    extraction = expected(plan)
    wanted = [o[key] for o in extraction["objectives"]
              for key in ("title", "description", "department", "responsible", "political_owner", "weight_raw")]
    wanted += [value for o in extraction["objectives"] for value in o["attributes"].values()]
    wanted += [i[key] for i in extraction["indicators"] for key in ("description", "formula", "unit_raw")]
    wanted += [v["raw"] for i in extraction["indicators"] for v in i["values"]]
    return [text for text in wanted if text and re.sub(r"\s+", "", text) not in printed]


def _problem(plan: Plan, texts: list[str], headings: list[str], pages: dict[str, int]) -> str | None:
    """What the rendered PDF gets wrong of what the fixture promises, if anything."""
    if plan.toc and (found := _heading_pages(texts, headings)) != pages:
        return f"the table of contents does not match the pages of the headings: {found}"
    if plan.toc and len(pages) != len(headings):
        return f"headings not found: {set(headings) - set(pages)}"
    if plan.split:
        top, bottom = (_page_of(texts, snippet) for snippet in plan.split)
        if top is None or bottom is None or bottom != top + 1:
            return f"{plan.split} should sit on two pages in a row, found pages {top} and {bottom}"
    if missing := _unprinted(plan, texts):
        return f"not found in the text layer: {missing[:5]}"
    if not 3 <= len(texts) <= 8:
        return f"{len(texts)} pages, wanted 3-8"
    return None


def build(plan: Plan, out_dir: Path) -> Path:
    """Write ``NAME.pdf`` and ``NAME.expected.json`` into ``out_dir``; check the layout promised."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        docx = str(work_dir / f"{plan.name}.docx")
        first = _write(plan, {})
        pages: dict[str, int] = {}
        if plan.toc:  # a first render tells on which pages the headings land
            _write(plan, {}, first).doc.save(docx)
            pages = _heading_pages(_page_texts(_convert(Path(docx), work_dir)), first.headings)
        _write(plan, pages, first).doc.save(docx)
        pdf = _convert(Path(docx), work_dir)
        if problem := _problem(plan, _page_texts(pdf), first.headings, pages):
            rejected = Path(tempfile.gettempdir()) / pdf.name
            shutil.copy(pdf, rejected)
            raise SystemExit(f"{plan.name}: {problem} (the PDF is in {rejected})")
        target = out_dir / pdf.name
        shutil.copy(pdf, target)
    (out_dir / f"{plan.name}.expected.json").write_text(
        json.dumps(expected(plan), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


# -- the fixtures: PIAO --------------------------------------------------------------------------

PIAO_LABELS_A = [("Descrizione", "description"), ("Settore responsabile", "department"),
                 ("Dirigente responsabile", "responsible"), ("Assessore di riferimento", "political_owner"),
                 ("Peso", "weight")]
PIAO_LABELS_B = PIAO_LABELS_A[:-1] + [("Peso ponderale", "weight")]
STAFF_ROWS = [["Categoria", "Uomini", "Donne", "Totale"],
              ["Segretario generale e dirigenti", "2", "2", "4"],
              ["Area dei Funzionari e dell’Elevata Qualificazione", "11", "17", "28"],
              ["Area degli Istruttori", "19", "31", "50"],
              ["Area degli Operatori esperti", "14", "6", "20"],
              ["Area degli Operatori", "5", "3", "8"],
              ["Totale", "51", "59", "110"]]


def _strategic(number: int, title: str, description: str, children: list[Objective]) -> Objective:
    return Objective("strategic", "OBIETTIVO STRATEGICO", title, number=str(number), description=description,
                     children=children)


def _operational(number: str, title: str, description: str, department: str, responsible: str, owner: str,
                 weight: str, indicators: list[Indicator]) -> Objective:
    return Objective("operational", "Obiettivo operativo", title, number=number, description=description,
                     department=department, responsible=responsible, political_owner=owner, weight=weight,
                     indicators=indicators)


def piao_a() -> Plan:
    cols = [Column("Baseline 2024", "baseline", 2024)] + [Column(f"Target {y}", "target", y) for y in (2025, 2026, 2027)]

    def ind(description: str, formula: str, unit: str, *raws: str) -> Indicator:
        return Indicator(description, _values(cols, *raws), formula=formula, unit=unit)

    transparency = [
        ind("Obblighi di pubblicazione assolti nella sezione Amministrazione trasparente",
            "N. obblighi assolti nei termini / N. obblighi applicabili all’Ente x 100, secondo la griglia di "
            "rilevazione dell’OIV", "%", "87%", "92%", "95%", "98%"),
        ind("Processi mappati con valutazione del rischio corruttivo",
            "N. processi mappati e valutati / N. processi censiti nel catalogo dell’Ente x 100", "%",
            "64%", "80%", "100%", "100%"),
        ind("Dipendenti delle aree a rischio formati in materia di anticorruzione",
            "N. dipendenti formati nell’anno / N. dipendenti assegnati alle aree a rischio x 100", "%",
            "", "70%", "85%", "100%"),
        ind("Aggiornamento del registro degli accessi civico, generalizzato e documentale",
            "Data di pubblicazione semestrale del registro nella sezione Altri contenuti", "data",
            "31/12/2024", "30/06/2025", "30/06/2026", "30/06/2027"),
    ]
    strategic = [
        _strategic(1, "UNA CITTÀ DIGITALE, SEMPLICE E TRASPARENTE",
                   "L’obiettivo strategico traduce la linea di mandato n. 1 (“Valdoria semplice”): ridurre i tempi "
                   "dei procedimenti, portare on line i servizi più richiesti e rendere leggibile l’azione "
                   "amministrativa a cittadini e imprese.", [
                       _operational("1.1", "Digitalizzazione dei servizi demografici e dello sportello al cittadino",
                                    "Estensione dei servizi on line dell’anagrafe (certificati, cambi di residenza, "
                                    "prenotazione della carta d’identità elettronica) con accesso tramite SPID e CIE "
                                    "e pagamento con pagoPA; riorganizzazione dello sportello polifunzionale su "
                                    "appuntamento.", "Settore Servizi al cittadino e demografici",
                                    "Dott.ssa Chiara Lombardini", "Matteo Rossetti", "15%", [
                                        ind("Certificati anagrafici rilasciati on line",
                                            "N. certificati emessi tramite portale / N. certificati totali emessi x 100",
                                            "%", "38%", "50%", "60%", "70%"),
                                        ind("Tempo medio di attesa allo sportello su appuntamento",
                                            "Somma dei minuti di attesa / N. utenti serviti", "minuti",
                                            "22", "≤ 15", "≤ 12", "≤ 10"),
                                        ind("Attivazione del pagamento pagoPA per i diritti di segreteria",
                                            "Verifica dell’attivazione sul portale dei servizi", "SI/NO",
                                            "NO", "SI", "SI", "SI"),
                                        ind("Gradimento del servizio di sportello rilevato con il questionario di "
                                            "customer satisfaction", "Media dei giudizi espressi su scala da 1 a 5",
                                            "punteggio", "3,9", "≥ 4", "≥ 4,2", "≥ 4,5"),
                                    ]),
                       _operational("1.2", "Riduzione dei tempi di pagamento delle fatture",
                                    "Monitoraggio mensile delle fatture in scadenza, liquidazione digitale con firma "
                                    "del responsabile entro dieci giorni dal ricevimento e riallineamento della "
                                    "Piattaforma dei crediti commerciali; i settori che ricevono fatture "
                                    "contestate ne danno conto entro cinque giorni al servizio finanziario, che "
                                    "sospende i termini e ne registra la causa.", "Settore Bilancio e Tributi",
                                    "Dott. Alessandro Ferri", "Giulia Martinelli", "15%", [
                                        ind("Indicatore annuale di tempestività dei pagamenti",
                                            "Media dei giorni di ritardo ponderata sugli importi pagati (DPCM 22 "
                                            "settembre 2014)", "giorni", "4,5", "≤ 0", "≤ 0", "≤ 0"),
                                        ind("Fatture liquidate entro 30 giorni dal ricevimento",
                                            "N. fatture liquidate entro 30 giorni / N. fatture ricevute x 100", "%",
                                            "81,40%", "90%", "95%", "95%"),
                                        ind("Fatture respinte per errori formali sul totale delle fatture ricevute",
                                            "N. fatture rifiutate sulla piattaforma SDI / N. fatture ricevute x 100",
                                            "%", "3,8%", "≤ 3%", "≤ 2,5%", "≤ 2%"),
                                        ind("Stock del debito commerciale scaduto e non pagato a fine esercizio",
                                            "Importo comunicato alla Piattaforma dei crediti commerciali al 31 "
                                            "dicembre", "euro", "112.430,50", "≤ 80.000", "≤ 60.000", "≤ 50.000"),
                                    ]),
                       _operational("1.3", "Trasparenza e prevenzione della corruzione",
                                    "Aggiornamento della sezione Amministrazione trasparente con la pubblicazione "
                                    "automatica dei dati dagli applicativi gestionali, mappatura dei processi a "
                                    "rischio e formazione del personale delle aree più esposte. Il Responsabile "
                                    "della prevenzione della corruzione e della trasparenza verifica ogni semestre "
                                    "l’attuazione delle misure e ne riferisce alla Giunta.",
                                    "Segreteria generale", "Dott.ssa Paola Guidi", "Sindaco Roberto Ansaldi", "10%",
                                    transparency),
                   ]),
        _strategic(2, "TERRITORIO SOSTENIBILE, CURATO E SICURO",
                   "Cura quotidiana del patrimonio pubblico e transizione ecologica: manutenzione programmata, "
                   "efficienza energetica dell’illuminazione e una raccolta dei rifiuti che premi i com" + SHY +
                   "portamenti virtuosi delle famiglie.", [
                       _operational("2.1", "Manutenzione programmata di strade e illuminazione pubblica",
                                    "Passaggio dagli interventi su chiamata a un piano annuale di manutenzione, con "
                                    "il censimento georeferenziato dei punti luce e delle superfici stradali e la "
                                    "conversione degli impianti a LED.", "Settore Lavori pubblici e manutenzioni",
                                    "Ing. Davide Carrara", "Stefano Gallo", "15%", [
                                        ind("Segnalazioni di guasto all’illuminazione risolte entro 5 giorni lavorativi",
                                            "N. segnalazioni risolte entro 5 giorni / N. segnalazioni ricevute x 100",
                                            "%", "72%", "80%", "85%", "90%"),
                                        ind("Superficie di manto stradale rifatta",
                                            "Somma delle superfici dei lavori collaudati nell’anno", "m²",
                                            "9.800", "12.000", "12.000", "15.000"),
                                        ind("Punti luce convertiti a LED",
                                            "N. punti luce a LED / N. punti luce totali x 100", "%",
                                            "46%", "65%", "85%", "100%"),
                                    ]),
                       _operational("2.2", "Raccolta differenziata e decoro urbano",
                                    "Estensione della raccolta porta a porta alle frazioni di Poggio e Cerreto, "
                                    "controlli sugli abbandoni con fototrappole e campagne informative nelle scuole.",
                                    "Settore Ambiente e Territorio", "Arch. Francesca Neri", "Stefano Gallo",
                                    "15%", [
                                        ind("Percentuale di raccolta differenziata",
                                            "Tonnellate raccolte in modo differenziato / Tonnellate totali di rifiuti "
                                            "urbani x 100", "%", "63,2%", "65%", "68%", "70%"),
                                        ind("Sanzioni per abbandono di rifiuti accertate",
                                            "Numero di verbali elevati dalla Polizia locale", "numero",
                                            "41", "almeno 50", "almeno 50", "almeno 60"),
                                    ]),
                   ]),
        _strategic(3, "COMUNITÀ INCLUSIVA E ATTENTA ALLE PERSONE",
                   "Servizi educativi e sociali accessibili, tempi certi per le domande di sostegno e una rete con il "
                   "terzo settore per accompagnare le famiglie nei momenti di difficoltà.", [
                       _operational("3.1", "Servizi per la prima infanzia",
                                    "Ampliamento dei posti del nido comunale “Il Girasole” e convenzioni con i nidi "
                                    "privati accreditati, con graduatorie uniche e rette proporzionate all’ISEE.",
                                    "Settore Servizi sociali, educativi e scolastici", "Dott.ssa Marta Bellini",
                                    "Elena Cattaneo", "15%", [
                                        ind("Posti nido disponibili ogni 100 bambini residenti di età 0-2 anni",
                                            "N. posti nido comunali e convenzionati / N. residenti 0-2 anni x 100",
                                            "posti", "27,5", "30", "33", "33"),
                                        ind("Domande in lista d’attesa a settembre",
                                            "Numero di domande non accolte alla chiusura delle graduatorie",
                                            "numero", "18", "≤ 10", "≤ 5", "0"),
                                    ]),
                       _operational("3.2", "Sostegno all’abitare e contrasto alla povertà",
                                    "Istruttoria più rapida dei contributi per l’affitto, progetti personalizzati "
                                    "per i nuclei beneficiari dell’Assegno di inclusione e un bando annuale per "
                                    "l’emergenza abitativa.", "Settore Servizi sociali, educativi e scolastici",
                                    "Dott.ssa Marta Bellini", "Elena Cattaneo", "15%", [
                                        ind("Tempo medio di istruttoria delle domande di contributo per l’affitto",
                                            "Giorni tra la protocollazione e la comunicazione dell’esito", "giorni",
                                            "48", "≤ 40", "≤ 35", "≤ 30"),
                                        ind("Progetti personalizzati attivati per i nuclei beneficiari dell’Assegno "
                                            "di inclusione", "Numero di patti di inclusione sottoscritti", "numero",
                                            "54", "60", "65", "70"),
                                        ind("Pubblicazione del bando per l’emergenza abitativa",
                                            "Data di pubblicazione all’Albo pretorio on line", "data",
                                            "", "entro il 31/03/2025", "entro il 31/03/2026", "entro il 31/03/2027"),
                                    ]),
                   ]),
    ]
    return Plan(
        "piao-a", "piao", "Piano Integrato di Attività e Organizzazione 2025-2027", "Comune di Valdoria",
        (2025, 2027), "Carlito", "Carlito", landscape=False, body_size=10, groups=[Group(None, strategic)],
        subtitle=["Sezione 2 – Valore pubblico, Performance e Anticorruzione",
                  "Sottosezione 2.2 – Performance"],
        approval="Approvato con deliberazione della Giunta comunale n. 14 del 29/01/2025",
        premessa=[("La presente sottosezione del Piano Integrato di Attività e Organizzazione individua, in coerenza "
                  "con le linee programmatiche di mandato e con la Sezione Strategica del Documento Unico di "
                  "Programmazione, gli obiettivi di valore pubblico e di performance dell’Ente per il triennio "
                  "2025-2027. Ciascun obiettivo operativo è assegnato a un Settore, con un dirigente responsabile e "
                  "un peso sul totale della performance organizzativa; gli indicatori riportano il valore rilevato "
                  "al 31 dicembre 2024 e i target attesi per ciascuna annualità."),
                  "La misurazione avviene con cadenza semestrale e la rendi" + SHY + "contazione confluisce nella "
                  "Relazione sulla performance, validata dal Nucleo di valutazione entro il 30 giugno dell’anno "
                  "successivo. Gli obiettivi che non raggiungono il target sono oggetto di una relazione del "
                  "dirigente responsabile che ne illustra le cause e le azioni correttive; eventuali modifiche "
                  "in corso d’anno sono approvate dalla Giunta con la variazione del Piano esecutivo di gestione."],
        labels=PIAO_LABELS_A,
        fixed_columns=[("Indicatore", "description"), ("Formula di calcolo", "formula"), ("Unità di misura", "unit")],
        columns=cols, toc=True, distractors=[("Personale in servizio al 31/12/2024", STAFF_ROWS)],
        split=(transparency[0].description[:30], transparency[-1].description[:30]))


def piao_b() -> Plan:
    start = 2026
    cols = [Column("Valore di partenza", "baseline", None)] + [
        Column(f"Target {ordinal} anno", "target", start + k) for k, ordinal in enumerate(("primo", "secondo", "terzo"))]

    def ind(description: str, formula: str, unit: str, *raws: str) -> Indicator:
        return Indicator(description, _values(cols, *raws), formula=formula, unit=unit)

    suap = [
        ind("Pratiche SUAP concluse entro i termini di legge",
            "Pratiche concluse nei termini / pratiche presentate nell’anno x 100", "%", "88%", "≥ 92%", "≥ 94%", "≥ 95%"),
        ind("Tempo medio di rilascio dell’autorizzazione unica ambientale",
            "Media dei giorni dalla presentazione dell’istanza al rilascio", "giorni", "37", "30", "28", "25"),
        ind("Eventi di promozione del territorio organizzati con le associazioni di categoria",
            "Numero di eventi realizzati nell’anno", "numero", "6", "almeno 8", "almeno 8", "almeno 10"),
        ind("Presenze turistiche registrate nelle strutture ricettive del territorio comunale",
            "Dati dell’Osservatorio regionale sul turismo", "numero", "41.250", "43.000", "45.000", "47.500"),
    ]
    strategic = [
        _strategic(1, "AMMINISTRAZIONE EFFICIENTE E VICINA AI CITTADINI",
                   "Servizi più rapidi e una macchina comunale che investe sulle competenze delle persone: sono le "
                   "condizioni perché il valore pubblico programmato arrivi davvero ai cittadini di Castelrovere.", [
                       _operational("1.1", "Semplificazione dei servizi demografici",
                                    "Riduzione dei tempi di rilascio della carta d’identità elettronica e delle "
                                    "pratiche di residenza, con l’apertura di un’agenda on line per lo Stato civile.",
                                    "Servizi demografici", "Dott. Luca Santoro", "Anna Ferraris", "20%", [
                                        ind("Carte d’identità elettroniche rilasciate entro 10 giorni dalla richiesta",
                                            "CIE rilasciate entro 10 giorni / CIE richieste x 100", "%", "82,50%",
                                            "maggiore o uguale a 90,00%", "maggiore o uguale a 92,00%",
                                            "maggiore o uguale a 95,00%"),
                                        ind("Pratiche di cambio di residenza concluse nei termini di legge",
                                            "Pratiche concluse entro 45 giorni / pratiche avviate x 100", "%",
                                            "91%", "≥ 95%", "≥ 95%", "≥ 98%"),
                                        ind("Attivazione dell’appuntamento on line per lo Stato civile",
                                            "Data di attivazione del servizio sul portale", "data",
                                            "", "31.12.2026", "", ""),
                                    ]),
                       _operational("1.2", "Gestione telematica di gare e contratti",
                                    "Svolgimento di tutte le procedure di affidamento sulla piattaforma di "
                                    "approvvigionamento digitale certificata e riduzione dei tempi di stipula.",
                                    "Servizio Gare e Contratti", "Dott.ssa Sara Vitale", "Giorgio Pellegrini", "15%", [
                                        ind("Procedure di affidamento svolte in modalità telematica",
                                            "Procedure su piattaforma certificata / procedure totali x 100", "%",
                                            "100%", "100%", "100%", "100%"),
                                        ind("Tempo medio di stipula dei contratti dall’aggiudicazione",
                                            "Media dei giorni tra aggiudicazione efficace e stipula", "giorni",
                                            "64", "≤ 50", "≤ 45", "≤ 40"),
                                    ]),
                       _operational("1.3", "Valorizzazione del personale e formazione",
                                    "Piano annuale della formazione costruito sui fabbisogni dei Servizi, percorso "
                                    "Syllabus sulle competenze digitali per tutti i dipendenti e formazione "
                                    "obbligatoria su etica e sicurezza.", "Servizio Risorse umane",
                                    "Dott.ssa Sara Vitale", "Giorgio Pellegrini", "15%", [
                                        ind("Ore di formazione pro capite",
                                            "Ore di formazione erogate / dipendenti in servizio", "ore",
                                            "14,2", "≥ 18", "≥ 20", "≥ 24"),
                                        ind("Dipendenti che hanno completato il percorso Syllabus",
                                            "Dipendenti con attestato / dipendenti in servizio x 100", "%",
                                            "35%", "non inferiore a 75%", "non inferiore a 85%", "100%"),
                                        ind("Approvazione del piano della formazione",
                                            "Data della determinazione di approvazione", "data",
                                            "15.04.2025", "entro il 31.03.2026", "entro il 31.03.2027",
                                            "entro il 31.03.2028"),
                                    ]),
                   ]),
        _strategic(2, "SVILUPPO ECONOMICO E TURISMO SOSTENIBILE",
                   "Sostegno alle imprese del commercio e dell’artigianato, un centro storico più curato e un’offerta "
                   "turistica legata ai cammini e ai prodotti della Val Rovere.", [
                       _operational("2.1", "Sportello unico per le attività produttive e promozione del territorio",
                                    "Tempi certi per le pratiche delle imprese, calendario condiviso degli eventi con "
                                    "le associazioni di categoria e monitoraggio delle presenze turistiche.",
                                    "Servizio SUAP e Commercio", "Dott. Michele Conti", "Rita Fumagalli", "25%", suap),
                       _operational("2.2", "Riqualificazione del centro storico",
                                    "Contributi ai privati per il rifacimento delle facciate e approvazione del Piano "
                                    "del colore per gli edifici del nucleo antico.",
                                    "Servizio Urbanistica ed Edilizia privata", "Arch. Nicola Ruggeri",
                                    "Rita Fumagalli", "25%", [
                                        ind("Contributi erogati per il rifacimento delle facciate",
                                            "Somma dei contributi liquidati nell’anno", "euro",
                                            "85.000,00", "120.000,00", "120.000,00", "150.000,00"),
                                        ind("Approvazione del Piano del colore",
                                            "Deliberazione del Consiglio comunale", "SI/NO", "NO", "SI", "", ""),
                                    ]),
                   ]),
    ]
    population = [["Fascia di età", "Maschi", "Femmine", "Totale"],
                  ["0-14 anni", "412", "389", "801"], ["15-64 anni", "2.187", "2.140", "4.327"],
                  ["65 anni e oltre", "903", "1.121", "2.024"], ["Totale", "3.502", "3.650", "7.152"]]
    return Plan(
        "piao-b", "piao", "Piano Integrato di Attività e Organizzazione 2026-2028", "Comune di Castelrovere",
        (2026, 2028), "Liberation Serif", "Liberation Sans", landscape=True, body_size=10.5,
        groups=[Group(None, strategic)], repeat_header=False, layout="lines",
        subtitle=["Sottosezione di programmazione “Valore pubblico” e “Performance”"],
        approval="Deliberazione della Giunta comunale n. 9 del 27.01.2026",
        premessa=[("Gli obiettivi operativi che seguono declinano gli obiettivi strategici del mandato. Per ciascun "
                  "indicatore sono indicati il valore di partenza e i target del primo, del secondo e del terzo anno "
                  "di vigenza del Piano; i pesi ponderali sommano a cento sul totale degli obiettivi operativi.")],
        labels=PIAO_LABELS_B,
        fixed_columns=[("Indicatore", "description"), ("Formula", "formula"), ("Unità di misura", "unit")],
        columns=cols, distractors=[("Popolazione residente al 31/12/2025", population)],
        split=(suap[0].description[:30], suap[-1].description[:30]))


# -- the fixtures: PAP ---------------------------------------------------------------------------

def _area(number: int, title: str, actions: list[Objective]) -> Objective:
    return Objective("area", "AREA", title, number=str(number), children=actions)


def _pap_plan(name: str, entity: str, start: int, actions: list[tuple[int, str, list]], **layout: Any) -> Plan:
    """A PAP from rows: (area number, area title, [(title, obiettivo, destinatari, soggetti, ufficio, tempi,
    [(indicator, target1, target2, target3)])])."""
    cols = [Column(f"Target {y}", "target", y) for y in range(start, start + 3)]
    count, areas = 0, []
    for number, title, sheets in actions:
        children = []
        for action_title, aim, recipients, involved, office, times, indicators in sheets:
            count += 1
            children.append(Objective(
                "action", "Azione", action_title, number=str(count), description=aim, department=office,
                attributes={"destinatari": recipients, "soggetti_coinvolti": involved, "tempi": times},
                indicators=[Indicator(text, _values(cols, *targets)) for text, *targets in indicators]))
        areas.append(_area(number, title, children))
    return Plan(name, "pap", f"Piano triennale delle azioni positive {start}-{start + 2}", entity,
                (start, start + 2), groups=[Group(None, areas)], columns=cols,
                fixed_columns=[("Indicatore", "description")], **layout)


def pap_a() -> Plan:
    whole = "Intero triennio 2025-2027"
    actions = [
        (1, "CONCILIAZIONE TEMPI DI VITA E DI LAVORO", [
            ("Lavoro agile e flessibilità dell’orario",
             ("Favorire la conciliazione tra esigenze familiari e professionali estendendo il lavoro agile a tutte le "
             "attività compatibili e ampliando la fascia di flessibilità in entrata fino alle ore 9:30."),
             ("Tutto il personale dipendente, con priorità per chi assiste familiari con disabilità o ha figli fino a "
             "12 anni"), "Ufficio Personale, Responsabili di Area, Comitato Unico di Garanzia",
             "Servizio Risorse umane", whole, [
                 ("Dipendenti con accordo individuale di lavoro agile sul totale degli aventi diritto",
                  "≥ 40%", "≥ 50%", "≥ 60%"),
                 ("Aggiornamento del regolamento sul lavoro agile", "31/03/2025", "", ""),
                 ("Richieste di flessibilità oraria accolte", "90%", "95%", "95%")]),
            ("Part-time e permessi per esigenze di cura",
             ("Garantire risposte rapide e motivate alle richieste di trasformazione del rapporto a tempo parziale e "
             "di permessi per l’assistenza, informando il personale sui diritti previsti dal contratto."),
             "Dipendenti con carichi di cura", "Servizio Risorse umane, organizzazioni sindacali",
             "Servizio Risorse umane", "Annualità 2025 e 2026", [
                 ("Tempo medio di risposta alle richieste di part-time, in giorni", "30", "20", "20"),
                 ("Pubblicazione di una guida ai congedi e ai permessi sulla intranet", "SI", "", "")]),
        ]),
        (2, "FORMAZIONE E SVILUPPO PROFESSIONALE", [
            ("Formazione sulla parità e sul linguaggio di genere",
             ("Diffondere la cultura delle pari opportunità con un corso obbligatorio per responsabili e un modulo "
             "on line per tutto il personale sull’uso di un linguaggio amministrativo rispettoso delle differenze."),
             "Responsabili di Area e personale amministrativo", ("Segreteria generale, Consigliera di parità "
             "provinciale"), "Servizio Risorse umane", whole, [
                 ("Dipendenti formati", "almeno 40", "almeno 60", "almeno 80"),
                 ("Linee guida sul linguaggio amministrativo inclusivo pubblicate", "SI", "", "")]),
            ("Reinserimento dopo lunghe assenze",
             ("Accompagnare il rientro di chi è stato assente per maternità, paternità, malattia o aspettativa con "
             "un colloquio di rientro e un breve affiancamento sulle novità intervenute."),
             "Dipendenti che rientrano dopo un’assenza superiore a sei mesi", ("Responsabili di Area, "
             "Servizio Risorse umane"), "Servizio Risorse umane", whole, [
                 ("Colloqui di rientro svolti sul totale dei rientri", "100%", "100%", "100%")]),
        ]),
        (3, "BENESSERE ORGANIZZATIVO E CONTRASTO ALLE DISCRIMINAZIONI", [
            ("Indagine sul benessere organizzativo",
             ("Rilevare ogni due anni il clima interno con un questionario anonimo, restituire gli esiti al personale e "
             "tradurli in azioni di miglioramento."), "Tutto il personale dipendente",
             "Comitato Unico di Garanzia, Nucleo di valutazione", "Comitato Unico di Garanzia",
             "Annualità 2025 e 2027", [
                 ("Questionari compilati sul totale dei dipendenti", "≥ 60%", "", "≥ 70%"),
                 ("Presentazione degli esiti alla Giunta", "entro il 30/11/2025", "", "entro il 30/11/2027")]),
            ("Sportello di ascolto e Consigliera di fiducia",
             ("Offrire un punto di ascolto riservato per situazioni di disagio, conflitto o discriminazione, affidato "
             "a una professionista esterna."), "Tutto il personale dipendente",
             "Comitato Unico di Garanzia, Ufficio Personale", "Segreteria generale", whole, [
                 ("Nomina della Consigliera di fiducia", "30/06/2025", "", ""),
                 ("Ore mensili di apertura dello sportello", "8", "8", "10")]),
            ("Codice di condotta contro le molestie",
             ("Adottare un codice di condotta per la prevenzione delle molestie sessuali e morali, con una procedura "
             "di segnalazione chiara e tempi certi di trattazione."), "Personale dipendente e collaboratori",
             "Ufficio procedimenti disciplinari, Comitato Unico di Garanzia", "Segreteria generale",
             "Anno 2025", [
                 ("Adozione del codice di condotta", "SI", "", ""),
                 ("Segnalazioni trattate entro 30 giorni", "100%", "100%", "100%")]),
        ]),
    ]
    staff = [["Categoria", "Uomini", "Donne", "Totale"], ["Dirigenti e Segretario", "1", "2", "3"],
             ["Funzionari ed Elevate Qualificazioni", "6", "10", "16"], ["Istruttori", "9", "17", "26"],
             ["Operatori esperti", "8", "3", "11"], ["Totale", "24", "32", "56"]]
    return _pap_plan(
        "pap-sheets-a", "Comune di Roccaferrata", 2025, actions,
        font="Liberation Sans", heading_font="Liberation Sans", landscape=True, body_size=10,
        subtitle=["ai sensi dell’art. 48 del D.Lgs. 11 aprile 2006, n. 198"],
        approval="Allegato alla deliberazione della Giunta comunale n. 22 del 13/02/2025",
        premessa=[("Il Piano delle azioni positive raccoglie le misure che il Comune di Roccaferrata intende "
                  "realizzare nel triennio per rimuovere gli ostacoli alla piena parità tra donne e uomini nel "
                  "lavoro. Le azioni sono state condivise con il Comitato Unico di Garanzia e sono numerate "
                  "progressivamente all’interno delle tre aree di intervento; il quadro del personale che segue "
                  "ne costituisce il punto di partenza.")],
        labels=[("Obiettivo", "description"), ("Destinatari", "destinatari"),
                ("Soggetti e uffici coinvolti", "soggetti_coinvolti"), ("Ufficio responsabile", "department"),
                ("Tempi", "tempi")],
        distractors=[("Personale in servizio al 31/12/2024 per genere", staff)])


def pap_b() -> Plan:
    whole = "Intero triennio 2026-2028"
    actions = [
        (1, "PARI OPPORTUNITÀ NELL’ACCESSO E NELLA CARRIERA", [
            ("Commissioni di concorso equilibrate",
             ("Assicurare in ogni commissione di concorso e di selezione la presenza di almeno un terzo di componenti "
             "di ciascun genere, motivando per iscritto le eventuali deroghe."),
             "Candidate e candidati alle procedure di reclutamento", "Segreteria generale, Responsabili di Settore",
             "Ufficio Personale e Organizzazione", whole, [
                 ("Commissioni costituite nel rispetto dell’equilibrio di genere", "100%", "100%", "100%")]),
            ("Percorsi di sviluppo delle competenze manageriali",
             ("Sostenere la crescita professionale delle dipendenti verso ruoli di responsabilità con un percorso di "
             "formazione manageriale e un programma di affiancamento."),
             "Personale dell’Area dei Funzionari", ("Ufficio Personale e Organizzazione, ente di formazione "
             "accreditato"), "Ufficio Personale e Organizzazione", "Annualità 2026 e 2027", [
                 ("Partecipanti al percorso, di cui almeno la metà donne", "12", "12", ""),
                 ("Incarichi di Elevata Qualificazione conferiti a donne sul totale", "≥ 40%", "≥ 45%", "≥ 50%")]),
        ]),
        (2, "CONCILIAZIONE E BENESSERE", [
            ("Convenzioni per i centri estivi",
             ("Stipulare convenzioni con i centri estivi del territorio per riservare posti a tariffa agevolata ai "
             "figli del personale nei mesi di chiusura delle scuole."), "Dipendenti con figli tra 3 e 14 anni",
             "Servizi educativi, Ufficio Economato", "Settore Servizi alla persona", "Giugno-settembre di ogni anno", [
                 ("Posti riservati nei centri estivi convenzionati", "20", "25", "25"),
                 ("Sottoscrizione delle convenzioni", "entro il 30/04/2026", "entro il 30/04/2027",
                  "entro il 30/04/2028")]),
            ("Banca delle ore e lavoro agile",
             ("Introdurre la banca delle ore e rivedere il regolamento sul lavoro agile, estendendolo ai profili "
             "tecnici per le attività che non richiedono la presenza in ufficio."), "Tutto il personale",
             "Comitato Unico di Garanzia, organizzazioni sindacali", "Ufficio Personale e Organizzazione", whole, [
                 ("Approvazione del nuovo regolamento", "31/03/2026", "", ""),
                 ("Dipendenti che utilizzano la banca delle ore", "almeno 30", "almeno 40", "almeno 50")]),
            ("Indagine sullo stress lavoro-correlato",
             ("Valutare il rischio da stress lavoro-correlato in ogni Settore e adottare misure organizzative mirate "
             "dove emergono criticità."), "Tutto il personale",
             "Responsabile del Servizio di prevenzione e protezione, medico competente",
             "Servizio Prevenzione e Protezione", "Anno 2027", [
                 ("Settori valutati sul totale", "", "100%", ""),
                 ("Misure correttive avviate nei Settori con rischio medio o alto", "", "SI", "SI")]),
        ]),
        (3, "COMUNICAZIONE E CULTURA DELLA PARITÀ", [
            ("Bilancio di genere",
             ("Redigere il bilancio di genere dell’Ente, riclassificando la spesa in base all’impatto su donne e "
             "uomini, e presentarlo al Consiglio comunale insieme al rendiconto."), "Consiglio comunale, cittadinanza",
             "Settore Finanziario, Comitato Unico di Garanzia", "Settore Finanziario", whole, [
                 ("Presentazione del bilancio di genere al Consiglio comunale", "30/06/2026", "30/06/2027",
                  "30/06/2028")]),
        ]),
    ]
    ages = [["Fascia di età", "Uomini", "Donne", "Totale"], ["fino a 40 anni", "7", "11", "18"],
            ["da 41 a 55 anni", "13", "20", "33"], ["oltre 55 anni", "12", "9", "21"], ["Totale", "32", "40", "72"]]
    return _pap_plan(
        "pap-sheets-b", "Comune di Pontenero", 2026, actions,
        font="DejaVu Sans", heading_font="DejaVu Sans", landscape=False, body_size=9, toc=True,
        shade_labels=True,
        subtitle=["Misure per la parità e le pari opportunità tra uomini e donne"],
        approval="Approvato con deliberazione della Giunta comunale n. 31 del 05/03/2026",
        premessa=[("Il Piano è articolato in aree di intervento; per ciascuna azione sono indicate la finalità, i "
                  "beneficiari, i soggetti coinvolti, la struttura responsabile e la tempistica, con i target annuali "
                  "che il Comitato Unico di Garanzia verificherà nella relazione di fine anno.")],
        labels=[("Finalità", "description"), ("Beneficiari", "destinatari"),
                ("Soggetti coinvolti", "soggetti_coinvolti"), ("Struttura responsabile", "department"),
                ("Tempistica", "tempi")],
        distractors=[("Personale per fascia di età e genere al 31/12/2025", ages)])


# -- the fixtures: DUP ---------------------------------------------------------------------------

def _dup_plan(name: str, entity: str, missions: list[tuple[str, str, list]], code: Callable[[str, str, int], str],
              programme_label: Callable[[str, str], str], **layout: Any) -> Plan:
    """A DUP SeO from (mission, title, [(programme, title, [(title, finalità, politico, gestionale, years)])])."""
    groups = []
    for mission, mission_title, programmes in missions:
        subgroups = []
        for programme, programme_title, rows in programmes:
            objectives = [Objective("operational", "Obiettivo operativo", title, code=code(mission, programme, k),
                                    description=aim, responsible=manager, political_owner=owner, years=list(years))
                          for k, (title, aim, owner, manager, years) in enumerate(rows, start=1)]
            subgroups.append(Group(f"Programma {programme_label(mission, programme)} – {programme_title}", objectives))
        groups.append(Group(f"MISSIONE {mission} – {mission_title}", groups=subgroups))
    return Plan(name, "dup", "Documento Unico di Programmazione 2025-2027", entity, (2025, 2027), groups=groups,
                **layout)


ALL_YEARS = (2025, 2026, 2027)


def dup_a() -> Plan:
    mayor, secretary = "Sindaco Roberto Ansaldi", "Dott.ssa Paola Guidi"
    missions = [
        ("01", "SERVIZI ISTITUZIONALI, GENERALI E DI GESTIONE", [
            ("02", "Segreteria generale", [
                ("Supporto agli organi istituzionali e digitalizzazione degli atti",
                 ("Gestione integralmente digitale del ciclo delle deliberazioni e delle determinazioni, con firma "
                 "digitale e pubblicazione automatica all’Albo pretorio on line."), mayor, secretary, ALL_YEARS),
                ("Aggiornamento dello Statuto e dei regolamenti comunali",
                 ("Revisione dello Statuto e del regolamento del Consiglio comunale alla luce delle modifiche "
                 "normative intervenute."), mayor, secretary, (2025, 2026)),
                ("Controlli interni successivi di regolarità amministrativa",
                 "Estrazione semestrale a campione degli atti e report agli organi con le direttive di conformità.",
                 mayor, secretary, ALL_YEARS),
            ]),
            ("08", "Statistica e sistemi informativi", [
                ("Migrazione dei servizi in cloud qualificato",
                 ("Completamento della migrazione degli applicativi gestionali su infrastrutture cloud qualificate, "
                 "finanziata dalla Misura 1.2 del PNRR."), "Matteo Rossetti", "Dott. Giovanni Serra", (2025, 2026)),
                ("Sicurezza informatica e continuità operativa",
                 ("Adozione del piano di continuità operativa, backup immutabili e formazione del personale sul "
                 "riconoscimento del phishing."), "Matteo Rossetti", "Dott. Giovanni Serra", ALL_YEARS),
            ]),
        ]),
        ("12", "DIRITTI SOCIALI, POLITICHE SOCIALI E FAMIGLIA", [
            ("01", "Interventi per l’infanzia e i minori e per asili nido", [
                ("Ampliamento del nido comunale “Il Girasole”",
                 ("Realizzazione di una nuova sezione da 20 posti e adeguamento degli spazi esterni, con apertura "
                 "prevista per l’anno educativo 2026/2027."), "Elena Cattaneo", "Dott.ssa Marta Bellini", (2026, 2027)),
                ("Centri estivi e servizi educativi integrativi",
                 ("Organizzazione dei centri estivi comunali con tariffe proporzionate all’ISEE e apertura di uno "
                 "spazio gioco pomeridiano."), "Elena Cattaneo", "Dott.ssa Marta Bellini", ALL_YEARS),
            ]),
            ("03", "Interventi per gli anziani", [
                ("Assistenza domiciliare e teleassistenza",
                 ("Estensione del servizio di assistenza domiciliare e attivazione della teleassistenza per gli anziani "
                 "che vivono soli."), "Elena Cattaneo", "Dott.ssa Marta Bellini", ALL_YEARS),
                ("Centro diurno per anziani di Poggio",
                 "Affidamento in concessione della gestione del centro diurno, con apertura su cinque giorni.",
                 "Elena Cattaneo", "Dott.ssa Marta Bellini", (2025,)),
            ]),
        ]),
    ]
    spending = [["Missione", "2025", "2026", "2027"],
                ["01 – Servizi istituzionali, generali e di gestione", "3.482.150,00", "3.401.900,00", "3.395.000,00"],
                ["12 – Diritti sociali, politiche sociali e famiglia", "2.105.400,00", "2.188.700,00", "2.190.300,00"],
                ["Totale", "5.587.550,00", "5.590.600,00", "5.585.300,00"]]
    return _dup_plan(
        "dup-seo-a", "Comune di Valdoria", missions,
        code=lambda m, p, k: f"{m}.{p}.{k:02d}", programme_label=lambda m, p: p,
        font="Carlito", heading_font="Carlito", landscape=True, body_size=10,
        subtitle=["Sezione Operativa (SeO) – Parte prima"],
        approval="Approvato con deliberazione del Consiglio comunale n. 58 del 19/12/2024",
        premessa=[("La Sezione Operativa traduce gli indirizzi della Sezione Strategica in obiettivi operativi, "
                  "organizzati per missione e programma secondo la classificazione del bilancio armonizzato "
                  "(D.Lgs. 118/2011). Per ogni obiettivo sono indicati i responsabili e le annualità del triennio "
                  "in cui è prevista la sua realizzazione.")],
        distractors=[("Spesa corrente per missione (euro)", spending)])


def dup_b() -> Plan:
    missions = [
        ("01", "SERVIZI ISTITUZIONALI, GENERALI E DI GESTIONE", [
            ("03", "Gestione economica, finanziaria, programmazione e provveditorato", [
                ("Riduzione dei tempi di pagamento",
                 ("Rispetto dei termini di pagamento delle transazioni commerciali attraverso la liquidazione digitale "
                 "delle fatture e il monitoraggio mensile dello stock del debito."), "Assessore al bilancio Laura Sanna",
                 "Dott. Paolo Rinaldi", ALL_YEARS),
                ("Recupero dell’evasione dei tributi locali",
                 ("Incrocio delle banche dati catastali e anagrafiche per l’emissione degli avvisi di accertamento IMU e "
                 "TARI e rateizzazione agevolata per i contribuenti in difficoltà."), "Assessore al bilancio Laura Sanna",
                 "Dott. Paolo Rinaldi", ALL_YEARS),
                ("Centrale unica degli acquisti di beni e servizi",
                 ("Accentramento degli acquisti ricorrenti presso l’Economato e adesione alle convenzioni Consip e del "
                 "soggetto aggregatore regionale."), "Assessore al bilancio Laura Sanna", "Dott.ssa Ilaria Fontana",
                 (2026, 2027)),
                ("Aggiornamento dell’inventario dei beni comunali",
                 ("Ricognizione straordinaria dei beni mobili e immobili, riconciliazione con lo stato patrimoniale e "
                 "adozione di un applicativo unico per la gestione dell’inventario condiviso con l’Ufficio tecnico."),
                 "Assessore al bilancio Laura Sanna", "Dott.ssa Ilaria Fontana", (2025,)),
            ]),
            ("06", "Ufficio tecnico", [
                ("Programmazione triennale dei lavori pubblici",
                 ("Redazione del programma triennale e dell’elenco annuale sulla base delle schede ministeriali, con "
                 "verifica trimestrale dello stato di avanzamento delle opere finanziate."),
                 "Assessore ai lavori pubblici Franco Deiana", "Ing. Roberta Meloni", ALL_YEARS),
                ("Efficientamento energetico degli edifici scolastici",
                 ("Sostituzione degli infissi e delle centrali termiche della scuola primaria “Grazia Deledda” e della "
                 "palestra comunale, con fondi del Conto termico e contributi regionali."),
                 "Assessore ai lavori pubblici Franco Deiana", "Ing. Roberta Meloni", (2025, 2026)),
                ("Sportello unico per l’edilizia digitale",
                 ("Presentazione esclusivamente telematica delle pratiche edilizie, con istruttoria e pagamento dei "
                 "diritti tramite il portale del Comune e consultazione on line dello stato della pratica da parte "
                 "dei tecnici incaricati."), "Assessore all’urbanistica Marta Pinna",
                 "Geom. Antonio Serra", ALL_YEARS),
            ]),
        ]),
        ("09", "SVILUPPO SOSTENIBILE E TUTELA DEL TERRITORIO E DELL’AMBIENTE", [
            ("03", "Rifiuti", [
                ("Tariffa puntuale dei rifiuti urbani",
                 ("Passaggio dalla TARI presuntiva alla tariffa corrispettiva puntuale con la misurazione dei "
                 "conferimenti del secco residuo attraverso mastelli dotati di transponder."),
                 "Assessore all’ambiente Giovanni Mura", "Dott.ssa Elisa Cocco", (2026, 2027)),
                ("Nuovo centro comunale di raccolta",
                 ("Realizzazione del centro di raccolta in località Su Pranu e gestione affidata al gestore del "
                 "servizio di igiene urbana, con apertura anche il sabato pomeriggio."),
                 "Assessore all’ambiente Giovanni Mura", "Ing. Roberta Meloni", (2025, 2026)),
                ("Contrasto all’abbandono dei rifiuti",
                 ("Installazione di fototrappole nei punti critici, pulizia straordinaria delle strade rurali e "
                 "giornate ecologiche con le scuole e le associazioni di volontariato."),
                 "Assessore all’ambiente Giovanni Mura", "Dott.ssa Elisa Cocco", ALL_YEARS),
                ("Riduzione dei rifiuti negli uffici e nelle mense",
                 ("Eliminazione della plastica monouso negli uffici comunali e nelle mense scolastiche, con erogatori "
                 "di acqua di rete e stoviglie lavabili."), "Assessore all’ambiente Giovanni Mura",
                 "Dott.ssa Elisa Cocco", (2025,)),
            ]),
        ]),
    ]
    resources = [["Missione", "Previsione 2025", "Previsione 2026", "Previsione 2027"],
                 ["01 – Servizi istituzionali, generali e di gestione", "2.874.300,00", "2.790.100,00", "2.781.650,00"],
                 ["09 – Sviluppo sostenibile e tutela del territorio e dell’ambiente", "1.642.800,00",
                  "1.655.000,00", "1.660.200,00"],
                 ["Totale", "4.517.100,00", "4.445.100,00", "4.441.850,00"]]
    plan = _dup_plan(
        "dup-seo-b", "Comune di Pietralba", missions,
        code=lambda m, p, k: f"{m}{p}06{k:02d}", programme_label=lambda m, p: f"{m}{p}",
        font="Liberation Serif", heading_font="Liberation Sans", landscape=False, body_size=9.5,
        two_row_header=True,
        subtitle=["Sezione Operativa – Obiettivi operativi per missione e programma"],
        approval="Deliberazione del Consiglio comunale n. 41 del 20.12.2024",
        premessa=[("Gli obiettivi operativi sono codificati secondo la classificazione di bilancio: le prime quattro "
                  "cifre indicano la missione e il programma, le successive il titolo di spesa e il numero "
                  "progressivo dell’obiettivo. Le annualità contrassegnate indicano gli esercizi nei quali "
                  "l’obiettivo è in corso di realizzazione. Il responsabile politico è l’Assessore che ha la delega "
                  "della materia; il responsabile gestionale è il Responsabile di Area titolare di Elevata "
                  "Qualificazione a cui il Piano esecutivo di gestione assegna le risorse del programma.")],
        distractors=[("Quadro generale degli impieghi per missione (euro)", resources)])
    office = plan.groups[0].groups[1].objectives
    plan.split = (office[0].title[:24], office[-1].title[:24])
    return plan


# -- the fixtures: ICT (AgID content) ------------------------------------------------------------

CHAPTERS = {1: "Servizi", 2: "Dati", 3: "Piattaforme"}


def _strip_rst(text: str) -> str:
    text = re.sub(r"`([^`<]*?)\s*<[^>]*>`__", r"\1", text)   # `label <url>`__ → label
    text = text.replace("\\ ", "").replace("**", "").replace("*", "")
    return _clean(text) or ""


def agid_chapters(path: Path = AGID) -> list[Group]:
    """Chapters 1-3 of the AgID plan: OB.x.y › R.A.x.ya › Target YYYY lines, markup stripped."""
    source = path.read_text(encoding="utf-8")
    parts = re.split(r"^##### FILE: (\S+)$", source, flags=re.MULTILINE)
    chapters = []
    for name, body in zip(parts[1::2], parts[2::2]):
        chapter = re.match(r"capitolo-(\d+)-\w+/obiettivi-e-risultati-attesi", name)
        if not chapter or int(chapter.group(1)) not in CHAPTERS:
            continue
        number = int(chapter.group(1))
        objectives: list[Objective] = []
        for block in re.split(r"\n\s*\n", body):
            text = _strip_rst(block)
            if objective := re.fullmatch(r"(OB\.\d+\.\d+) - (.+)", text):
                objectives.append(Objective("general", None, objective.group(2), code=objective.group(1)))
            elif result := re.fullmatch(r"- (R\.A\.\d+\.\d+[a-z]) ([-–]) (.+)", text):
                objectives[-1].indicators.append(Indicator(result.group(3), [], code=result.group(1),
                                                           dash=result.group(2)))
            elif target := re.fullmatch(r"- Target (\d{4}) - (.+)", text):
                year, rest = int(target.group(1)), target.group(2)
                baseline = re.match(r"Baseline(?: \d+)?: ", rest)
                value = Value("baseline", year, rest[baseline.end():], baseline.group(0)) if baseline \
                    else Value("target", year, rest)
                objectives[-1].indicators[-1].values.append(value)
        chapters.append(Group(f"Capitolo {number} – {CHAPTERS[number]}", objectives))
    return chapters


def _ict_plan(name: str, **layout: Any) -> Plan:
    return Plan(name, "ict_plan", "Piano triennale per l'informatica nella Pubblica Amministrazione 2020-2022",
                "AgID", (2020, 2022), groups=agid_chapters(),
                subtitle=["Agenzia per l'Italia Digitale", "Obiettivi e risultati attesi – Capitoli 1-3"],
                premessa=[("Per ciascun capitolo sono riportati gli obiettivi del Piano, i risultati attesi e i target "
                          "annuali con cui se ne misura il raggiungimento; per il 2020 il target coincide, di norma, "
                          "con la baseline di riferimento. Il testo è quello del Piano triennale 2020-2022 pubblicato "
                          "da AgID (licenza CC0 1.0).")], **layout)


def ict_a() -> Plan:
    plan = _ict_plan("ict-a", font="Liberation Sans", heading_font="Liberation Sans", landscape=True, body_size=9.5,
                     layout="bullets")
    for chapter in plan.groups:  # the bulleted edition titles its chapters without the word 'Capitolo'
        chapter.heading = re.sub(r"Capitolo (\d+) – (.+)", r"\1. \2 – Obiettivi e risultati attesi", chapter.heading or "")
    return plan


def ict_b() -> Plan:
    return _ict_plan("ict-b", font="DejaVu Sans", heading_font="DejaVu Sans", landscape=False, body_size=8.5,
                     toc=True)


# -- the fixtures: Piano della performance, and a PEG that no shipped profile describes -----------

def _objective(level: str, label: str, number: str, title: str, **fields: Any) -> Objective:
    return Objective(level, label, title, number=number, **fields)


def performance_a() -> Plan:
    cols = [Column(f"Valore atteso {y}", "target", y) for y in (2026, 2027, 2028)]

    def ind(description: str, unit: str, *raws: str) -> Indicator:
        return Indicator(description, _values(cols, *raws), unit=unit)

    def management(number: str, title: str, description: str, centre: str, head: str, weight: str,
                   stakeholder: str, indicators: list[Indicator]) -> Objective:
        return _objective("operational", "Obiettivo gestionale", number, title, description=description,
                          department=centre, responsible=head, weight=weight,
                          attributes={"stakeholder": stakeholder}, indicators=indicators)

    strategic = [
        _objective("strategic", "Obiettivo strategico", "1", "Strade provinciali sicure e manutenute",
                   description=("La rete stradale provinciale è il primo servizio che i cittadini riconoscono "
                                "all’Ente: la programmazione triennale privilegia la manutenzione programmata "
                                "rispetto agli interventi d’urgenza."), children=[
            management("1.1", "Manutenzione programmata della rete viaria",
                       ("Esecuzione del programma annuale di rifacimento delle pavimentazioni e della segnaletica "
                        "orizzontale sulle strade a maggiore traffico, con il monitoraggio dei tempi di chiusura "
                        "dei cantieri."), "Settore Viabilità e Infrastrutture", "Ing. Paolo Ferretti", "30%",
                       "Utenti della rete stradale, Comuni del territorio", [
                           ind("Chilometri di pavimentazione rifatti nell’anno", "km", "25", "30", "30"),
                           ind("Segnalazioni di pericolo risolte entro 48 ore", "%", "≥ 85%", "≥ 90%", "≥ 90%"),
                           ind("Approvazione del programma delle manutenzioni", "data", "entro il 31/03/2026",
                               "entro il 31/03/2027", "entro il 31/03/2028")]),
            management("1.2", "Sicurezza dei ponti e dei viadotti",
                       ("Ispezioni periodiche delle opere d’arte secondo le linee guida ministeriali e "
                        "classificazione del rischio di ciascun manufatto."), "Settore Viabilità e Infrastrutture",
                       "Ing. Paolo Ferretti", "20%", "Utenti della rete stradale", [
                           ind("Ponti ispezionati sul totale censito", "%", "60%", "80%", "100%"),
                           ind("Schede di classificazione del rischio pubblicate", "SI/NO", "SI", "", "")]),
        ]),
        _objective("strategic", "Obiettivo strategico", "2", "Scuole superiori efficienti e accoglienti",
                   description=("Gli edifici scolastici di competenza provinciale devono essere sicuri, "
                                "accessibili e meno energivori."), children=[
            management("2.1", "Efficientamento energetico degli istituti superiori",
                       ("Sostituzione dei generatori di calore e degli infissi negli istituti con i consumi più "
                        "alti, finanziata con i fondi del conto termico."), "Settore Edilizia scolastica",
                       "Arch. Giulia Marchetti", "25%", "Studenti, famiglie e personale scolastico", [
                           ind("Riduzione dei consumi termici rispetto al 2025", "%", "5%", "10%", "15%"),
                           ind("Istituti con impianto sostituito", "numero", "2", "4", "6")]),
            management("2.2", "Assegnazione degli spazi e delle palestre",
                       ("Un’unica procedura on line per l’uso extrascolastico delle palestre da parte delle "
                        "associazioni sportive, con tariffe e calendari pubblicati."), "Servizio Patrimonio",
                       "Dott. Enrico Salvi", "25%", "Associazioni sportive del territorio", [
                           ind("Richieste di utilizzo gestite on line", "%", "70%", "90%", "100%"),
                           ind("Tempo medio di concessione, in giorni", "giorni", "20", "15", "15")]),
        ]),
    ]
    return Plan(
        "performance-a", "performance", "Piano della performance 2026-2028", "Provincia di Monteverde",
        (2026, 2028), "Carlito", "Carlito", landscape=False, body_size=10.5,
        groups=[Group(None, strategic)], shade_labels=True,
        subtitle=["Obiettivi strategici e gestionali dell’Ente"],
        approval="Decreto del Presidente della Provincia n. 18 del 29/01/2026",
        premessa=[("Il Piano della performance individua gli obiettivi gestionali assegnati ai Settori, con i "
                  "relativi indicatori e i valori attesi per ciascun anno del triennio; il peso di ciascun "
                  "obiettivo concorre alla valutazione della performance organizzativa.")],
        labels=[("Descrizione", "description"), ("Centro di responsabilità", "department"),
                ("Responsabile", "responsible"), ("Stakeholder", "stakeholder"), ("Peso %", "weight")],
        fixed_columns=[("Indicatore", "description"), ("Unità di misura", "unit")], columns=cols, toc=True)


def peg_a() -> Plan:
    """A layout no shipped profile describes (``tests/test_rules.py`` writes its profile): lines of
    mandate › projects with bold ``Label: value`` lines and 'Valore programmato' columns."""
    cols = [Column(f"Valore programmato {y}", "target", y) for y in (2026, 2027, 2028)]

    def ind(description: str, *raws: str) -> Indicator:
        return Indicator(description, _values(cols, *raws))

    def project(number: str, title: str, result: str, service: str, head: str, points: str,
                indicators: list[Indicator]) -> Objective:
        return _objective("operational", "Progetto", number, title, description=result, department=service,
                          responsible=head, weight=points, indicators=indicators)

    lines = [
        _objective("strategic", "Linea di mandato", "1", "Borgoalto ordinata e pulita",
                   description="Decoro urbano, rifiuti e verde pubblico come cura quotidiana del paese.", children=[
            project("1.1", "Raccolta differenziata porta a porta nelle frazioni",
                    "Estensione del porta a porta alle quattro frazioni e chiusura dei cassonetti stradali.",
                    "Servizio Ambiente", "Geom. Marco Bellini", "40", [
                        ind("Percentuale di raccolta differenziata", "72%", "75%", "78%"),
                        ind("Frazioni servite dal porta a porta", "2", "4", "4")]),
            project("1.2", "Cura del verde pubblico",
                    "Calendario degli sfalci pubblicato e adozione delle aiuole da parte dei cittadini.",
                    "Servizio Lavori pubblici", "Geom. Marco Bellini", "20", [
                        ind("Aiuole affidate in adozione", "5", "10", "15")]),
        ]),
        _objective("strategic", "Linea di mandato", "2", "Un Comune che risponde",
                   description="Tempi certi e risposte chiare a chi si rivolge agli uffici.", children=[
            project("2.1", "Protocollo e sportello unico",
                    "Smistamento della posta in arrivo in giornata e sportello aperto anche il sabato mattina.",
                    "Servizio Segreteria", "Dott.ssa Elena Rinaldi", "40", [
                        ind("Documenti smistati entro il giorno di arrivo", "90%", "95%", "95%"),
                        ind("Apertura dello sportello il sabato", "SI", "", "")]),
        ]),
    ]
    return Plan(
        "peg-a", "performance", "Piano esecutivo di gestione 2026-2028", "Comune di Borgoalto",
        (2026, 2028), "Liberation Sans", "Liberation Sans", landscape=False, body_size=10,
        groups=[Group(None, lines)], layout="lines",
        approval="Deliberazione della Giunta comunale n. 4 del 15/01/2026",
        premessa=[("Il Piano esecutivo di gestione assegna ai Servizi i progetti dell’anno, collegati alle linee "
                  "del programma di mandato, con i valori programmati degli indicatori di risultato.")],
        labels=[("Risultato atteso", "description"), ("Servizio competente", "department"),
                ("Responsabile del progetto", "responsible"), ("Punteggio", "weight")],
        fixed_columns=[("Indicatore di risultato", "description")], columns=cols)


FIXTURES: dict[str, Callable[[], Plan]] = {
    "piao-a": piao_a, "piao-b": piao_b, "pap-sheets-a": pap_a, "pap-sheets-b": pap_b,
    "dup-seo-a": dup_a, "dup-seo-b": dup_b, "ict-a": ict_a, "ict-b": ict_b,
    "performance-a": performance_a, "peg-a": peg_a}
# fixtures no shipped profile covers: not samples, test material for writing a profile
TEST_ONLY = {"peg-a": ROOT / "tests" / "fixtures" / "templates"}


def main(argv: list[str]) -> int:
    chosen = Path(argv[1]) if len(argv) > 1 and argv[1] else None
    names = argv[2:] or list(FIXTURES)
    for name in names:
        if name.startswith("ict") and not AGID.exists():
            print(f"{name}: skipped, {AGID} not found")
            continue
        pdf = build(FIXTURES[name](), chosen or TEST_ONLY.get(name, OUT_DIR))
        print(f"{pdf}  {pdf.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
