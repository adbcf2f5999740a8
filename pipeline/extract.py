"""Stage 4, extract: objectives (at every level, with their parents), indicators and their values,
action areas and strategic directions, as printed.

The blocks come in reading order. A heading rule of the profile opens an objective — at once when
the rule says ``confirm: always``, otherwise only when a table of the profile (indicators, owner,
sheet) follows before the next heading: numbered headings of the narrative ('2 RAFFORZAMENTO DEI
COMITATI …') have no such table, which is what keeps the extraction from inventing objectives.
Open objectives form a stack by rule rank, so a parent heading is never replaced by its child; a
heading's parent is found as its rule says (nesting, numbering, code prefix). Tables whose rows are
objectives add one objective per row; indicators printed as headings take their values from the
lines or the small table below them.

Values stay strings here; ``normalise.py`` types them and gives every item its id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .directions import DirectionsReader
from .layout import Line, union_bbox
from .raw import (Extracted, Issue, RawArea, RawClassification, RawIndicator, RawObjective, RawValue)
from .rules import HeadingRule, Profile, compiled
from .segment import AreaBlock, Block, ClassBlock, HeadingBlock, SheetBlock, TableBlock, TextBlock
from .tables import UNMAPPED, Band, Row, row_key
from .text import fold, join_lines, squash

__all__ = ["Extracted", "Extractor", "RawClassification", "RawIndicator", "RawObjective"]

_VALUE_KEYS = ("baseline", "target", "actual")


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


@dataclass(slots=True)
class _Pending:
    """A heading that becomes an objective if a table confirms it."""

    block: HeadingBlock
    rank: int
    context: tuple[int | None, RawClassification | None, RawClassification | None]
    description: list[Line] = field(default_factory=list)


class _Walker:
    """Walks the blocks in reading order, remembering the open objectives, the current area,
    mission and programme, and the indicator whose values are being read."""

    def __init__(self, profile: Profile, is_word: Callable[[str], bool] | None) -> None:
        self.profile = profile
        self.is_word = is_word
        self.result = Extracted()
        self.ranks = {rule.name: rank for rank, rule in enumerate(profile.headings)}
        self.area: int | None = None
        self.mission: RawClassification | None = None
        self.programme: RawClassification | None = None
        self.titles: dict[tuple[str, str], str] = {}
        self.open: list[tuple[int, RawObjective]] = []   # (rule rank, objective), broadest first
        self.pending: _Pending | None = None
        self.last: RawObjective | None = None            # the objective the blocks below a heading belong to
        self.describing: tuple[RawObjective, list[Line]] | None = None
        self.indicator: RawIndicator | None = None       # an indicator heading taking its values
        values = profile.indicator_values
        self.value_lines = [(compiled(v.pattern), v.kind) for v in values.lines] if values else []
        self.baseline_prefix = compiled(values.baseline_prefix) if values and values.baseline_prefix else None

    # -- blocks ---------------------------------------------------------------------------------

    def visit(self, block: object) -> None:
        if isinstance(block, TextBlock):
            self._text(block.lines)
            return
        self.describing = None
        if isinstance(block, AreaBlock):
            self._area(block)
        elif isinstance(block, ClassBlock):
            self._classification(block)
        elif isinstance(block, HeadingBlock):
            self._heading(block)
        elif isinstance(block, SheetBlock):
            self._sheet(block)
        elif isinstance(block, TableBlock):
            self._table(block)

    def _text(self, lines: list[Line]) -> None:
        if self.indicator is not None:
            self._value_lines(lines)
        elif self.pending is not None:
            self.pending.description += lines
        elif self.describing is not None:
            objective, description = self.describing
            description += lines
            objective.description = self._join([ln.text for ln in description]) or None

    def _area(self, block: AreaBlock) -> None:
        self.area = block.number
        if all(a.number != block.number for a in self.result.action_areas):
            box = union_bbox(ln.bbox for ln in block.lines)
            self.result.action_areas.append(RawArea(block.number, self._join(block.title_lines), block.lines[0].page,
                                                    box))

    def _classification(self, block: ClassBlock) -> None:
        item = RawClassification(block.code, self._join(block.title_lines))
        self.titles[(block.level, block.code)] = item.title
        if block.level == "mission":
            self.mission, self.programme = item, None
        else:
            self.programme = item

    def _heading(self, block: HeadingBlock) -> None:
        self.pending = self.indicator = self.last = None
        rule = block.rule
        if rule.kind == "indicator":
            parent = self.open[-1][1] if self.open else None
            self.indicator = RawIndicator(block.code, parent, self._join(block.title_lines), block.lines[0].page,
                                          union_bbox(ln.bbox for ln in block.lines if ln.page == block.lines[0].page))
            self.result.indicators.append(self.indicator)
            return
        rank = self.ranks[rule.name]
        while self.open and self.open[-1][0] >= rank:
            self.open.pop()
        pending = _Pending(block, rank, (self.area, self.mission, self.programme))
        if rule.confirm == "always":
            objective = self._confirm(pending, rule.level or self.profile.levels.with_sheet)
            self.describing = (objective, [])
        else:
            self.pending = pending

    def _confirm(self, pending: _Pending, level: str) -> RawObjective:
        """The objective a heading opens, now that it is one."""
        block, rule = pending.block, pending.block.rule
        area, mission, programme = pending.context
        first_page = block.lines[0].page
        lines_on_page = [ln for ln in block.lines + pending.description if ln.page == first_page]
        objective = RawObjective(
            code=block.code, number=block.number, level=rule.level or level,
            level_label=squash(block.label) if block.label else None,
            title=self._clean_title(self._join(block.title_lines), rule), page=first_page,
            bbox=union_bbox(ln.bbox for ln in lines_on_page),
            parent=self._parent(rule, pending.rank, block.code, block.number),
            description=self._join([ln.text for ln in pending.description]) or None,
            action_area=area, mission=mission, programme=programme)
        self.result.objectives.append(objective)
        self.open.append((pending.rank, objective))
        self.pending, self.last = None, objective
        return objective

    def _parent(self, rule: HeadingRule, rank: int, code: str | None, number: str | None) -> RawObjective | None:
        if rule.parent == "none":
            return None
        nearest = self.open[-1][1] if self.open and self.open[-1][0] < rank else None
        if rule.parent == "numbering" and number and "." in number:
            wanted = number.rsplit(".", 1)[0]
            return next((o for o in reversed(self.result.objectives) if o.number == wanted), nearest)
        if rule.parent == "prefix" and code:
            return _by_prefix(code, self.result.objectives) or nearest
        return nearest

    def _owner_of_next_table(self, level: str) -> RawObjective | None:
        """The objective a table or sheet belongs to: the heading it confirms, or the last one."""
        if self.pending is not None:
            return self._confirm(self.pending, level)
        return self.last

    # -- sheets -----------------------------------------------------------------------------------

    def _sheet(self, block: SheetBlock) -> None:
        objective = self._owner_of_next_table(self.profile.levels.with_sheet)
        page = block.lines[0].page
        if objective is None:
            self.result.issues.append(Issue("orphan_table", "sheet of labelled fields with no objective heading above "
                                                            "it", page))
            return
        for entry in block.sheet.entries:
            value = self._join(entry.value_lines) or None
            if entry.key is None:
                self.result.issues.append(Issue(
                    "unmapped_field", f"the field '{entry.label}' of the objective's sheet is not mapped by any rule: "
                                      f"its value is not extracted", page, item=objective))
            elif value is not None:
                _set_field(objective, entry.key, value)

    # -- tables ------------------------------------------------------------------------------------

    def _table(self, table: TableBlock) -> None:
        page = table.pages[0] if table.pages else None
        unmapped = [band.label for band in table.header.columns if band.key == UNMAPPED]
        if unmapped:
            self.result.issues.append(Issue(
                "unmapped_column", f"{table.kind} table: column(s) {', '.join(repr(u) for u in unmapped)} not mapped "
                                   f"by any rule: their cells are not extracted", page))
        if table.kind == "objectives":
            self._objective_rows(table)
        elif table.kind == "values":
            self._value_rows(table)
        else:
            level = (self.profile.levels.with_indicator_table if table.kind == "indicators"
                     else self.profile.levels.with_owner_table)
            objective = self._owner_of_next_table(level)
            if objective is None:
                self.result.issues.append(Issue("orphan_table", f"{table.kind} table with no objective heading above "
                                                                f"it", page))
            elif table.kind == "indicators":
                self._indicator_rows(table, objective)
            else:
                self._owner_rows(table, objective)

    def _indicator_rows(self, table: TableBlock, objective: RawObjective) -> None:
        rules = self.profile.indicator_table
        labels = [fold(label) for label in rules.department_row_labels]
        code_pattern = compiled(rules.code_pattern)
        key = row_key(table.bands)
        codeless = rules.rows == "bands" or not any(
            code_pattern.match(_first_token(row, key)) for row in table.rows if not _department_row(row, labels))
        for row in table.rows:
            label_cell = _department_row(row, labels)
            if label_cell is not None:
                cell, label = label_cell
                rest = _strip_label(row.text(cell), label) or ""
                objective.department = _or_none(f"{rest} {row.all_text(exclude=(cell,))}") or objective.department
                continue
            indicator = self._indicator(row, table.bands, key, code_pattern, codeless, objective)
            if indicator is None:
                if squash(row.all_text()):
                    self.result.issues.append(Issue("unreadable_row", f"table row without an indicator code: "
                                                    f"{squash(row.all_text())[:80]!r}", row.page, item=objective))
            else:
                self.result.indicators.append(indicator)

    def _indicator(self, row: Row, bands: list[Band], key: str, code_pattern: re.Pattern[str], codeless: bool,
                   objective: RawObjective) -> RawIndicator | None:
        """Code and description: from a code column and a description column, or both from one."""
        if key == "code":
            code, lines = squash(row.text("code")), row.cell_lines("description")
        else:
            lines = row.cell_lines(key)
            if not lines:
                return None
            code, _, rest = lines[0].partition(" ")
            if code_pattern.match(code):
                lines = [rest, *lines[1:]]
        if not code_pattern.match(code):
            if not codeless or not lines:
                return None
            code = None
        values = [RawValue(band.key, raw, band.year, band.ordinal) for band in bands
                  if band.key in _VALUE_KEYS and (raw := _or_none(self._join(row.cell_lines(band.id))))]
        return RawIndicator(
            code=code or None, objective=objective, description=self._join(lines), page=row.page, bbox=row.bbox,
            formula=_or_none(self._join(row.cell_lines("formula"))), unit_raw=_or_none(self._join(row.cell_lines("unit"))),
            weight_raw=_or_none(self._join(row.cell_lines("weight"))), values=values, expects_unit=any(b.key == "unit" for b in bands))

    def _owner_rows(self, table: TableBlock, objective: RawObjective) -> None:
        text = {key: self._join(_cell_lines_all(table.rows, key)) for key in
                ("political_owner", "department", "responsible", "mission_programme")}
        objective.political_owner = _or_none(text["political_owner"]) or objective.political_owner
        objective.department = _or_none(text["department"]) or objective.department
        objective.responsible = _or_none(text["responsible"]) or objective.responsible
        pattern = self.profile.classification.owner_cell_pattern
        match = compiled(pattern).search(text["mission_programme"]) if pattern else None
        if match:
            mission_code, programme_code = match.group("mission"), match.group("programme")
            if objective.mission is None or objective.mission.code != mission_code:
                objective.mission = RawClassification(mission_code, self.titles.get(("mission", mission_code)))
            if objective.programme is None or objective.programme.code != programme_code:
                objective.programme = RawClassification(programme_code,
                                                        self.titles.get(("programme", programme_code)))

    def _objective_rows(self, table: TableBlock) -> None:
        """A table whose rows are objectives (a DUP's obiettivi operativi)."""
        rules = self.profile.objective_table
        title_band = next((b for b in table.bands if b.key == "title"), None)
        parent = self.open[-1][1] if self.open and rules.parent == "nesting" else None
        for row in table.rows:
            title = _or_none(self._join(row.cell_lines("title")))
            code = _or_none(row.text("code"))
            if title is None:
                if squash(row.all_text()):
                    self.result.issues.append(Issue("unreadable_row", f"objective table row without a title: "
                                                    f"{squash(row.all_text())[:80]!r}", row.page))
                continue
            objective = RawObjective(
                code=code, number=None, level=rules.level,
                level_label=squash(title_band.label) if title_band else None, title=title, page=row.page,
                bbox=row.bbox, parent=_by_prefix(code, self.result.objectives) if rules.parent == "prefix" and code
                else parent, action_area=self.area, mission=self.mission, programme=self.programme,
                years=sorted({b.year for b in table.bands if b.key == "years" and b.year and squash(row.text(b.id))}))
            for band in table.bands:
                if band.key in ("description", "department", "responsible", "political_owner", "weight") \
                        or band.key.startswith("attributes."):
                    value = _or_none(self._join(row.cell_lines(band.id)))
                    if value is not None:
                        _set_field(objective, band.key, value)
            self.result.objectives.append(objective)
            self.last = objective

    # -- values of indicators printed as headings ------------------------------------------------------

    def _value_lines(self, lines: list[Line]) -> None:
        """Values printed as lines under an indicator heading; a value's text may wrap onto the
        lines below it, in its style and at line spacing."""
        indicator = self.indicator
        continued: list[str] | None = None
        previous: Line | None = None
        for line in lines:
            value = self._value_of(line.text)
            if value is not None:
                indicator.values.append(value)
                continued, previous = [value.raw], line
            elif continued is not None and previous is not None and _continues_text(previous, line):
                continued.append(line.text)
                indicator.values[-1].raw = self._join(continued)
                previous = line
            else:
                continued = previous = None

    def _value_of(self, text: str) -> RawValue | None:
        for pattern, kind in self.value_lines:
            match = pattern.match(squash(text))
            if match:
                groups = match.groupdict()
                return self._baseline(RawValue(kind, squash(groups["raw"]), int(groups["year"]) if groups.get("year")
                                               else None, _ordinal(groups.get("ordinal"))))
        return None

    def _baseline(self, value: RawValue) -> RawValue:
        if self.baseline_prefix is not None and (match := self.baseline_prefix.match(value.raw)):
            value.kind, value.raw = "baseline", value.raw[match.end():].strip()
        return value

    def _value_rows(self, table: TableBlock) -> None:
        if self.indicator is None:
            self.result.issues.append(Issue("orphan_table", "table of values with no indicator heading above it",
                                            table.pages[0] if table.pages else None))
            return
        for row in table.rows:
            year = re.search(r"(?:19|20)\d\d", row.text("year"))
            for band in table.bands:
                raw = _or_none(self._join(row.cell_lines(band.id))) if band.key in _VALUE_KEYS else None
                if raw is not None:
                    self.indicator.values.append(self._baseline(
                        RawValue(band.key, raw, int(year.group()) if year else band.year, band.ordinal)))

    # -- text ------------------------------------------------------------------------------------------

    def _join(self, lines: list[str]) -> str:
        return join_lines(lines, self.is_word)

    def _clean_title(self, title: str, rule: HeadingRule) -> str:
        title = squash(title)
        for cleanup in rule.title_cleanup:
            title = compiled(cleanup.pattern).sub(cleanup.replace, title).strip()
        return title


def _continues_text(previous: Line, line: Line) -> bool:
    return (line.page == previous.page and line.top - previous.bottom <= 0.8 * line.size
            and abs(line.size - previous.size) <= 0.6 and line.bold == previous.bold)


def _set_field(objective: RawObjective, key: str, value: str) -> None:
    if key.startswith("attributes."):
        objective.attributes[key.removeprefix("attributes.")] = value
    elif key == "weight":
        objective.weight_raw = value
    else:
        setattr(objective, key, value)


def _by_prefix(code: str, objectives: list[RawObjective]) -> RawObjective | None:
    """The latest objective whose code begins ``code`` (and is shorter)."""
    return next((o for o in reversed(objectives) if o.code and len(o.code) < len(code) and code.startswith(o.code)),
                None)


def _ordinal(text: str | None) -> int | None:
    from .rules import ORDINALS

    return ORDINALS.get(text.lower()) if text else None


def _first_token(row: Row, key: str) -> str:
    text = squash(row.text("code")) if key == "code" else squash(row.text(key))
    return text.partition(" ")[0] if key != "code" else text


def _department_row(row: Row, labels: list[str]) -> tuple[str, str] | None:
    return next(((cell, label) for cell in row.cells for label in labels if fold(row.text(cell)).startswith(label)),
                None)


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
