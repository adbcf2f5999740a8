"""Reading tables by geometry.

A table is found from its header row: the header's words are grouped into labels (by the cell
rectangles around them when the PDF draws them, else by horizontal gaps) and each group is
matched to a column of the rules. Column bands then run between the columns; where no rule
line marks the boundary it is put in the widest empty valley of the body text between two
header labels, so a wide left-aligned description column and a narrow centred unit column are
both read correctly whatever their widths and order.

Rows are found from the first column: a row starts at a line whose first cell opens with a code
(and, when the table has padding between rows, after a visibly larger gap), and collects every
word whose vertical centre falls before the next row's start, so values printed at the top,
middle or bottom of a wrapped row all land in the right row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from .layout import Line, Rect, Word, union_bbox
from .rules import TableRules
from .text import fold

MIN_LABEL_SCORE = 88.0
_BROKEN_WORD = re.compile(r"(?<=[^\W\d_])- (?=[^\W\d_])")


UNMAPPED = "?"
"""The key of a header column no rule maps: its cells are kept apart, and reported."""


@dataclass(slots=True)
class Band:
    key: str
    x0: float
    x1: float
    label: str
    year: int | None = None      # a column of one year ('Target 2025')
    ordinal: int | None = None   # a column of the plan's n-th year ('Target secondo anno')
    id: str = ""                 # unique in the table: the key, or key@year for a column repeated per year

    def __post_init__(self) -> None:
        if not self.id:
            self.id = self.key


@dataclass(slots=True)
class Header:
    """A matched header row: the column labels found and where they sit."""

    columns: list[Band]
    lines: list[Line]
    cell_edges: dict[str, tuple[float, float]] = field(default_factory=dict)
    score: float = 0.0  # how well the labels matched, summed

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return union_bbox(line.bbox for line in self.lines)


@dataclass(slots=True)
class Row:
    lines: list[Line]
    cells: dict[str, list[Word]]
    page: int
    continued: bool = False  # the rest of a row that began on the previous page

    def merge(self, rest: "Row") -> None:
        """Take in the part of this row printed on the next page."""
        self.lines += rest.lines
        for key, words in rest.cells.items():
            self.cells.setdefault(key, []).extend(words)

    def text(self, key: str) -> str:
        """A cell's text in reading order (the cell's words were gathered line by line)."""
        return _join_words(self.cells.get(key, []))

    def cell_lines(self, key: str) -> list[str]:
        """A cell's text, one string per printed line."""
        mine = {id(w) for w in self.cells.get(key, [])}
        texts = (_join_words([w for w in line.words if id(w) in mine]) for line in self.lines)
        return [text for text in texts if text]

    def all_text(self, exclude: tuple[str, ...] = ()) -> str:
        """The whole row in reading order, leaving out the cells of ``exclude``."""
        left_out = {id(w) for key in exclude for w in self.cells.get(key, [])}
        return _join_words([w for line in self.lines for w in line.words if id(w) not in left_out])

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """Where the row starts: its lines on its first page."""
        return union_bbox(line.bbox for line in self.lines if line.page == self.page)


def _join_words(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


# -- header ----------------------------------------------------------------------------------

def match_header(lines: list[Line], rules: TableRules, rects: list[Rect]) -> Header | None:
    """Match the first line of ``lines`` as a header, with up to two more if its labels wrap.

    Wrapped label lines follow at line spacing (a next row sits below cell padding); the candidate
    matching the most column labels wins, and on a tie the one whose labels match best (a wrapped
    'Unità di' + 'misura' reads better whole; a first body row glued under the header reads worse).
    """
    if not lines or not _may_be_header(lines[:3], rules):
        return None
    candidates = [lines[:1]]
    for nxt in lines[1:3]:
        previous = candidates[-1][-1]
        if (nxt.top - previous.bottom > previous.size * 0.5 or nxt.bold != lines[0].bold
                or abs(nxt.size - lines[0].size) > 0.6):
            break
        candidates.append(candidates[-1] + [nxt])
    best: Header | None = None
    for header_lines in candidates:
        header = _match_header_lines(header_lines, rules, rects)
        if header and (best is None or (len(header.columns), header.score) > (len(best.columns), best.score)):
            best = header
    return best


def _may_be_header(lines: list[Line], rules: TableRules) -> bool:
    """Cheap test first: do enough columns have a word of one of their labels in these lines (a
    column repeated per year counting once per word)?"""
    folded = [fold(w.text) for line in lines for w in line.words]
    tokens = set(folded)
    found = 0
    for key, words in rules.label_tokens.items():
        if key in rules.REPEATING:
            found += sum(1 for t in folded if t in words)
        elif words & tokens:
            found += 1
    if rules.REPEATING and any(p.pattern for k, p in rules.label_patterns if k in rules.REPEATING):
        found += sum(1 for t in folded if re.fullmatch(r"(?:19|20)\d\d", t))  # bare years under a label
    return found >= rules.min_labels


def _match_header_lines(header_lines: list[Line], rules: TableRules, rects: list[Rect]) -> Header | None:
    """Columns from the labels of the header lines. A key is taken once, unless it repeats per year
    (``rules.REPEATING``); a label group no column matches becomes an unmapped column."""
    words = [w for line in header_lines for w in line.words]
    columns: list[Band] = []
    edges: dict[str, tuple[float, float]] = {}
    used: set[str] = set()
    score = 0.0
    matched_boxes: list[tuple[float, float, float]] = []
    unmapped: list[tuple[list[Word], Rect | None]] = []
    for group, cell in _label_groups(words, rects):
        found = _labels_in(group, rules, depth=0 if cell is not None else 2)
        for key, part, label_score in found:
            label = _text(part)
            year, ordinal = _year_of(label, key, rules)
            band_id = key
            if key in rules.REPEATING and (year is not None or ordinal is not None):
                band_id = f"{key}@{year}" if year is not None else f"{key}@+{ordinal}"
            if band_id in used or (key not in rules.REPEATING and key in used):
                continue
            used.update({band_id, key})
            score += label_score
            columns.append(Band(key, min(w.x0 for w in part), max(w.x1 for w in part), label, year, ordinal, band_id))
            if cell is not None:
                edges[band_id] = (cell.x0, cell.x1)
        if found:
            matched_boxes += [(min(w.x0 for w in part), min(w.top for w in part), max(w.x1 for w in part))
                              for _, part, _ in found]
        else:
            unmapped.append((group, cell))
    if len(columns) < rules.min_labels or not set(rules.required) <= {c.key for c in columns}:
        return None
    for group, cell in unmapped:
        x0, x1, bottom = min(w.x0 for w in group), max(w.x1 for w in group), max(w.bottom for w in group)
        if any(top >= bottom and left < x1 and right > x0 for left, top, right in matched_boxes):
            continue  # a label over other labels ('Annualità' over 2025 | 2026 | 2027): not a column
        columns.append(Band(UNMAPPED, x0, x1, _text(group), id=f"{UNMAPPED}{len(columns)}"))
        if cell is not None:
            edges[columns[-1].id] = (cell.x0, cell.x1)
    columns.sort(key=lambda b: b.x0)
    while columns and columns[0].key == UNMAPPED and not edges.get(columns[0].id):
        columns.pop(0)  # words before the first label without a cell of their own: not a column
    return Header(columns=columns, lines=header_lines, cell_edges=edges, score=score)


def _year_of(label: str, key: str, rules: TableRules) -> tuple[int | None, int | None]:
    """The year a column's label names, or its place among the plan's years ('secondo anno')."""
    from .rules import ORDINALS

    folded = _BROKEN_WORD.sub("", fold(label))
    for pattern_key, pattern in rules.label_patterns:
        match = pattern.fullmatch(folded) if pattern_key == key else None
        if match:
            groups = match.groupdict()
            if groups.get("year"):
                return int(groups["year"]), None
            if groups.get("ordinal"):
                return None, ORDINALS.get(groups["ordinal"].lower())
    return None, None


def _text(words: list[Word]) -> str:
    """Words of a (possibly wrapped) label in reading order: by line, then left to right."""
    ordered = sorted(words, key=lambda w: (w.top + w.bottom) / 2)
    lines: list[list[Word]] = []
    for word in ordered:
        if lines and abs((word.top + word.bottom) / 2 - (lines[-1][0].top + lines[-1][0].bottom) / 2) < word.size * 0.5:
            lines[-1].append(word)
        else:
            lines.append([word])
    return " ".join(w.text for line in lines for w in sorted(line, key=lambda w: w.x0))


def _labels_in(group: list[Word], rules: TableRules, depth: int) -> list[tuple[str, list[Word], float]]:
    """The column labels a group of header words holds.

    Without drawn cells, two labels close together form one group ('Missione/Programma Sindaco /
    Consigliere'): such a group is split at its widest gaps until its parts match labels.
    """
    key, score = _best_column(_text(group), rules)
    if key is not None and score >= MIN_LABEL_SCORE:
        return [(key, group, score)]
    folded = [fold(w.text) for w in group]
    tokens = set(folded)
    labels_held = sum(1 for ts in rules.label_tokens.values() if ts & tokens)
    repeated = any(sum(1 for t in folded if t in rules.label_tokens.get(key, ())) >= 2 for key in rules.REPEATING)
    if depth == 0 or len(group) < 2 or (labels_held < 2 and not repeated):
        return []  # nothing to split: the group does not hold words of two columns' labels
    ordered = sorted(group, key=lambda w: w.x0)
    cuts = sorted(range(1, len(ordered)), key=lambda i: ordered[i - 1].x1 - ordered[i].x0)[:3]
    best: list[tuple[str, list[Word], float]] = []
    for cut in cuts:  # widest gaps first
        left, right = ordered[:cut], ordered[cut:]
        if min(w.x0 for w in right) <= max(w.x1 for w in left):
            continue  # the parts overlap: a wrapped label, not two
        found = _labels_in(left, rules, depth - 1) + _labels_in(right, rules, depth - 1)
        if len(found) > len(best):
            best = found
    return best


@lru_cache(maxsize=4096)
def _best_column_cached(folded: str, labels: tuple[tuple[str, str, tuple[str, ...]], ...]) -> tuple[str | None, float]:
    tokens = folded.split()
    best: tuple[str | None, float, int] = (None, 0.0, 0)
    for key, label_folded, label_tokens in labels:
        if folded == label_folded:
            score = 100.0
        elif _contains_run(tokens, list(label_tokens)) and len(label_tokens) * 2 >= len(tokens):
            score = 100.0 - 5.0 * (len(tokens) - len(label_tokens)) / len(tokens)  # extra words cost
        else:
            score = fuzz.ratio(folded, label_folded)
        if (score, len(label_folded)) > (best[1], best[2]):
            best = (key, score, len(label_folded))
    return best[0], best[1]


def _best_column(text: str, rules: TableRules) -> tuple[str | None, float]:
    """The column whose label ``text`` matches best, and how well (0-100): a label pattern matching the
    whole text first ('Target 2025'), else the printed labels, fuzzily. A label hyphenated where its
    cell wraps ('Unità di mi-' / 'sura') is read whole."""
    folded = _BROKEN_WORD.sub("", fold(text))
    for key, pattern in rules.label_patterns:
        if pattern.fullmatch(folded):
            return key, 100.0
    return _best_column_cached(folded, rules.folded_labels)


def _contains_run(tokens: list[str], run: list[str]) -> bool:
    return any(tokens[i:i + len(run)] == run for i in range(len(tokens) - len(run) + 1))


def _label_groups(words: list[Word], rects: list[Rect]) -> list[tuple[list[Word], Rect | None]]:
    """Group header words into labels: by enclosing cell when cells are drawn, else by gaps."""
    by_cell: dict[int, list[Word]] = {}
    loose: list[Word] = []
    cells: dict[int, Rect] = {}
    top, bottom = min(w.top for w in words), max(w.bottom for w in words)
    rects = [r for r in rects if r.top <= bottom and r.bottom >= top]  # only those beside these words
    for word in words:
        cell = _enclosing_cell(word, rects)
        if cell is None:
            loose.append(word)
        else:
            cells[id(cell)] = cell
            by_cell.setdefault(id(cell), []).append(word)
    groups: list[tuple[list[Word], Rect | None]] = [(ws, cells[k]) for k, ws in by_cell.items()]
    for cluster in _gap_clusters(loose):
        groups.append((cluster, None))
    groups.sort(key=lambda g: min(w.x0 for w in g[0]))
    return groups


def _enclosing_cell(word: Word, rects: list[Rect]) -> Rect | None:
    height = word.bottom - word.top
    x, y = word.center_x, (word.top + word.bottom) / 2
    inside = [r for r in rects if r.bottom - r.top > height * 0.9 and r.bottom - r.top < height * 4
              and r.x1 - r.x0 > word.x1 - word.x0 and r.contains(x, y)]
    return min(inside, key=lambda r: (r.x1 - r.x0) * (r.bottom - r.top)) if inside else None


def _gap_clusters(words: list[Word]) -> list[list[Word]]:
    """Split words into clusters wherever the horizontal gap exceeds ~1.2 font sizes."""
    clusters: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.x0):
        if clusters:
            last = clusters[-1]
            right = max(w.x1 for w in last)
            if word.x0 - right <= max(word.size, last[-1].size) * 1.2:
                last.append(word)
                continue
        clusters.append([word])
    return clusters


# -- bands -----------------------------------------------------------------------------------

def column_bands(header: Header, body: list[Line], rects: list[Rect] = ()) -> list[Band]:
    """Turn the header's labels into bands covering the whole width of the table.

    Between two labels the boundary is, in this order: the edges of their drawn cells, a vertical
    rule drawn across the header between them (tables whose grid is drawn as lines), or the widest
    empty valley of the body text."""
    columns = header.columns
    words = [w for line in body for w in line.words]
    _, top, _, bottom = header.bbox
    middle = (top + bottom) / 2
    rules = [r.x0 for r in rects if r.x1 - r.x0 < 2 and r.bottom - r.top > 2 and r.top <= middle <= r.bottom]
    bounds: list[float] = []
    for left, right in zip(columns, columns[1:]):
        between = [x for x in rules if left.x1 - 1 <= x <= right.x0 + 1]
        if left.id in header.cell_edges and right.id in header.cell_edges:
            bounds.append((header.cell_edges[left.id][1] + header.cell_edges[right.id][0]) / 2)
        elif between:
            bounds.append(max(between))
        else:
            bounds.append(_valley(left.x1, right.x0, words))
    bands = []
    for index, column in enumerate(columns):
        x0 = bounds[index - 1] if index > 0 else float("-inf")
        x1 = bounds[index] if index < len(bounds) else float("inf")
        bands.append(Band(column.key, x0, x1, column.label, column.year, column.ordinal, column.id))
    return bands


def _valley(start: float, end: float, words: list[Word]) -> float:
    """The middle of the least-covered stretch between two labels (body words' x-extents)."""
    if end - start < 2:
        return (start + end) / 2
    steps = int(end - start)
    coverage = [0] * (steps + 1)
    for word in words:
        lo, hi = max(word.x0, start), min(word.x1, end)
        for i in range(max(0, int(lo - start)), min(steps, int(hi - start)) + 1) if hi >= lo else ():
            coverage[i] += 1
    lowest = min(coverage)
    best_start = best_len = run_start = 0
    run_len = 0
    for i, value in enumerate(coverage):
        if value == lowest:
            if run_len == 0:
                run_start = i
            run_len += 1
            if run_len > best_len:
                best_start, best_len = run_start, run_len
        else:
            run_len = 0
    return start + best_start + best_len / 2


def band_of(word: Word, bands: list[Band]) -> str:
    """The id of the band a word falls in."""
    x = word.center_x
    for band in bands:
        if band.x0 <= x < band.x1:
            return band.id
    return bands[-1].id


# -- rows ------------------------------------------------------------------------------------

def split_cells(line: Line, bands: list[Band]) -> dict[str, list[Word]]:
    cells: dict[str, list[Word]] = {}
    for word in line.words:
        cells.setdefault(band_of(word, bands), []).append(word)
    return cells


def row_key(bands: list[Band]) -> str:
    """The column where a row opens: a separate code column if there is one, else the description."""
    keys = [band.key for band in bands]
    return next((k for k in ("code", "description") if k in keys), keys[0])


def read_rows(lines: list[Line], bands: list[Band], code_pattern: re.Pattern[str] | None,
              row_labels: list[str] = (), continuing: bool = False, rects: list[Rect] = (),
              by_bands: bool = False) -> list[Row]:
    """Group body lines into rows.

    With ``by_bands``, without a code pattern, or when no line of a table's first page opens with a
    code, every row band is a row (on a continued page, a first band whose first column is empty is
    the end of the previous page's last row).

    Lines are first cut into *row bands*: between drawn horizontal cell borders when the table has
    them, else wherever the vertical gap is wider than line spacing (cell padding). Each band with
    a code (or a row label such as 'Obiettivo specifico') is a row, wherever in the band the code
    sits (top, centred, bottom); a band without one carries on the row above. A table without any
    padding is cut at the lines that open with a code instead.

    With ``continuing`` (the table goes on from the previous page) the lines before the first code
    are the end of the previous page's last row and come back as a ``continued`` row.
    """
    if not lines:
        return []
    key = row_key(bands)
    labels = [fold(label) for label in row_labels]

    def opens(line: Line) -> bool:
        cells = split_cells(line, bands)
        first = cells.get(key, [])
        if first and code_pattern is not None and code_pattern.match(first[0].text):
            return True
        return any(fold(" ".join(w.text for w in ws)).startswith(label) for ws in cells.values() for label in labels)

    groups = _row_bands(lines, rects)
    if by_bands or code_pattern is None or (not continuing and not any(opens(line) for line in lines)):
        rows = [_make_row(group, bands) for group in groups]
        if continuing and rows and not rows[0].cells.get(key):
            rows[0].continued = True
        return rows
    if len(groups) == 1:  # no padding, no borders: the codes alone cut the rows
        groups = _split_at(groups[0], [opens(line) for line in groups[0]])
    rows: list[Row] = []
    for group in groups:
        if any(opens(line) for line in group) or not rows:
            rows.append(_make_row(group, bands, continued=not any(opens(line) for line in group) and continuing))
        else:
            rows[-1].merge(_make_row(group, bands))
    return rows


def _row_bands(lines: list[Line], rects: list[Rect]) -> list[list[Line]]:
    """Lines grouped into the table's visual rows (see ``read_rows``)."""
    ordered = sorted(lines, key=lambda ln: (ln.top, ln.x0))
    x0, x1 = min(ln.x0 for ln in ordered), max(ln.x1 for ln in ordered)
    top, bottom = ordered[0].top, max(ln.bottom for ln in ordered)
    borders = sorted({round(y, 1) for r in rects if r.x0 < x1 and r.x1 > x0 and r.x1 - r.x0 > 20
                      for y in (r.top, r.bottom) if top < y < bottom})
    groups: list[list[Line]] = []
    if borders:
        by_interval: dict[int, list[Line]] = {}
        for line in ordered:
            middle = (line.top + line.bottom) / 2
            by_interval.setdefault(sum(1 for y in borders if y < middle), []).append(line)
        return [by_interval[k] for k in sorted(by_interval)]
    lowest = -1e9
    for line in ordered:
        if groups and line.top - lowest <= 0.45 * line.size:
            groups[-1].append(line)
        else:
            groups.append([line])
        lowest = max(lowest, line.bottom) if len(groups[-1]) > 1 else line.bottom
    return groups


def _split_at(lines: list[Line], opening: list[bool]) -> list[list[Line]]:
    groups: list[list[Line]] = []
    for line, opens in zip(lines, opening):
        if opens or not groups:
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def _make_row(lines: list[Line], bands: list[Band], continued: bool = False) -> Row:
    cells: dict[str, list[Word]] = {}
    for line in lines:
        for key, words in split_cells(line, bands).items():
            cells.setdefault(key, []).extend(words)
    return Row(lines=list(lines), cells=cells, page=lines[0].page, continued=continued)

