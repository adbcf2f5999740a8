"""Stage 3, segment: which template the document follows, and its blocks in reading order.

The profile is chosen by ``detect.py`` from the first pages (``survey``); then every page's lines,
running headers and footers removed (``furniture.py``), are cut into blocks, page after page:

* ``HeadingBlock``  a line matching a heading rule of the profile, plus its wrapped continuation lines;
* ``SheetBlock``    an objective's labelled fields, as a label | value table or as lines;
* ``AreaBlock``     an action-area band ('... AZIONE 3'), title lines gathered from the band;
* ``ClassBlock``    a mission or programme heading of the budget classification;
* ``TableBlock``    an indicator, owner, objective or value table, header to last row, continued
                    across pages;
* ``TextBlock``     everything else (descriptions, narrative).

Blocks say what the page *shows*; deciding what is an objective is left to ``extract.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

from .detect import Detection, detect_profile
from .layout import Line, Page, Rect, Word
from .rules import HeadingRule, Profile, RuleSet, TableRules, compiled
from .sheets import Sheet, label_key, read_sheet
from .text import fold
from .tables import Band, Header, Row, column_bands, match_header, read_rows, row_key, split_cells

TableKind = Literal["indicators", "owner", "objectives", "values"]


@dataclass(slots=True)
class _Titled:
    """A block whose title may wrap: its text line by line (joined by the extractor, which knows
    the words: 'DISCRIMINA-' + 'ZIONI' is one)."""

    title_lines: list[str]

    @property
    def title(self) -> str:
        return " ".join(self.title_lines)


@dataclass(slots=True)
class HeadingBlock(_Titled):
    code: str | None
    lines: list[Line]
    rule: HeadingRule
    number: str | None = None   # the plan's numbering ('1.2' of 'Obiettivo operativo 1.2')
    label: str | None = None    # the level's name as printed


@dataclass(slots=True)
class SheetBlock:
    """An objective's labelled fields (``sheets.py``)."""

    sheet: Sheet

    @property
    def lines(self) -> list[Line]:
        return self.sheet.lines


@dataclass(slots=True)
class AreaBlock(_Titled):
    number: int
    lines: list[Line]


@dataclass(slots=True)
class ClassBlock(_Titled):
    level: Literal["mission", "programme"]
    code: str
    lines: list[Line]


@dataclass(slots=True)
class TableBlock:
    kind: TableKind
    header: Header
    bands: list[Band]
    rows: list[Row] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)


@dataclass(slots=True)
class TextBlock:
    lines: list[Line]


Block = Union[HeadingBlock, AreaBlock, ClassBlock, TableBlock, SheetBlock, TextBlock]


SURVEY_PAGES = 40
"""The pages read before deciding the template and the body type size."""


@dataclass(slots=True)
class Survey:
    """What the first pages say about the whole document."""

    detection: Detection
    body_size: float
    title_text: str          # where a document names itself: metadata title and first page
    sample_lines: list[str]  # the text of the first pages

    @property
    def profile(self) -> Profile | None:
        return self.detection.chosen


def survey(pages: list[Page], metadata: dict[str, str], rules: RuleSet,
           more_text: list[str] = ()) -> Survey:
    """Decide the template from the first pages (and ``more_text`` of later ones, if read)."""
    first_page = pages[0].lines[:20] if pages else []
    title_text = "\n".join([metadata.get("Title", ""), *(line.text for line in first_page)])
    lines = [line.text for page in pages for line in page.lines]
    detection = detect_profile(title_text, "\n".join([*lines, *more_text]), rules)
    return Survey(detection, _body_font_size(pages), title_text, lines)


@dataclass(slots=True)
class SegmentedDocument:
    """The document as segmented: its survey, its furniture and (when kept, for ``explain``) its
    pages and blocks."""

    path: Path
    sha256: str
    metadata: dict[str, str]
    page_count: int
    survey: Survey
    furniture: list[Line] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)

    @property
    def profile(self) -> Profile | None:
        return self.survey.profile

    @property
    def detection(self) -> Detection:
        return self.survey.detection

    @property
    def body_size(self) -> float:
        return self.survey.body_size

    @property
    def kind(self) -> str:
        return self.profile.kind if self.profile else "unknown"


def _body_font_size(pages: list[Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            for word in line.words:
                sizes[round(word.size, 1)] += len(word.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def segments_of(line: Line, gap_factor: float = 1.5, walls: list[Rect] = ()) -> list[Line]:
    """Split a visual row where a horizontal gap is wider than ``gap_factor`` font sizes, or where
    a drawn vertical border (a cell's wall, in ``walls``) runs between two words."""
    parts: list[list[Word]] = []
    for word in line.words:
        previous = parts[-1][-1] if parts else None
        if previous is not None and word.x0 - previous.x1 <= gap_factor * word.size and not any(
                previous.x1 <= wall.x0 <= word.x0 and wall.top < word.bottom and wall.bottom > word.top
                for wall in walls):
            parts[-1].append(word)
        else:
            parts.append([word])
    return [Line(words=words, page=line.page) for words in parts]


class Segmenter:
    """Cuts pages into blocks, one page at a time (``feed``); ``take`` hands over the finished
    blocks — all but the last, which a table or text on the next page may still continue."""

    def __init__(self, profile: Profile, body_size: float) -> None:
        self.profile = profile
        self.body_size = body_size
        self.headings = [(rule, compiled(rule.pattern)) for rule in profile.headings]
        self.contents = compiled(profile.contents_pattern)
        self.marker = compiled(profile.action_area.marker_pattern) if profile.action_area else None
        c = profile.classification
        self.mission = compiled(c.mission_pattern) if c.mission_pattern else None
        self.programme = compiled(c.programme_pattern) if c.programme_pattern else None
        ind = profile.indicator_table
        self.code = compiled(ind.code_pattern) if ind else None
        values = profile.indicator_values.table if profile.indicator_values else None
        self.tables: list[tuple[TableKind, TableRules]] = [
            (kind, table) for kind, table in (("indicators", ind), ("objectives", profile.objective_table),
                                              ("owner", profile.owner_table), ("values", values)) if table]
        objectives = profile.objective_table
        self.objective_code = compiled(objectives.code_pattern) if objectives and objectives.code_pattern else None
        self._headers: dict[tuple, tuple[TableKind, TableRules, Header] | None] = {}
        self.row_labels = [fold(label) for label in ind.department_row_labels] if ind else []
        self.blocks: list[Block] = []
        self._walls: list[Rect] = []

    def protects(self, line: Line, page: Page) -> bool:
        """Lines that are structure, however often they repeat at a page's edge, are never running
        headers or footers: table headers, headings, table rows opening with a code or a row label."""
        first = line.words[0].text
        return bool(self.table_header([line], page.rects) is not None or self.heading_match(line)
                    or (self.code is not None and self.code.match(first))
                    or any(fold(line.text).startswith(label) for label in self.row_labels))

    def feed(self, page: Page) -> None:
        self._walls = [r for r in page.rects if r.bottom - r.top > 2 and r.x1 - r.x0 < 2]  # vertical rules
        lines = sorted(page.lines, key=lambda ln: (ln.top, ln.x0))
        consumed = self._area_bands(lines, page, self.blocks)
        self._walk(lines, consumed, page, self.blocks)
        self._headers.clear()  # keyed by line identity: only good for the page at hand

    def take(self, final: bool = False) -> list[Block]:
        done, self.blocks = (self.blocks, []) if final else (self.blocks[:-1], self.blocks[-1:])
        return done

    # -- line classification ---------------------------------------------------------------

    def emphasised(self, line: Line) -> bool:
        return line.bold or line.size >= self.body_size + 1.5

    def heading_match(self, line: Line) -> tuple[HeadingRule, re.Match[str]] | None:
        """The first heading rule the line matches (never an entry of a table of contents)."""
        for rule, pattern in self.headings:
            match = pattern.match(line.text)
            if match and (self.emphasised(line) or not rule.emphasised):
                return None if self.contents.search(line.text) else (rule, match)
        return None

    def _opens_named_heading(self, line: Line) -> bool:
        """A heading whose number or code is more than digits ('OB.2.2', 'Azione 3'): never the
        wrapped continuation of the previous one (a bare number may be: '2024 E PIANO …')."""
        found = self.heading_match(line)
        if found is None:
            return False
        groups = found[1].groupdict()
        return bool(groups.get("label")) or not (groups.get("code") or groups.get("number") or "").isdigit()

    def sheet_label(self, line: Line) -> bool:
        sheet = self.profile.sheet
        return sheet is not None and (label_key(line.text, sheet) is not None or label_key(
            " ".join(w.text for w in segments_of(line, walls=self._walls)[0].words), sheet, partial=True) is not None)

    def class_match(self, line: Line) -> tuple[str, re.Match[str]] | None:
        if not self.emphasised(line):
            return None
        for level, pattern in (("mission", self.mission), ("programme", self.programme)):
            if pattern and (match := pattern.match(line.text)):
                return level, match
        return None

    def marker_segment(self, line: Line) -> Line | None:
        if self.marker is None or not self.emphasised(line):
            return None
        return next((s for s in segments_of(line, walls=self._walls) if self.marker.match(s.text)), None)

    def table_header(self, lines: list[Line], rects: list[Rect]) -> tuple[TableKind, TableRules, Header] | None:
        key = (tuple(id(line) for line in lines), id(rects))
        if key not in self._headers:  # asked again and again while tables and headings are delimited
            self._headers[key] = next(((kind, rules, header) for kind, rules in self.tables
                                       if (header := match_header(lines, rules, rects))), None)
        return self._headers[key]

    def starts_block(self, lines: list[Line], index: int, rects: list[Rect]) -> bool:
        line = lines[index]
        return bool(self.heading_match(line) or self.class_match(line) or self.marker_segment(line)
                    or self.table_header(lines[index:index + 2], rects))

    # -- walking a page ----------------------------------------------------------------------

    def _area_bands(self, lines: list[Line], page: Page, blocks: list[Block]) -> dict[int, AreaBlock]:
        """Find action-area bands first: their title lines sit above and below the marker."""
        bands: dict[int, AreaBlock] = {}
        for line in lines:
            marker = self.marker_segment(line)
            if marker is None or id(line) in bands:
                continue
            match = self.marker.match(marker.text)
            members = self._band_lines(line, lines, page.rects)
            parts = [match.groupdict().get("title") or ""]
            parts += [" ".join(w.text for w in ln.words if w not in marker.words) for ln in members]
            block = AreaBlock([part.strip() for part in parts if part.strip()], int(match.group("number")), members)
            for member in members:
                bands[id(member)] = block
        return bands

    def _band_lines(self, marker_line: Line, lines: list[Line], rects: list[Rect]) -> list[Line]:
        x = (marker_line.x0 + marker_line.x1) / 2
        y = (marker_line.top + marker_line.bottom) / 2
        filled = [r for r in rects if r.filled and r.contains(x, y) and r.bottom - r.top < marker_line.size * 8]
        if filled:
            band = min(filled, key=lambda r: (r.x1 - r.x0) * (r.bottom - r.top))
            return [ln for ln in lines if band.contains((ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2)]
        members = [marker_line]
        for direction in (-1, 1):  # same-style neighbours just above and below
            index = lines.index(marker_line)
            while 0 <= index + direction < len(lines):
                neighbour, index = lines[index + direction], index + direction
                edge = members[0] if direction < 0 else members[-1]
                gap = edge.top - neighbour.bottom if direction < 0 else neighbour.top - edge.bottom
                if (gap > marker_line.size or abs(neighbour.size - marker_line.size) > 0.6
                        or not self.emphasised(neighbour) or self.heading_match(neighbour)):
                    break
                members.insert(0, neighbour) if direction < 0 else members.append(neighbour)
        return members

    def _walk(self, lines: list[Line], areas: dict[int, AreaBlock], page: Page, blocks: list[Block]) -> None:
        index = 0
        continuing = self._open_table(blocks)
        open_sheet = blocks[-1] if blocks and isinstance(blocks[-1], SheetBlock) else None
        while index < len(lines):
            line = lines[index]
            if index > 0:
                open_sheet = None  # only the first line of a page carries on a sheet
            if id(line) in areas:
                area = areas[id(line)]
                if not blocks or blocks[-1] is not area:
                    blocks.append(area)
                index += 1
                continuing = None
                continue
            found = self.table_header(lines[index:index + 2], page.rects)
            if found:
                kind, rules, header = found
                index = self._table(kind, header, lines, index + len(header.lines), page, blocks, areas,
                                    previous=continuing if continuing and continuing.kind == kind else None)
                continuing = None
                continue
            if continuing and self._continues(continuing, line):
                index = self._extend_table(continuing, lines, index, page, areas)
                continuing = None
                continue
            continuing = None
            if (cls := self.class_match(line)):
                index = self._classification(*cls, lines, index, blocks)
            elif (heading := self.heading_match(line)):
                index = self._heading(*heading, lines, index, blocks)
            elif self.sheet_label(line) and (found := self._sheet(lines, index, page, previous=open_sheet)):
                if open_sheet is not None:  # the rest of a sheet broken by the page
                    open_sheet.sheet.entries += found[0].entries
                    open_sheet.sheet.lines += found[0].lines
                else:
                    blocks.append(SheetBlock(found[0]))
                index = found[1]
            else:
                if blocks and isinstance(blocks[-1], TextBlock) and blocks[-1].lines[-1].page == page.number:
                    blocks[-1].lines.append(line)
                else:
                    blocks.append(TextBlock([line]))
                index += 1

    def _wrapped(self, lines: list[Line], index: int) -> list[Line]:
        """A heading's line and the lines its text wraps onto: same style, at line spacing."""
        first = lines[index]
        members = [first]
        for line in lines[index + 1:]:
            # a wrapped title line may itself start with a number ('... 2022 -' / '2024 E PIANO ...'):
            # at line spacing it continues the title, since two headings never touch
            if (line.top - members[-1].bottom > first.size * 0.8 or abs(line.size - first.size) > 0.6
                    or line.bold != first.bold or self.class_match(line) or self.marker_segment(line)
                    or self.table_header([line], []) or self._opens_named_heading(line)):
                break
            members.append(line)
        return members

    def _heading(self, rule: HeadingRule, match: re.Match[str], lines: list[Line], index: int,
                 blocks: list[Block]) -> int:
        members = self._wrapped(lines, index)
        if any(self.contents.search(ln.text) for ln in members):  # an entry of a table of contents, wrapped
            blocks.append(TextBlock(members))
            return index + len(members)
        groups = match.groupdict()
        blocks.append(HeadingBlock([match.group("title")] + [ln.text for ln in members[1:]], groups.get("code"),
                                   members, rule, groups.get("number"), groups.get("label")))
        return index + len(members)

    def _sheet(self, lines: list[Line], index: int, page: Page, previous: SheetBlock | None = None,
               ) -> tuple[Sheet, int] | None:
        """A sheet starting at ``lines[index]``; the rest of a ``previous`` one needs a single field."""
        return read_sheet(lines, index, self.profile.sheet, page.rects, self._walls,
                          _region_bottom(lines[index].bbox, page.rects),
                          lambda i: self.starts_block(lines, i, page.rects), min_fields=1 if previous else None)

    def _classification(self, level: str, match: re.Match[str], lines: list[Line], index: int,
                        blocks: list[Block]) -> int:
        members = self._wrapped(lines, index)
        blocks.append(ClassBlock([match.group("title")] + [ln.text for ln in members[1:]], level,
                                 match.group("code"), members))
        return index + len(members)

    # -- tables ----------------------------------------------------------------------------

    def _table_body(self, lines: list[Line], start: int, page: Page, areas: dict[int, AreaBlock],
                    region_bottom: float | None) -> int:
        """Index after the last line of a table body starting at ``start``."""
        end = start
        while end < len(lines):
            line = lines[end]
            if id(line) in areas or self.starts_block(lines, end, page.rects):
                break
            if region_bottom is not None and line.top > region_bottom:
                break
            if region_bottom is None and end > start and line.top - lines[end - 1].bottom > 2.5 * line.size:
                break
            end += 1
        return end

    def _table(self, kind: TableKind, header: Header, lines: list[Line], start: int, page: Page,
               blocks: list[Block], areas: dict[int, AreaBlock], previous: TableBlock | None) -> int:
        region_bottom = _region_bottom(header.bbox, page.rects)
        end = self._table_body(lines, start, page, areas, region_bottom)
        body = lines[start:end]
        bands = column_bands(header, body, page.rects)
        table = previous or TableBlock(kind=kind, header=header, bands=bands)
        table.bands = bands
        _append_rows(table, self._rows(kind, body, bands, page.rects, continuing=previous is not None))
        table.pages.append(page.number)
        if previous is None:
            blocks.append(table)
        return end

    def _continues(self, table: TableBlock, line: Line) -> bool:
        """Whether the first line of a page carries on the table left open on the previous page:
        a new row opening with a code, or the rest of a row broken by the page, in the table's
        place and type size."""
        if self.heading_match(line) or self.class_match(line) or self.marker_segment(line):
            return False
        first = split_cells(line, table.bands).get(row_key(table.bands), [])
        if table.kind == "indicators" and first and self.code and self.code.match(first[0].text):
            return True
        if table.kind == "objectives" and first and self.objective_code and self.objective_code.match(first[0].text):
            return True
        if table.kind == "indicators" and any(fold(line.text).startswith(label) for label in self.row_labels):
            return True  # the table's first row, under a header left at the foot of the previous page
        x0, _, x1, _ = table.header.bbox
        reference = table.rows[-1].lines[-1] if table.rows else table.header.lines[-1]
        return (line.x0 >= x0 - line.size and line.x1 <= x1 + 2 * line.size
                and abs(line.size - reference.size) <= 0.6 and line.bold == reference.bold)

    def _extend_table(self, table: TableBlock, lines: list[Line], index: int, page: Page,
                      areas: dict[int, AreaBlock]) -> int:
        region_bottom = _region_bottom(lines[index].bbox, page.rects)
        end = self._table_body(lines, index, page, areas, region_bottom)
        _append_rows(table, self._rows(table.kind, lines[index:end], table.bands, page.rects, continuing=True))
        table.pages.append(page.number)
        return end

    def _rows(self, kind: TableKind, body: list[Line], bands: list[Band], rects: list[Rect],
              continuing: bool = False) -> list[Row]:
        if kind == "indicators":
            rules = self.profile.indicator_table
            return read_rows(body, bands, self.code, rules.department_row_labels, continuing=continuing, rects=rects,
                             by_bands=rules.rows == "bands")
        if kind == "objectives":
            return read_rows(body, bands, self.objective_code, continuing=continuing, rects=rects)
        return read_rows(body, bands, None, continuing=continuing, rects=rects)

    @staticmethod
    def _open_table(blocks: list[Block]) -> TableBlock | None:
        return blocks[-1] if blocks and isinstance(blocks[-1], TableBlock) else None


def _append_rows(table: TableBlock, rows: list[Row]) -> None:
    """Add rows read on a page; the rest of a row broken by the page joins that row."""
    if rows and rows[0].continued and table.rows:
        table.rows[-1].merge(rows.pop(0))
    table.rows += rows


def _region_bottom(header_box: tuple[float, float, float, float], rects: list[Rect]) -> float | None:
    """Bottom of the stack of drawn cells that starts at the header, or None when none are drawn."""
    x0, top, x1, bottom = header_box
    middle = (top + bottom) / 2
    cells = sorted((r for r in rects if r.x1 > x0 and r.x0 < x1), key=lambda r: r.top)
    start = [r for r in cells if r.top - 0.5 <= middle <= r.bottom + 0.5 and r.bottom - r.top < 4 * (bottom - top)]
    if not start:
        return None
    region = max(r.bottom for r in start)
    for rect in cells:
        if rect.top <= region + 2.0 and rect.bottom > region:
            region = rect.bottom
    return region


__all__ = ["AreaBlock", "Block", "ClassBlock", "HeadingBlock", "SegmentedDocument", "Segmenter", "SheetBlock",
           "Survey", "TableBlock", "TextBlock", "segments_of", "survey"]
