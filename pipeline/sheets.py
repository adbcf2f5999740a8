"""Reading an objective's sheet: labelled fields under its heading.

Offices print them two ways, both read here:

* a two-column table, label | value, its grid drawn: the lines from the first label down to the
  bottom of the drawn cells are cut into rows at the row lines, each row's words split at the
  vertical rule between the columns (a label may wrap onto two lines of its cell, so may a value);
* lines ``Settore responsabile: Servizi demografici``: a line opening with a label starts a field,
  the lines that follow at line spacing carry its value on.

A row whose label no rule names is kept as an unmapped field (reported, never dropped).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .layout import Line, Rect, Word
from .rules import SheetRules
from .tables import _row_bands
from .text import fold, squash

_BROKEN_WORD = re.compile(r"(?<=[^\W\d_])- (?=[^\W\d_])")
_SEPARATORS = ":\u2013-. "


@dataclass(slots=True)
class SheetEntry:
    key: str | None          # the rule's key, None for a label no rule maps
    label: str               # as printed
    value_lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Sheet:
    entries: list[SheetEntry]
    lines: list[Line]

    @property
    def matched(self) -> int:
        return sum(1 for entry in self.entries if entry.key is not None)


def label_key(text: str, rules: SheetRules, partial: bool = False) -> tuple[str, str] | None:
    """The (key, folded label) a text opens with; with ``partial``, also a label it begins (a label
    wrapped onto the next line of its cell)."""
    folded = _BROKEN_WORD.sub("", fold(text))
    for key, label in rules.folded:
        if folded == label or (folded.startswith(label) and folded[len(label):len(label) + 1] in _SEPARATORS):
            return key, label
    if partial and len(folded) >= 6:
        for key, label in rules.folded:
            if label.startswith(folded):
                return key, label
    return None


def read_sheet(lines: list[Line], start: int, rules: SheetRules, rects: list[Rect], walls: list[Rect],
               region_bottom: float | None, stops: Callable[[int], bool],
               min_fields: int | None = None) -> tuple[Sheet, int] | None:
    """The sheet starting at ``lines[start]`` and the index after it, or None if there is none there
    (fewer than ``min_fields`` labelled fields, the rules' by default). ``stops(i)`` says whether
    line i opens another block (a heading, a table)."""
    first = lines[start]
    wall = _wall_after_label(first, rules, walls)
    if wall is not None and region_bottom is not None:
        sheet, end = _table_sheet(lines, start, rules, rects, wall, region_bottom, stops)
    else:
        sheet, end = _line_sheet(lines, start, rules, stops)
    if sheet.matched < min(rules.min_fields if min_fields is None else min_fields, len(rules.fields)):
        return None
    return sheet, end


def _wall_after_label(line: Line, rules: SheetRules, walls: list[Rect]) -> float | None:
    """The x of the vertical rule between a line's label cell and its value cell, if it has one."""
    crossing = sorted(w.x0 for w in walls if w.top < line.bottom and w.bottom > line.top and line.x0 < w.x0 < line.x1)
    for x in crossing:
        left = [w for w in line.words if w.center_x < x]
        if left and label_key(" ".join(w.text for w in left), rules, partial=True):
            return x
    return None


def _table_sheet(lines: list[Line], start: int, rules: SheetRules, rects: list[Rect], wall: float,
                 region_bottom: float, stops: Callable[[int], bool]) -> tuple[Sheet, int]:
    end = start
    while end < len(lines) and lines[end].top <= region_bottom and (end == start or not stops(end)):
        end += 1
    entries: list[SheetEntry] = []
    for band in _row_bands(lines[start:end], rects):
        label_words = [[w for w in line.words if w.center_x < wall] for line in band]
        value_words = [[w for w in line.words if w.center_x >= wall] for line in band]
        label = squash(" ".join(_text(words) for words in label_words))
        values = [_text(words) for words in value_words if words]
        if not label and entries:  # a value wrapped past its label's row line
            entries[-1].value_lines += values
            continue
        found = label_key(label, rules)
        entries.append(SheetEntry(found[0] if found else None, _BROKEN_WORD.sub("", label), values))
    return Sheet(entries, lines[start:end]), end


def _line_sheet(lines: list[Line], start: int, rules: SheetRules, stops: Callable[[int], bool]) -> tuple[Sheet, int]:
    entries: list[SheetEntry] = []
    layout = _LineLayout()
    end = start
    while end < len(lines):
        line = lines[end]
        found = label_key(line.text, rules)
        gap = line.top - lines[end - 1].bottom if end > start else 0.0
        inside = bool(entries) and end > start and not stops(end)
        if found is not None:
            key, label = found
            printed, rest = _split_label(line.words, label)
            layout.learn(line.words, printed, gap if entries else None)
            entries.append(SheetEntry(key, printed, [rest] if rest else []))
        elif inside and gap <= layout.field_gap(line.size) and (unmapped := layout.unmapped_field(line)) is not None:
            entries.append(SheetEntry(None, *unmapped))
        elif inside and gap <= 0.8 * line.size and line.x0 >= lines[start].x0 - 2:
            entries[-1].value_lines.append(line.text)
        else:
            break
        end += 1
    return Sheet(entries, lines[start:end]), end


@dataclass(slots=True)
class _LineLayout:
    """How a sheet's labels are set apart from their values, learnt from the labels the rules know,
    so that a field no rule names is told from a value's next line: values in a column of their own
    (a table without drawn walls), or labels in bold type ending with a colon."""

    value_x: float | None = None
    bold_labels: bool = True
    widest_gap: float = 0.0   # between one labelled field and the next (paragraph spacing)

    def learn(self, words: list[Word], printed_label: str, gap: float | None) -> None:
        if gap is not None:
            self.widest_gap = max(self.widest_gap, gap)
        count = len(printed_label.split())
        label, value = words[:count], words[count:]
        self.bold_labels = self.bold_labels and all(w.bold for w in label) and not any(w.bold for w in value)
        if value and value[0].x0 - label[-1].x1 > 1.0 * value[0].size:
            self.value_x = value[0].x0 if self.value_x is None else min(self.value_x, value[0].x0)

    def field_gap(self, size: float) -> float:
        """How far below the previous line another field may open."""
        return max(0.8 * size, self.widest_gap + 0.1 * size)

    def unmapped_field(self, line: Line) -> tuple[str, list[str]] | None:
        """(label, value lines) if ``line`` opens a field with a label no rule maps."""
        words = line.words
        if self.value_x is not None and words[0].x0 < self.value_x - 2:
            label = [w for w in words if w.x1 < self.value_x - 2]
            value = words[len(label):]
            if label and value:
                return _text(label), [_text(value)]
        if self.bold_labels and words[0].bold:
            run = next((k for k, w in enumerate(words) if not w.bold), len(words))
            if words[run - 1].text.endswith(":"):
                return _text(words[:run]).rstrip(":").strip(), [_text(words[run:])] if run < len(words) else []
        return None


def _split_label(words: list[Word], folded_label: str) -> tuple[str, str]:
    """A line's printed label and the value after it (a ':' or dash between them dropped)."""
    for n in range(1, len(words) + 1):
        head = fold(" ".join(w.text for w in words[:n])).rstrip(_SEPARATORS)
        if head == folded_label or fold(" ".join(w.text for w in words[:n])) == folded_label:
            printed = " ".join(w.text for w in words[:n]).rstrip(_SEPARATORS)
            rest = " ".join(w.text for w in words[n:]).lstrip(_SEPARATORS)
            return printed, rest
    text = " ".join(w.text for w in words)
    return text, ""


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)
