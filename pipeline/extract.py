"""Stage 4, extract: objectives, indicators, action areas and strategic directions, as printed.

An objective is a heading block *confirmed by the table that closes it*: an indicator table makes
it a specific objective, an owner table a general one (``levels`` in the profile). Numbered
headings of the narrative ('2 RAFFORZAMENTO DEI COMITATI …') have no such table and are not
objectives — this is what keeps the extraction from inventing codes.

Values stay strings here; ``normalise.py`` types them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .layout import Line, union_bbox
from .rules import Profile, compiled
from .segment import AreaBlock, Block, ClassBlock, HeadingBlock, TableBlock, TextBlock
from .tables import Row, row_key
from .text import fold, join_lines, squash

Box = tuple[float, float, float, float]
SECTION_LEAD_LINES = 5


@dataclass(slots=True)
class RawClassification:
    code: str
    title: str | None


@dataclass(slots=True)
class RawObjective:
    code: str
    level: str
    title: str
    description: str | None
    department: str | None
    political_owner: str | None
    action_area: int | None
    mission: RawClassification | None
    programme: RawClassification | None
    page: int
    bbox: Box


@dataclass(slots=True)
class RawIndicator:
    code: str
    objective_code: str
    description: str
    unit_raw: str | None
    target_raw: str | None
    actual_raw: str | None
    page: int
    bbox: Box


@dataclass(slots=True)
class RawArea:
    number: int
    title: str
    page: int
    bbox: Box


@dataclass(slots=True)
class RawDirection:
    code: str
    area: str
    text: str
    page: int
    bbox: Box


@dataclass(slots=True)
class Issue:
    kind: str
    message: str
    page: int | None = None
    ref: str | None = None


@dataclass(slots=True)
class Extracted:
    objectives: list[RawObjective] = field(default_factory=list)
    indicators: list[RawIndicator] = field(default_factory=list)
    action_areas: list[RawArea] = field(default_factory=list)
    strategic_directions: list[RawDirection] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


class Extractor:
    """Takes blocks (and, for the strategic directions, the lines) in reading order as pages go by."""

    def __init__(self, profile: Profile, body_size: float, is_word: Callable[[str], bool] | None = None) -> None:
        self.walker = _Walker(profile, is_word)
        self.directions = DirectionsReader(profile, body_size) if profile.strategic_directions else None

    def feed(self, lines: list[Line], blocks: list[Block]) -> None:
        if self.directions is not None:
            for line in lines:
                self.directions.feed(line)
        for block in blocks:
            self.walker.visit(block)

    def finish(self, blocks: list[Block]) -> Extracted:
        self.feed([], blocks)
        result = self.walker.result
        if self.directions is not None:
            result.strategic_directions = self.directions.finish()
        return result


class _Walker:
    """Walks the blocks in reading order, remembering the current area, mission and programme."""

    def __init__(self, profile: Profile, is_word: Callable[[str], bool] | None) -> None:
        self.profile = profile
        self.is_word = is_word
        self.result = Extracted()
        self.area: int | None = None
        self.mission: RawClassification | None = None
        self.programme: RawClassification | None = None
        self.titles: dict[tuple[str, str], str] = {}
        self.heading: HeadingBlock | None = None
        self.context: tuple[int | None, RawClassification | None, RawClassification | None] = (None, None, None)
        self.description: list[Line] = []

    def visit(self, block: object) -> None:
        if isinstance(block, AreaBlock):
            self._area(block)
        elif isinstance(block, ClassBlock):
            self._classification(block)
        elif isinstance(block, HeadingBlock):
            self.heading, self.description = block, []
            self.context = (self.area, self.mission, self.programme)
        elif isinstance(block, TextBlock):
            if self.heading is not None:
                self.description += block.lines
        elif isinstance(block, TableBlock):
            self._table(block)

    def _area(self, block: AreaBlock) -> None:
        self.area = block.number
        if all(a.number != block.number for a in self.result.action_areas):
            box = union_bbox(ln.bbox for ln in block.lines)
            self.result.action_areas.append(RawArea(block.number, self._join(block.title_lines), block.lines[0].page, box))

    def _classification(self, block: ClassBlock) -> None:
        item = RawClassification(block.code, self._join(block.title_lines))
        self.titles[(block.level, block.code)] = item.title
        if block.level == "mission":
            self.mission, self.programme = item, None
        else:
            self.programme = item

    def _table(self, table: TableBlock) -> None:
        if self.heading is None:
            page = table.pages[0] if table.pages else None
            self.result.issues.append(Issue("orphan_table", f"{table.kind} table with no objective heading above it",
                                            page))
            return
        if table.kind == "indicators":
            self._objective_with_indicators(table)
        else:
            self._objective_with_owner(table)
        self.heading = None

    def _new_objective(self, level: str) -> RawObjective:
        heading = self.heading
        area, mission, programme = self.context
        first_page = heading.lines[0].page
        lines_on_page = [ln for ln in heading.lines + self.description if ln.page == first_page]
        description = join_lines((ln.text for ln in self.description), self.is_word) or None
        objective = RawObjective(
            code=heading.code, level=level, title=self._clean_title(self._join(heading.title_lines)), description=description,
            department=None, political_owner=None, action_area=area, mission=mission, programme=programme,
            page=first_page, bbox=union_bbox(ln.bbox for ln in lines_on_page))
        self.result.objectives.append(objective)
        return objective

    def _join(self, lines: list[str]) -> str:
        return join_lines(lines, self.is_word)

    def _clean_title(self, title: str) -> str:
        title = squash(title)
        for rule in self.profile.objective_heading.title_cleanup:
            title = compiled(rule.pattern).sub(rule.replace, title).strip()
        return title

    def _objective_with_indicators(self, table: TableBlock) -> None:
        objective = self._new_objective(self.profile.levels.with_indicator_table)
        rules = self.profile.indicator_table
        labels = [fold(label) for label in rules.department_row_labels]
        code_pattern = compiled(rules.code_pattern)
        key = row_key(table.bands)
        for row in table.rows:
            label_cell = next(((cell, label) for cell in row.cells for label in labels
                               if fold(row.text(cell)).startswith(label)), None)
            if label_cell is not None:
                cell, label = label_cell
                rest = _strip_label(row.text(cell), label) or ""
                objective.department = _or_none(f"{rest} {row.all_text(exclude=(cell,))}") or objective.department
                continue
            indicator = self._indicator(row, key, code_pattern, objective.code)
            if indicator is None:
                self.result.issues.append(Issue("unreadable_row", f"table row without an indicator code: "
                                                f"{squash(row.all_text())[:80]!r}", row.page, objective.code))
            else:
                self.result.indicators.append(indicator)

    def _indicator(self, row: Row, key: str, code_pattern: re.Pattern[str], objective_code: str) -> RawIndicator | None:
        """Code and description: from a code column and a description column, or both from one."""
        if key == "code":
            code, lines = squash(row.text("code")), row.cell_lines("description")
        else:
            lines = row.cell_lines(key)
            if not lines:
                return None
            code, _, rest = lines[0].partition(" ")
            lines = [rest, *lines[1:]]
        if not code_pattern.match(code):
            return None
        description = join_lines(lines, self.is_word)
        return RawIndicator(
            code=code, objective_code=objective_code, description=description,
            unit_raw=_or_none(row.text("unit")), target_raw=_or_none(row.text("target")),
            actual_raw=_or_none(row.text("actual")), page=row.page, bbox=row.bbox)

    def _objective_with_owner(self, table: TableBlock) -> None:
        objective = self._new_objective(self.profile.levels.with_owner_table)
        text = {key: join_lines(_cell_lines_all(table.rows, key), self.is_word) for key in
                ("political_owner", "department", "mission_programme")}
        objective.political_owner = _or_none(text["political_owner"])
        objective.department = _or_none(text["department"])
        pattern = self.profile.classification.owner_cell_pattern
        match = compiled(pattern).search(text["mission_programme"]) if pattern else None
        if match:
            mission_code, programme_code = match.group("mission"), match.group("programme")
            if objective.mission is None or objective.mission.code != mission_code:
                objective.mission = RawClassification(mission_code, self.titles.get(("mission", mission_code)))
            if objective.programme is None or objective.programme.code != programme_code:
                objective.programme = RawClassification(programme_code,
                                                        self.titles.get(("programme", programme_code)))


def _cell_lines_all(rows: list[Row], key: str) -> list[str]:
    return [text for row in rows for text in row.cell_lines(key)]


def _strip_label(text: str, folded_label: str) -> str | None:
    words = squash(text).split(" ")
    for n in range(1, len(words) + 1):
        if fold(" ".join(words[:n])) == folded_label:
            rest = " ".join(words[n:]).lstrip(":-\u2013 ")
            return rest or None
    return None


def _or_none(text: str | None) -> str | None:
    return squash(text) if text and squash(text) else None


# -- strategic directions --------------------------------------------------------------------

class DirectionsReader:
    """Numbered areas ('1. SALUTE ORGANIZZATIVA') with lettered items, after a section heading.

    Lines come in reading order. The first section heading followed (within a few lines) by a
    numbered area wins; the section ends at the first line that is neither an area, an item, nor an
    item's wrapped continuation.
    """

    def __init__(self, profile: Profile, body_size: float) -> None:
        rules = profile.strategic_directions
        self.section = compiled(rules.section_pattern)
        self.area_re, self.item_re = compiled(rules.area_pattern), compiled(rules.item_pattern)
        self.body_size = body_size
        self.directions: list[RawDirection] = []
        self.state = "searching"  # searching | reading | done
        self.lead = 0
        self.area: tuple[str, str] | None = None
        self.item: list[Line] = []
        self.item_code = ""

    def feed(self, line: Line) -> None:
        if self.state == "done":
            return
        if self.state == "reading" and not self._read(line):
            self._close()
        if self.state == "searching" and self.section.match(line.text):
            self.state, self.lead, self.area, self.item = "reading", 0, None, []

    def finish(self) -> list[RawDirection]:
        if self.state == "reading":
            self._close()
        return self.directions

    def _read(self, line: Line) -> bool:
        """Take a line of the section; False when it ends the section."""
        emphasised = line.bold or line.size >= self.body_size + 1.5
        if emphasised and (match := self.area_re.match(line.text)):
            self._flush()
            self.item = []
            self.area = (match.group("number"), squash(match.group("title")).rstrip(":").strip())
        elif self.area and not emphasised and (match := self.item_re.match(line.text)):
            self._flush()
            self.item, self.item_code = [line], f"{self.area[0]}.{match.group('letter').lower()}"
        elif self.item and not emphasised and line.x0 >= self.item[0].x0 - 2:
            self.item.append(line)
        elif self.area is None and self.lead < SECTION_LEAD_LINES:
            self.lead += 1  # sub-headings between the section heading and its first area
        else:
            return False
        return True

    def _flush(self) -> None:
        if self.item and self.area:
            first = self.item_re.match(self.item[0].text).group("text")
            text = join_lines([first, *(ln.text for ln in self.item[1:])])
            self.directions.append(RawDirection(self.item_code, self.area[1], text, self.item[0].page,
                                                union_bbox(ln.bbox for ln in self.item)))
        self.item = []

    def _close(self) -> None:
        self._flush()
        self.state = "done" if self.directions else "searching"
